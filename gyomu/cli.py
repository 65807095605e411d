"""The ``gyomu`` command (Japanese help and messages).

``gyomu validate CLIENT_DIR ...``  read each client folder; print every problem (exit 1) or a
                                  short summary of what was read (exit 0)
``gyomu template PATH``           write a blank survey.xlsx for a client to fill in
``gyomu run ...``                 the report run (present when :mod:`gyomu.runner` exists)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import Problem, SurveyError

#: At most this many problems are printed per client folder.
MAX_PRINTED = 300


class _JapaneseHelp(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # noqa: ANN001
        return super().add_usage(usage, actions, groups, "使い方: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser with Japanese section titles, help option and error line."""

    def __init__(self, *args, **kwargs):  # noqa: ANN002, ANN003
        kwargs.setdefault("formatter_class", _JapaneseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="このヘルプを表示して終了します")

    def error(self, message: str) -> None:  # type: ignore[override]
        for en, ja in _ARGPARSE_MESSAGES.items():
            message = message.replace(en, ja)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: エラー: {message}\n")


_ARGPARSE_MESSAGES = {
    "the following arguments are required": "次の引数が必要です",
    "unrecognized arguments": "不明な引数です",
    "invalid choice": "選べないコマンドです",
    "choose from": "選べるもの",
    "expected one argument": "値が1つ必要です",
    "argument ": "引数 ",
}


def _print(text: str = "") -> None:
    print(text, flush=True)


def _summary(client) -> list[str]:  # noqa: ANN001 - gyomu.Client
    hours = client.hours["hours"]
    lines = [
        f"{client.name}({client.client_id}" + (f"、調査回 {client.wave}" if client.wave else "") + ")を読み込みました。",
        f"  メンバー: {len(client.members)}人",
        f"  業務: {len(client.tasks)}件",
        f"  工数: {len(client.hours)}行(合計 {hours.sum():,.1f} 時間/月)",
        f"  インタビュー: {len(client.interviews)}件(発言 {len(client.segments)}件)",
    ]
    if len(client.coding):
        lines.append(f"  コーディング: {len(client.coding)}件")
    if client.vision is not None:
        lines.append(f"  ビジョン: 目標 {len(client.vision.targets)}件、施策 {len(client.vision.measures)}件")
    if client.history:
        rounds = "、".join(f"{w}({len(c.hours)}行)" for w, c in client.history.items())
        lines.append(f"  過去の調査: {rounds}")
    lines.append(f"  警告: {len(client.warnings)}件")
    lines += [f"    - {w.where()}: {w.message}" for w in client.warnings[:MAX_PRINTED]]
    if len(client.warnings) > MAX_PRINTED:
        lines.append(f"    … ほか {len(client.warnings) - MAX_PRINTED}件")
    return lines


def _problem_lines(err: SurveyError) -> list[str]:
    head = f"{err.path} の入力に" if err.path else "入力に"
    lines = [f"{head}{len(err.problems)}件の問題があります。修正して再実行してください。"]
    shown: list[Problem] = err.problems[:MAX_PRINTED]
    lines += [f"  {i}. {p.where()}: {p.message}" for i, p in enumerate(shown, 1)]
    if len(err.problems) > MAX_PRINTED:
        lines.append(f"  … ほか {len(err.problems) - MAX_PRINTED}件")
    if err.warnings:
        lines.append(f"警告({len(err.warnings)}件):")
        lines += [f"  - {p.where()}: {p.message}" for p in err.warnings[:MAX_PRINTED]]
        if len(err.warnings) > MAX_PRINTED:
            lines.append(f"  … ほか {len(err.warnings) - MAX_PRINTED}件")
    return lines


def validate_command(args: argparse.Namespace) -> int:
    """``gyomu validate``: 0 when every folder reads cleanly, 1 otherwise."""
    from .intake import load_client

    status = 0
    for i, folder in enumerate(args.client_dirs):
        if i:
            _print()
        try:
            client = load_client(folder, history=not args.no_history)
        except SurveyError as err:
            _print("\n".join(_problem_lines(err)))
            status = 1
            continue
        except Exception as exc:  # noqa: BLE001 - a bug must not show a traceback to a consultant
            _print(f"{folder} の読み込み中に想定外のエラーが起きました({type(exc).__name__}: {exc})。"
                   "開発者に連絡してください。")
            status = 1
            continue
        _print("\n".join(_summary(client)))
    return status


def template_command(args: argparse.Namespace) -> int:
    """``gyomu template``: write a blank survey workbook (never over an existing file)."""
    from .template import write_template

    path = Path(args.path)
    if path.is_dir() or (not path.suffix and not path.exists()):
        path = path / "survey.xlsx"
    if path.suffix.lower() != ".xlsx":
        _print(f"{path} には書き出せません。ファイル名は .xlsx で終わるようにしてください。")
        return 1
    if path.exists() and not args.force:
        _print(f"{path} はすでにあります。上書きしません(上書きするときは --force を付けてください)。")
        return 1
    try:
        kwargs = {"grades": args.grades} if args.grades else {}
        written = write_template(path, **kwargs)
    except OSError as exc:
        _print(f"{path} に書き出せませんでした({exc.strerror or exc})。")
        return 1
    _print(f"調査票のひな形を書き出しました: {written}")
    _print("シート「記入方法」を読んでから、メンバー・業務一覧・工数の各シートに記入してください。")
    return 0


def _split_grades(text: str) -> list[str]:
    return [g.strip() for g in text.replace("、", ",").split(",") if g.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The ``gyomu`` argument parser (Japanese help)."""
    parser = _Parser(
        prog="gyomu",
        description="gyomu(業務): 総務・バックオフィスの業務調査を読み込み、ワークショップ資料にするキットです。",
        epilog="例:\n  gyomu validate data/sample/kasou-denki\n  gyomu template data/clients/new-client/survey.xlsx"
               "\n\n各コマンドの詳しい使い方: gyomu <コマンド> --help",
    )
    sub = parser.add_subparsers(title="コマンド", dest="command", metavar="<コマンド>", parser_class=_Parser)

    p = sub.add_parser("validate", help="クライアントのフォルダを読み込み、入力の問題をすべて表示します",
                       description="クライアントのフォルダ(client.yml と survey.xlsx など)を読み込みます。"
                       "問題があればすべて表示して終了コード 1、なければ読み込んだ内容の要約を表示して 0 で終わります。")
    p.add_argument("client_dirs", nargs="+", metavar="CLIENT_DIR", help="クライアントのフォルダ(複数可)")
    p.add_argument("--no-history", action="store_true", help="history/ の過去の調査を読み込みません")
    p.set_defaults(func=validate_command)

    p = sub.add_parser("template", help="記入用の調査票(survey.xlsx)のひな形を書き出します",
                       description="メンバー・業務一覧・工数の3シートと記入方法、選択肢のドロップダウンを備えた"
                       "空の調査票を書き出します。既存のファイルは上書きしません。")
    p.add_argument("path", metavar="PATH", help="書き出す .xlsx のパス(フォルダなら その中の survey.xlsx)")
    p.add_argument("--grades", type=_split_grades, default=None, metavar="G1,G2,...",
                   help="等級の選択肢(下位から上位の順、カンマ区切り)。省略時は G1〜G5")
    p.add_argument("--force", action="store_true", help="既存のファイルを上書きします")
    p.set_defaults(func=template_command)

    if importlib.util.find_spec("gyomu.runner") is not None:
        from .runner import add_run_arguments, run_command

        p = sub.add_parser("run", help="クライアントのレポート一式を作成します",
                           description="ノートブックを実行し、クライアントのレポート一式を作成します。")
        add_run_arguments(p)
        p.set_defaults(func=run_command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gyomu`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())

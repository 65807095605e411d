"""A corpus of bad client folders, built from code from one small good client.

Every :class:`BadCase` starts from :func:`write_base` (a valid client folder: client.yml,
survey.xlsx or the three CSVs, one interview, codebook.yml and vision.yml) and breaks it in
one way a consultant or a client really does: the mistakes of the last section of
``survey-format.md`` (unknown and duplicate IDs, out-of-range numbers, unknown labels,
missing required columns, rows without hours, a grade not in client.yml) and real-world
accidents (a sheet missing, a renamed header, merged header cells, a formula cell without a
cached value, an empty workbook, a 0-byte file, an unexpected encoding, an absurd value,
broken front matter or YAML, a duplicate code, a folder name that is not an id, a measure
naming an unknown task).

Each case lists where its problem must be reported (:class:`Expect`: file, sheet, row as
Excel shows it, column as the header reads, and a piece of the Japanese message).

Build the corpus into a folder by hand (e.g. to read the real messages)::

    .venv/bin/python tests/bad_inputs/make_corpus.py /tmp/bad
    .venv/bin/gyomu validate /tmp/bad/*
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml

from gyomu.synthetic import write_client_folder
from gyomu.template import write_template

GRADES = ["G1", "G2", "G3"]

# ----------------------------------------------------------------------------- the good base

#: Rows as they land in the workbook: members rows 2-4, tasks rows 2-5, hours rows 2-8
#: (Excel row = position + 2; in the CSVs the line number is the same).
MEMBERS = pd.DataFrame({
    "member_id": ["M01", "M02", "M03"],
    "name": ["架空 一郎", "見本 花子", "仮名 次郎"],
    "grade": ["G3", "G2", "G1"],
    "employment": ["正社員", "正社員", "パート"],
    "team": ["総務課", "総務課", "総務課"],
    "capacity_hours": [160.0, 160.0, 120.0],
})
TASKS = pd.DataFrame({
    "task_id": ["T01", "T02", "T03", "T04"],
    "category": ["庶務", "施設管理", "契約・購買", "総務企画"],
    "subcategory": ["郵便", "設備", "備品", "方針"],
    "task": ["郵便物の仕分け・配布", "設備点検の立会い", "備品の発注", "総務方針の策定"],
    "purpose": ["運用", "管理", "運用", "戦略"],
    "kind": ["定型", "非定型", "定型", "非定型"],
    "difficulty": [1, 3, 2, 5],
    "remote": ["不可", "不可", "可", "一部可"],
    "outsourcing": ["一部可", "不可", "可", "不可"],
    "frequency": ["日次", "月次", "週次", "年次"],
    "manual": ["有", "無", "有", "無"],
    "note": [None, None, None, None],
})
HOURS = pd.DataFrame({
    "member_id": ["M01", "M01", "M02", "M02", "M03", "M03", "M02"],
    "task_id": ["T04", "T02", "T02", "T03", "T01", "T03", "T01"],
    "hours": [20.0, 10.0, 30.0, np.nan, 40.0, 5.0, np.nan],
    "times_per_month": [np.nan, np.nan, np.nan, 8.0, np.nan, np.nan, np.nan],
    "hours_per_time": [np.nan, np.nan, np.nan, 1.5, np.nan, np.nan, np.nan],
    "role": ["主担当", "副担当", "主担当", "主担当", "主担当", "副担当", "対応可"],
})

CLIENT_YML = {
    "name": "架空総務テスト株式会社",
    "wave": "2026-10",
    "capacity_hours": 160,
    "grades": GRADES,
    "strategic_purposes": ["戦略", "改善"],
    "anonymize": False,
}
INTERVIEW = """---
id: I01
respondent: 総務課長
role: 組織長
date: 2026-10-01
---
Q: 総務に期待されている役割は何だと思いますか。
A: 目の前の業務に追われていて、改善に手が回らないのが正直なところです。
Q: 属人化している業務はありますか。
A: 設備点検の立会いは担当者しか段取りを知りません。
"""
CODEBOOK_YML = """codes:
  - code: 業務過多
    parent: 課題
    definition: 目の前の業務に追われ、改善や戦略に時間を割けない
    keywords: [追われ, 手が回らない]
  - code: 属人化
    parent: 課題
    definition: 特定の人しか分からない業務がある
    keywords: [しか, 属人]
"""
VISION_YML = """targets:
  strategic_share: 0.30
  person_dependent_share: 0.10
maturity:
  - {dimension: 業務標準化, current: 2, target: 4}
measures:
  - name: 備品発注の外部委託
    tasks: [T03]
    action: 外部委託
    reduction: 0.5
    start: 2027-01
    end: 2027-03
    owner: 総務課長
"""

SURVEY = "survey.xlsx"


def write_base(folder: Path, fmt: str = "xlsx") -> Path:
    """Write the good client folder (loads cleanly with ``gyomu.load_client``)."""
    write_client_folder({"members": MEMBERS, "tasks": TASKS, "hours": HOURS, "grades": GRADES},
                        folder, fmt, encoding="utf-8")
    (folder / "client.yml").write_text(yaml.safe_dump(CLIENT_YML, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    (folder / "interviews").mkdir(exist_ok=True)
    (folder / "interviews" / "I01.md").write_text(INTERVIEW, encoding="utf-8")
    (folder / "codebook.yml").write_text(CODEBOOK_YML, encoding="utf-8")
    (folder / "vision.yml").write_text(VISION_YML, encoding="utf-8")
    return folder


# ----------------------------------------------------------------------------- editing helpers


def _edit_book(folder: Path, edit: Callable[[openpyxl.Workbook], None]) -> None:
    path = folder / SURVEY
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def _set(sheet: str, cell: str, value: object) -> Callable[[Path], None]:
    """Put ``value`` into one cell of a sheet of survey.xlsx."""
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            book[sheet][cell] = value
        _edit_book(folder, edit)
    return build


def _column_of(ws, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def _set_at(sheet: str, row: int, header: str, value: object) -> Callable[[Path], None]:
    """Put ``value`` into the cell under ``header`` on Excel row ``row``."""
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            ws = book[sheet]
            ws.cell(row=row, column=_column_of(ws, header)).value = value  # (value=None would not clear)
        _edit_book(folder, edit)
    return build


def _delete_column(sheet: str, header: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            ws = book[sheet]
            ws.delete_cols(_column_of(ws, header))
        _edit_book(folder, edit)
    return build


def _rename_header(sheet: str, header: str, new: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            ws = book[sheet]
            ws.cell(row=1, column=_column_of(ws, header)).value = new
        _edit_book(folder, edit)
    return build


def _delete_sheet(sheet: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            del book[sheet]
        _edit_book(folder, edit)
    return build


def _rename_sheet(sheet: str, new: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            book[sheet].title = new
        _edit_book(folder, edit)
    return build


def _clear_rows(sheet: str) -> Callable[[Path], None]:
    """Leave only the header row of a sheet."""
    def build(folder: Path) -> None:
        def edit(book: openpyxl.Workbook) -> None:
            ws = book[sheet]
            ws.delete_rows(2, ws.max_row)
        _edit_book(folder, edit)
    return build


def _merge_header(folder: Path) -> None:
    def edit(book: openpyxl.Workbook) -> None:
        book["業務一覧"].merge_cells("C1:D1")  # 中分類 and 業務名 under one merged header
    _edit_book(folder, edit)


def _empty_workbook(folder: Path) -> None:
    book = openpyxl.Workbook()  # one sheet called "Sheet", nothing on it
    book.save(folder / SURVEY)


def _empty_sheets(folder: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "メンバー"
    book.create_sheet("業務一覧")
    book.create_sheet("工数")
    book.save(folder / SURVEY)


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    """Replace (or create) one file of the folder."""
    def build(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    return build


def _reencode_csv(name: str, encoding: str, tail: bytes = b"") -> Callable[[Path], None]:
    """Re-save one CSV of a CSV client in another encoding (plus raw bytes at the end)."""
    def build(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        path.write_bytes(text.encode(encoding) + tail)
    return build


def _resave_csv(name: str, sep: str) -> Callable[[Path], None]:
    """Re-save one CSV with another separator (as Excel's 'text (tab separated)' does)."""
    def build(folder: Path) -> None:
        path = folder / name
        pd.read_csv(path, dtype=str, keep_default_na=False).to_csv(
            path, sep=sep, index=False, encoding="utf-8", lineterminator="\n")
    return build


def _replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return build


def _csv_cell(name: str, line: int, header: str, value: str) -> Callable[[Path], None]:
    """Put ``value`` into a CSV cell (``line`` = CSV line number, header = 1)."""
    def build(folder: Path) -> None:
        path = folder / name
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[line - 2, header] = value
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return build


def _remove(name: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / name).unlink()
    return build


def _history_with(step: Callable[[Path], None], wave: str = "2025-10") -> Callable[[Path], None]:
    """An earlier round under history/<wave>/ (a copy of survey.xlsx) broken by ``step``."""
    def build(folder: Path) -> None:
        past = folder / "history" / wave
        past.mkdir(parents=True)
        shutil.copy2(folder / SURVEY, past / SURVEY)
        step(past)
    return build


def _both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        for step in steps:
            step(folder)
    return build


# ----------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Expect:
    """Where a problem must be reported and a piece of its Japanese message.

    ``sheet``, ``row`` and ``column`` are checked only when given (``...`` means "must be
    None"); ``says`` are substrings that must all occur in the message.
    """

    file: str
    sheet: str | None | type(Ellipsis) = None
    row: int | None | type(Ellipsis) = None
    column: str | None | type(Ellipsis) = None
    says: tuple[str, ...] = ()

    def matches(self, problem) -> bool:  # noqa: ANN001 - gyomu.Problem
        def same(want, got) -> bool:  # noqa: ANN001
            if want is None:
                return True
            if want is Ellipsis:
                return got is None
            return want == got
        return (problem.file == self.file and same(self.sheet, problem.sheet)
                and same(self.row, problem.row) and same(self.column, problem.column)
                and all(s in problem.message for s in self.says))

    def __str__(self) -> str:
        parts = [self.file, self.sheet, f"{self.row}行目" if isinstance(self.row, int) else None,
                 self.column]
        return " ".join(str(p) for p in parts if p not in (None, Ellipsis)) + f" ({'/'.join(self.says)})"


@dataclass(frozen=True)
class BadCase:
    """One bad client folder: how to break the base, and where the problem must be named."""

    name: str  #: the case id (also the folder name unless ``folder`` is given)
    what: str  #: the mistake, in Japanese
    build: Callable[[Path], None]
    expect: tuple[Expect, ...]
    fmt: str = "xlsx"  #: the base: survey.xlsx or the three CSVs
    folder: str | None = None  #: a folder name other than the case id
    spec: bool = False  #: a mistake listed in the spec's last section

    @property
    def folder_name(self) -> str:
        return self.folder or self.name


S, M, T, H = SURVEY, "メンバー", "業務一覧", "工数"

CASES: tuple[BadCase, ...] = (
    # --- the mistakes of the spec's last section
    BadCase("unknown-member-id", "工数に存在しないメンバーID", _set_at(H, 3, "メンバーID", "M09"),
            (Expect(S, H, 3, "メンバーID", ("M09", "メンバーシートにありません")),), spec=True),
    BadCase("unknown-task-id", "工数に存在しない業務ID(近いIDを提案)", _set_at(H, 6, "業務ID", "T011"),
            (Expect(S, H, 6, "業務ID", ("T011", "業務一覧シートにありません", "もしかして")),), spec=True),
    BadCase("duplicate-member-id", "メンバーIDの重複", _set_at(M, 4, "メンバーID", "M02"),
            (Expect(S, M, 4, "メンバーID", ("M02", "重複", "3行目")),), spec=True),
    BadCase("duplicate-task-id", "業務IDの重複", _set_at(T, 5, "業務ID", "T03"),
            (Expect(S, T, 5, "業務ID", ("T03", "重複")),), spec=True),
    BadCase("duplicate-member-task-pair", "工数でメンバー×業務の組み合わせが2行",
            _set_at(H, 8, "業務ID", "T03"),
            (Expect(S, H, 8, "業務ID", ("組み合わせが重複", "5行目")),), spec=True),
    BadCase("difficulty-out-of-range", "難易度が 1〜5 の外", _set_at(T, 3, "難易度", 6),
            (Expect(S, T, 3, "難易度", ("'6'", "1〜5")),), spec=True),
    BadCase("negative-hours", "月間工数がマイナス", _set_at(H, 2, "月間工数", -5),
            (Expect(S, H, 2, "月間工数", ("マイナス", "0 以上")),), spec=True),
    BadCase("negative-capacity", "月間所定時間が 0", _set_at(M, 3, "月間所定時間", 0),
            (Expect(S, M, 3, "月間所定時間", ("0 より大きい",)),), spec=True),
    BadCase("unknown-kind-label", "業務種別の表記ゆれ(近い値を提案)", _set_at(T, 4, "業務種別", "定形"),
            (Expect(S, T, 4, "業務種別", ("'定形'", "定型 / 非定型 / 突発", "もしかして '定型'")),), spec=True),
    BadCase("unknown-role-label", "役割に選択肢にない値", _set_at(H, 5, "役割", "主担"),
            (Expect(S, H, 5, "役割", ("'主担'", "主担当 / 副担当 / 対応可")),), spec=True),
    BadCase("missing-required-column", "必須の列(難易度)がない", _delete_column(T, "難易度"),
            (Expect(S, T, 1, "難易度", ("必須の列", "見つかった列", "業務種別")),), spec=True),
    BadCase("missing-hours-columns", "工数の時間の列がどれもない",
            _both(_delete_column(H, "月間工数"), _delete_column(H, "回数")),
            (Expect(S, H, 1, None, ("工数の列がありません", "見つかった列")),), spec=True),
    BadCase("row-without-hours", "月間工数も回数×時間もない行", _set_at(H, 4, "月間工数", None),
            (Expect(S, H, 4, "月間工数", ("工数がありません",)),), spec=True),
    BadCase("times-without-hours-per-time", "回数だけで1回あたり時間が空欄",
            _set_at(H, 5, "1回あたり時間", None),
            (Expect(S, H, 5, "1回あたり時間", ("1回あたり時間", "空欄")),), spec=True),
    BadCase("grade-not-in-client-yml", "client.yml の grades にない等級", _set_at(M, 2, "等級", "G7"),
            (Expect(S, M, 2, "等級", ("'G7'", "client.yml", "G1 / G2 / G3")),), spec=True),
    BadCase("blank-required-cell", "必須の業務名が空欄", _set_at(T, 2, "業務名", None),
            (Expect(S, T, 2, "業務名", ("空欄",)),), spec=True),
    BadCase("csv-unknown-member-id", "CSV の工数に存在しないメンバーID(行番号は CSV の行)",
            _csv_cell("hours.csv", 7, "メンバーID", "M99"),
            (Expect("hours.csv", ..., 7, "メンバーID", ("M99",)),), fmt="csv", spec=True),
    # --- real-world accidents
    BadCase("missing-sheet", "工数シートがない", _delete_sheet(H),
            (Expect(S, H, ..., ..., ("シート「工数」", "見つかったシート", "メンバー")),)),
    BadCase("renamed-sheet", "シート名を変えてしまった(業務一覧 → 業務リスト)", _rename_sheet(T, "業務リスト"),
            (Expect(S, T, ..., ..., ("シート「業務一覧」", "業務リスト")),)),
    BadCase("renamed-header", "見出しを書き換えた(等級 → 職位)", _rename_header(M, "等級", "職位"),
            (Expect(S, M, 1, "等級", ("必須の列", "職位")),)),
    BadCase("merged-header", "見出し行の結合セル", _merge_header,
            (Expect(S, T, 1, None, ("結合セル", "C1:D1")),)),
    BadCase("formula-cell", "計算結果のない数式セル(openpyxl で書いた '=E3*2')",
            _set_at(H, 2, "月間工数", "=E3*2"),
            (Expect(S, H, 2, "月間工数", ("数式", "=E3*2")),)),
    BadCase("text-in-hours", "時間として読めない文字('約2時間くらい')", _set_at(H, 3, "月間工数", "約2時間くらい"),
            (Expect(S, H, 3, "月間工数", ("時間として読めません",)),)),
    BadCase("absurd-hours", "ありえない月間工数(9999 時間)", _set_at(H, 2, "月間工数", 9999),
            (Expect(S, H, 2, "月間工数", ("9999",)),)),
    BadCase("absurd-times", "ありえない回数(1e9 回)", _set_at(H, 5, "回数", 1e9),
            (Expect(S, H, 5, None, ("回数",)),)),
    BadCase("date-in-hours", "Excel が日付に変えた時間('1/2' と打って 2026-01-02 になった)",
            _set_at(H, 3, "月間工数", dt.datetime(2026, 1, 2)),
            (Expect(S, H, 3, "月間工数", ("2026-01-02", "時間として読めません")),)),
    BadCase("error-value-cell", "Excel のエラー値(#DIV/0!)が残ったセル", _set_at(H, 3, "月間工数", "#DIV/0!"),
            (Expect(S, H, 3, "月間工数", ("#DIV/0!",)),)),
    BadCase("infinite-hours", "月間工数に 'inf'", _set_at(H, 3, "月間工数", "inf"),
            (Expect(S, H, 3, "月間工数", ("'inf'",)),)),
    BadCase("history-unknown-member-id", "過去の調査(history/)に存在しないメンバーID",
            _history_with(_set_at(H, 3, "メンバーID", "M77")),
            (Expect("history/2025-10/survey.xlsx", H, 3, "メンバーID", ("M77",)),)),
    BadCase("blank-template-returned", "記入されていない調査票のひな形が戻ってきた",
            lambda folder: write_template(folder / SURVEY, grades=GRADES),
            (Expect(S, M, ..., ..., ("データの行がありません",)),
             Expect(S, H, ..., ..., ("データの行がありません",)))),
    BadCase("hours-sheet-without-rows", "工数シートが見出しだけ(メンバーと業務一覧は記入済み)",
            _clear_rows(H),
            (Expect(S, H, ..., ..., ("データの行がありません",)),)),
    BadCase("hours-member-ids-all-blank", "工数のメンバーIDをすべて空欄のまま提出",
            _both(*(_set_at(H, r, "メンバーID", None) for r in range(2, 9))),
            (Expect(S, H, 2, "メンバーID", ("空欄",)), Expect(S, H, 8, "メンバーID", ("空欄",)))),
    BadCase("empty-workbook", "空のブック(Sheet だけ)", _empty_workbook,
            (Expect(S, M, ..., ..., ("シート「メンバー」", "見つかったシート: Sheet")),
             Expect(S, H, ..., ..., ("シート「工数」",)))),
    BadCase("empty-sheets", "シートはあるが何も書いていない", _empty_sheets,
            (Expect(S, M, ..., ..., ("見出しの行が見つかりません",)),
             Expect(S, T, ..., ..., ("見出しの行が見つかりません",)),
             Expect(S, H, ..., ..., ("見出しの行が見つかりません",)))),
    BadCase("zero-byte-xlsx", "0 バイトの survey.xlsx", _write(S, b""),
            (Expect(S, ..., ..., ..., ("Excel ファイル",)),)),
    BadCase("csv-renamed-to-xlsx", "CSV の名前だけ survey.xlsx にした",
            _write(S, "メンバーID,氏名\nM01,架空 一郎\n".encode("cp932")),
            (Expect(S, ..., ..., ..., ("Excel ファイル",)),)),
    BadCase("zero-byte-csv", "0 バイトの hours.csv", _write("hours.csv", b""),
            (Expect("hours.csv", ..., ..., ..., ("空",)),), fmt="csv"),
    BadCase("missing-csv", "tasks.csv がない", _remove("tasks.csv"),
            (Expect("tasks.csv", ..., ..., ..., ("tasks.csv",)),), fmt="csv"),
    BadCase("csv-tab-separated", "タブ区切りで保存した members.csv", _resave_csv("members.csv", sep="\t"),
            (Expect("members.csv", ..., ..., ..., ("タブ区切り", "CSV UTF-8")),), fmt="csv"),
    BadCase("csv-utf16", "UTF-16 で保存した members.csv", _reencode_csv("members.csv", "utf-16"),
            (Expect("members.csv", ..., ..., ..., ("文字コード", "UTF-8")),), fmt="csv"),
    BadCase("csv-undecodable-bytes", "Shift_JIS に読めないバイト列が混じった tasks.csv",
            _reencode_csv("tasks.csv", "cp932", tail=b"T05,\x81\x7f\xfd\xfe,x\n"),
            (Expect("tasks.csv", ..., ..., ..., ("文字コード",)),), fmt="csv"),
    BadCase("csv-euc-jp", "EUC-JP で保存した tasks.csv", _reencode_csv("tasks.csv", "euc_jp"),
            (Expect("tasks.csv", ..., ..., ..., ()),), fmt="csv"),
    BadCase("interview-unclosed-front-matter", "インタビューのヘッダが閉じていない",
            _write("interviews/I02.md", "---\nid: I02\nrole: 他部署\nQ: 総務への要望は?\nA: 特にありません。\n"),
            (Expect("interviews/I02.md", ..., 1, None, ("front matter", "'---'")),)),
    BadCase("interview-bad-front-matter-yaml", "インタビューのヘッダが YAML として読めない",
            _write("interviews/I03.md", "---\nid: [I03\nrole: 他部署\n---\nA: 特にありません。\n"),
            (Expect("interviews/I03.md", ..., None, None, ("YAML",)),)),
    BadCase("interview-undecodable", "UTF-16 で保存したインタビュー",
            _write("interviews/I04.txt", "A: 特にありません。\n".encode("utf-16")),
            (Expect("interviews/I04.txt", ..., None, None, ("文字コード",)),)),
    BadCase("client-yml-invalid-yaml", "client.yml の YAML が壊れている",
            _write("client.yml", "name: 架空総務テスト株式会社\ngrades: [G1, G2, G3\ncapacity_hours: 160\n"),
            (Expect("client.yml", ..., None, None, ("YAML",)),)),
    BadCase("client-yml-tab-indent", "client.yml の字下げにタブ",
            _write("client.yml", "name: 架空総務テスト株式会社\ngrades:\n\t- G1\n\t- G2\n\t- G3\n"),
            (Expect("client.yml", ..., None, None, ("YAML",)),)),
    BadCase("client-yml-missing", "client.yml がない", _remove("client.yml"),
            (Expect("client.yml", ..., ..., ..., ("client.yml がありません",)),)),
    BadCase("client-yml-bad-capacity", "client.yml の capacity_hours がマイナス",
            _replace_in("client.yml", "capacity_hours: 160", "capacity_hours: -160"),
            (Expect("client.yml", ..., None, "capacity_hours", ("0 より大きい",)),)),
    BadCase("client-yml-empty", "0 バイトの client.yml", _write("client.yml", b""),
            (Expect("client.yml", ..., ..., ..., ("キー: 値",)),)),
    BadCase("vision-yml-invalid-yaml", "vision.yml の YAML が壊れている",
            _write("vision.yml", "targets:\n  strategic_share: 0.30\n measures:\n  - name: 外部委託\n"),
            (Expect("vision.yml", ..., None, None, ("YAML",)),)),
    BadCase("vision-unknown-task", "施策が業務一覧にない業務IDを指している",
            _replace_in("vision.yml", "tasks: [T03]", "tasks: [T03, T99]"),
            (Expect("vision.yml", ..., None, "measures.tasks", ("T99", "業務一覧にありません")),)),
    BadCase("vision-share-as-percent", "vision.yml の目標を % のまま 30 と書いた",
            _replace_in("vision.yml", "strategic_share: 0.30", "strategic_share: 30"),
            (Expect("vision.yml", ..., None, "targets.strategic_share", ("0〜1",)),)),
    BadCase("vision-reduction-out-of-range", "施策の reduction が 1 を超える",
            _replace_in("vision.yml", "reduction: 0.5", "reduction: 1.5"),
            (Expect("vision.yml", ..., None, "measures.reduction", ("1.5", "0〜1")),)),
    BadCase("vision-unknown-action", "施策の action が選択肢にない",
            _replace_in("vision.yml", "action: 外部委託", "action: アウトソース"),
            (Expect("vision.yml", ..., None, "measures.action", ("アウトソース", "外部委託 / 集約")),)),
    BadCase("vision-measure-without-tasks", "施策に tasks も category もない",
            _replace_in("vision.yml", "    tasks: [T03]\n", ""),
            (Expect("vision.yml", ..., None, "measures.tasks", ("tasks", "category")),)),
    BadCase("vision-maturity-not-a-number", "成熟度の current を漢数字で書いた",
            _replace_in("vision.yml", "current: 2", "current: 二"),
            (Expect("vision.yml", ..., None, "maturity.current", ("1〜5",)),)),
    BadCase("client-yml-anonymize-not-bool", "client.yml の anonymize に 'はい'",
            _replace_in("client.yml", "anonymize: false", "anonymize: はい"),
            (Expect("client.yml", ..., None, "anonymize", ("true", "false")),)),
    BadCase("coding-csv-missing-columns", "coding.csv の見出しが違う",
            _write("coding.csv", "segment,code\nI01-002,業務過多\n"),
            (Expect("coding.csv", ..., None, None, ("segment_id",)),)),
    BadCase("codebook-invalid-yaml", "codebook.yml の YAML が壊れている",
            _write("codebook.yml", "codes:\n  - code: [業務過多\n"),
            (Expect("codebook.yml", ..., None, None, ("YAML",)),)),
    BadCase("coding-csv-broken", "coding.csv の引用符が閉じていない",
            _write("coding.csv", 'segment_id,code,coder\n"I01-002,業務過多,A\n'),
            (Expect("coding.csv", ..., None, None, ("CSV",)),)),
    BadCase("codebook-duplicate-code", "codebook.yml に同じコードが2つ",
            _write("codebook.yml", CODEBOOK_YML + "  - code: 業務過多\n    parent: 課題\n    keywords: [忙しい]\n"),
            (Expect("codebook.yml", ..., None, "code", ("業務過多", "重複")),)),
    BadCase("folder-name-not-an-id", "フォルダ名が英小文字・数字・'-' でない(Bad_Client)", lambda folder: None,
            (Expect("Bad_Client", ..., ..., ..., ("フォルダ名", "英小文字")),), folder="Bad_Client"),
)


def build_case(case: BadCase, root: Path, base: Path | None = None) -> Path:
    """Write the base into ``root/<folder>`` and break it as ``case`` says; returns the folder.

    ``base``: an already written good folder of the case's format to copy instead.
    """
    folder = root / case.folder_name
    if base is not None:
        shutil.copytree(base, folder)
    else:
        write_base(folder, case.fmt)
    case.build(folder)
    return folder


def build_corpus(root: Path, cases: tuple[BadCase, ...] = CASES) -> dict[str, Path]:
    """Every case under ``root`` (one folder each); case name -> folder."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        bases = {fmt: write_base(Path(tmp) / f"base-{fmt}", fmt) for fmt in {c.fmt for c in cases}}
        return {case.name: build_case(case, root, bases[case.fmt]) for case in cases}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_corpus")
    folders = build_corpus(out)
    print(f"{len(folders)} 件の不正な入力を {out} に作りました。")

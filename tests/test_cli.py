"""The gyomu command: validate, template, Japanese help, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from gyomu import load_client
from gyomu.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
GYOMU = Path(sys.executable).with_name("gyomu")


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_validate_good_client_prints_summary(capsys):
    code, out = run(capsys, "validate", str(FIXTURES / "mini-client"))
    assert code == 0
    assert "テスト総務株式会社(mini-client、調査回 2026-10)を読み込みました" in out
    assert "メンバー: 3人" in out and "業務: 4件" in out
    assert "工数: 6行(合計 40.0 時間/月)" in out  # 12 + 20×0.5 + 0 + 8 + 4 + 6
    assert "警告: 0件" in out


def test_validate_bad_client_lists_problems(tmp_path, capsys):
    folder = shutil.copytree(FIXTURES / "mini-client", tmp_path / "bad-client")
    text = (folder / "hours.csv").read_text(encoding="utf-8").replace("M03,T03,4", "M03,T03,たくさん")
    (folder / "hours.csv").write_text(text.replace("M01,T02,12", "M07,T02,12"), encoding="utf-8")
    code, out = run(capsys, "validate", str(folder))
    assert code == 1
    assert "2件の問題があります" in out
    assert "hours.csv 2行目 メンバーID: メンバーID(member_id) 'M07' はメンバーシートにありません" in out
    assert "hours.csv 6行目 月間工数: 'たくさん' を時間として読めません" in out


def test_validate_several_folders_fails_if_any_fails(tmp_path, capsys):
    code, out = run(capsys, "validate", str(FIXTURES / "mini-client"), str(tmp_path / "missing"))
    assert code == 1
    assert "メンバー: 3人" in out and "クライアントのフォルダがありません" in out


def test_validate_shows_warnings_but_succeeds(tmp_path, capsys):
    folder = shutil.copytree(FIXTURES / "mini-client", tmp_path / "warn-client")
    text = (folder / "hours.csv").read_text(encoding="utf-8").replace("M03,T04,6", "M03,T04,200")
    (folder / "hours.csv").write_text(text, encoding="utf-8")
    code, out = run(capsys, "validate", str(folder))
    assert code == 0
    assert "警告: 1件" in out and "members.csv 4行目 メンバーID" in out and "255%" in out


def test_template_writes_a_workbook_that_loads_back(tmp_path, capsys):
    folder = tmp_path / "new-client"
    code, out = run(capsys, "template", str(folder / "survey.xlsx"), "--grades", "G1,G2,G3")
    assert code == 0 and "ひな形を書き出しました" in out
    wb = openpyxl.load_workbook(folder / "survey.xlsx")
    assert {"メンバー", "業務一覧", "工数"} <= set(wb.sheetnames)
    # a client fills it in below the headers
    rows = {
        "メンバー": [["M01", "山田 一郎", "G3"], ["M02", "佐藤 花子", "G1"]],
        "業務一覧": [["T01", "庶務", None, "郵便物の仕分け", "運用", "定型", 1, "不可", "可"]],
        "工数": [["M01", "T01", 3], ["M02", "T01", None, 10, 0.25, "主担当"]],
    }
    for name, data in rows.items():
        for i, row in enumerate(data, start=2):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    wb[name].cell(row=i, column=j, value=value)
    wb.save(folder / "survey.xlsx")
    (folder / "client.yml").write_text("name: 新規株式会社\ngrades: [G1, G2, G3]\n", encoding="utf-8")
    client = load_client(folder)
    assert client.hours["hours"].tolist() == [3.0, 2.5]
    assert client.members["grade"].tolist() == ["G3", "G1"]
    code, out = run(capsys, "validate", str(folder))
    assert code == 0 and "工数: 2行(合計 5.5 時間/月)" in out


def test_template_never_overwrites(tmp_path, capsys):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"client data")
    code, out = run(capsys, "template", str(path))
    assert code == 1 and "上書きしません" in out
    assert path.read_bytes() == b"client data"
    code, _ = run(capsys, "template", str(tmp_path))  # a folder: its survey.xlsx
    assert code == 1 and path.read_bytes() == b"client data"
    code, _ = run(capsys, "template", str(path), "--force")
    assert code == 0 and path.read_bytes()[:2] == b"PK"


def test_help_is_japanese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert "使い方: gyomu" in out and "このヘルプを表示して終了します" in out
    assert "validate" in out and "template" in out and "クライアントのフォルダを読み込み" in out
    assert "usage:" not in out and "show this help" not in out


def test_usage_error_is_japanese(capsys):
    with pytest.raises(SystemExit) as info:
        main(["validate"])
    assert info.value.code == 2
    assert "次の引数が必要です" in capsys.readouterr().err


def test_console_script_exit_codes(tmp_path):
    assert GYOMU.exists()
    ok = subprocess.run([str(GYOMU), "validate", str(FIXTURES / "mini-client")],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "メンバー: 3人" in ok.stdout
    bad = subprocess.run([str(GYOMU), "validate", str(tmp_path)], capture_output=True, text=True,
                         timeout=120)
    assert bad.returncode == 1 and "client.yml がありません" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_run_subcommand_is_registered_when_the_runner_exists(capsys):
    import importlib.util

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    has_runner = importlib.util.find_spec("gyomu.runner") is not None
    assert ("run" in out.split("コマンド:")[-1]) == has_runner

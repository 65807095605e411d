"""The survey template: sheets, headers, drop-downs, and the round trip through load_client."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from gyomu import make_client, schema
from gyomu.template import INSTRUCTION_SHEET, write_survey, write_template

ROOT = Path(__file__).resolve().parents[1]
needs_intake = pytest.mark.skipif(
    importlib.util.find_spec("gyomu.intake") is None, reason="gyomu.intake はまだありません"
)

GRADES = ["一般", "主任", "係長", "課長"]


def _validations(ws) -> list[tuple[str, str | None, str]]:
    """(type, formula1, sqref) of every data validation on a sheet."""
    return [(dv.type, dv.formula1, str(dv.sqref)) for dv in ws.data_validations.dataValidation]


def _list_for(ws, letter: str) -> list[str] | None:
    for kind, formula, sqref in _validations(ws):
        if kind == "list" and sqref.startswith(f"{letter}2:"):
            return formula.strip('"').split(",")
    return None


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "survey.xlsx", grades=GRADES)


def test_template_has_the_three_sheets_with_schema_headers_and_nothing_else(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [INSTRUCTION_SHEET, "メンバー", "業務一覧", "工数"]
    for sheet in schema.SHEETS:
        ws = wb[sheet.ja]
        header = [c.value for c in ws[1]]
        assert header == [c.ja for c in sheet.columns]
        assert ws.max_row == 1, "データのシートには見出し行だけ(記入例は記入方法シート)"
        assert ws.freeze_panes == "A2"
        # every header carries a hint naming the English alias
        for cell, col in zip(ws[1], sheet.columns, strict=True):
            assert cell.comment is not None and col.alias in cell.comment.text
            assert ws.column_dimensions[cell.column_letter].width >= 8


def test_every_enumerated_column_has_a_dropdown_with_the_allowed_values(template):
    wb = openpyxl.load_workbook(template)
    expected = {
        "grade": GRADES,
        "kind": ["定型", "非定型", "突発"],
        "difficulty": ["1", "2", "3", "4", "5"],
        "remote": ["可", "一部可", "不可"],
        "outsourcing": ["可", "一部可", "不可"],
        "frequency": ["日次", "週次", "月次", "四半期", "半期", "年次", "随時"],
        "manual": ["有", "無"],
        "role": ["主担当", "副担当", "対応可"],
    }
    seen = set()
    for sheet in schema.SHEETS:
        ws = wb[sheet.ja]
        for j, col in enumerate(sheet.columns, start=1):
            got = _list_for(ws, get_column_letter(j))
            if col.alias in expected:
                assert got == expected[col.alias], col.ja
                seen.add(col.alias)
            else:
                assert got is None, f"{col.ja} は自由記入のはず"
    assert seen == set(expected)
    # numbers must be >= 0
    hours_ws = wb["工数"]
    decimals = [sq for kind, f, sq in _validations(hours_ws) if kind == "decimal" and f == "0"]
    assert {sq[0] for sq in decimals} == {"C", "D", "E"}


def test_instruction_sheet_explains_columns_rule_and_shows_examples(template):
    wb = openpyxl.load_workbook(template)
    ws = wb[INSTRUCTION_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "回数 × 1回あたり時間" in text
    assert "対応可" in text
    for sheet in schema.SHEETS:
        for col in sheet.columns:
            assert col.ja in text and col.alias in text
    assert "一般 / 主任 / 係長 / 課長" in text
    assert "郵便物の仕分け・配布" in text  # an example row


def test_template_bytes_are_reproducible(tmp_path):
    a = write_template(tmp_path / "a.xlsx").read_bytes()
    b = write_template(tmp_path / "b.xlsx").read_bytes()
    assert a == b


def _small_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    members = pd.DataFrame(
        {
            "member_id": ["A1", "A2", "A3"],
            "name": ["甲野 一郎", "乙川 二葉", "丙田 三子"],
            "grade": ["課長", "一般", "主任"],
            "employment": ["正社員", "派遣", None],
            "team": ["推進室", "推進室", "開発一課"],
            "capacity_hours": [160.0, 120.0, np.nan],
        }
    )
    tasks = pd.DataFrame(
        {
            "task_id": ["B1", "B2"],
            "category": ["庶務", "総務企画"],
            "subcategory": ["郵便", None],
            "task": ["郵便物の仕分け", "方針の策定"],
            "purpose": ["運用", "戦略"],
            "kind": ["定型", "非定型"],
            "difficulty": [1, 5],
            "remote": ["不可", "可"],
            "outsourcing": ["一部可", "不可"],
            "frequency": ["日次", None],
            "manual": ["有", None],
            "note": [None, "年1回"],
        }
    )
    hours = pd.DataFrame(
        {
            "member_id": ["A1", "A2", "A3", "A1"],
            "task_id": ["B2", "B1", "B1", "B1"],
            "hours": [12.5, np.nan, 3.0, np.nan],
            "times_per_month": [np.nan, 20.0, np.nan, np.nan],
            "hours_per_time": [np.nan, 0.75, np.nan, np.nan],
            "role": ["主担当", "主担当", None, "対応可"],
        }
    )
    return members, tasks, hours


def test_write_survey_writes_values_as_typed(tmp_path):
    members, tasks, hours = _small_frames()
    path = write_survey(tmp_path / "survey.xlsx", members, tasks, hours, grades=GRADES)
    wb = openpyxl.load_workbook(path)
    ws = wb["工数"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows == [
        ["A1", "B2", 12.5, None, None, "主担当"],
        ["A2", "B1", None, 20, 0.75, "主担当"],
        ["A3", "B1", 3, None, None, None],
        ["A1", "B1", None, None, None, "対応可"],
    ]
    assert [c.value for c in wb["業務一覧"][3]][:7] == ["B2", "総務企画", None, "方針の策定", "戦略", "非定型", 5]
    assert _list_for(wb["メンバー"], "C") == GRADES


def _client_folder(tmp_path: Path, grades: list[str]) -> Path:
    folder = tmp_path / "roundtrip"
    folder.mkdir()
    (folder / "client.yml").write_text(
        "name: 往復テスト株式会社\nwave: 2026-10\ncapacity_hours: 160\n"
        f"grades: [{', '.join(grades)}]\n",
        encoding="utf-8",
    )
    return folder


@needs_intake
def test_round_trip_through_load_client(tmp_path):
    import gyomu

    members, tasks, hours = _small_frames()
    folder = _client_folder(tmp_path, GRADES)
    write_survey(folder / "survey.xlsx", members, tasks, hours, grades=GRADES)
    client = gyomu.load_client(folder)
    expected = make_client(members, tasks, hours, grades=GRADES)
    # 回数 × 1回あたり時間, by hand: 20 × 0.75 = 15; the blank 対応可 row is 0 hours.
    assert client.hours["hours"].tolist() == [12.5, 15.0, 3.0, 0.0]
    assert client.members["capacity_hours"].tolist() == [160.0, 120.0, 160.0]
    for name in ("members", "tasks", "hours"):
        got, want = getattr(client, name), getattr(expected, name)
        pd.testing.assert_frame_equal(got, want)
        assert list(got.columns) == list(want.columns)
        for col in got.columns:  # categoricals keep their categories and order
            if isinstance(want[col].dtype, pd.CategoricalDtype):
                assert got[col].dtype == want[col].dtype, col


@needs_intake
def test_sample_client_round_trips_through_write_survey(tmp_path):
    import gyomu

    src = ROOT / "data" / "sample" / "kasou-denki"
    client = gyomu.load_client(src)
    folder = tmp_path / "kasou-copy"
    folder.mkdir()
    shutil.copy(src / "client.yml", folder / "client.yml")
    write_survey(
        folder / "survey.xlsx", client.members, client.tasks, client.hours,
        grades=client.config.grades,
    )
    again = gyomu.load_client(folder)
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(client, name))


@needs_intake
def test_template_filled_in_by_hand_loads(tmp_path):
    """Open the blank template as a client would, type rows below the headers, save, load."""
    import gyomu

    members, tasks, hours = _small_frames()
    folder = _client_folder(tmp_path, GRADES)
    path = write_template(folder / "survey.xlsx", grades=GRADES)
    wb = openpyxl.load_workbook(path)
    for sheet, frame in ((schema.MEMBERS, members), (schema.TASKS, tasks), (schema.HOURS, hours)):
        ws = wb[sheet.ja]
        for record in frame.to_dict("records"):
            ws.append([None if pd.isna(record[c.alias]) else record[c.alias] for c in sheet.columns])
    wb.save(path)
    client = gyomu.load_client(folder)
    expected = make_client(members, tasks, hours, grades=GRADES)
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(client, name), getattr(expected, name))
    # the drop-downs are still there after the client saved the file
    assert _list_for(openpyxl.load_workbook(path)["工数"], "F") == ["主担当", "副担当", "対応可"]


@needs_intake
def test_grades_too_long_for_an_inline_list_use_a_hidden_sheet(tmp_path):
    import gyomu

    grades = ["一般職(補助,見習い)", *[f"等級{i:02d}の職務区分" for i in range(20)], "課長"]
    members, tasks, hours = _small_frames()
    members["grade"] = [grades[-1], grades[0], grades[5]]
    folder = tmp_path / "long-grades"
    folder.mkdir()
    quoted = ", ".join(f"'{g}'" for g in grades)
    (folder / "client.yml").write_text(f"name: 長い等級株式会社\ngrades: [{quoted}]\n", encoding="utf-8")
    path = write_survey(folder / "survey.xlsx", members, tasks, hours, grades=grades)
    wb = openpyxl.load_workbook(path)
    assert wb["選択肢"].sheet_state == "hidden"
    assert [c.value for c in wb["選択肢"]["A"]] == grades
    formulas = {str(dv.sqref)[0]: dv.formula1 for dv in wb["メンバー"].data_validations.dataValidation}
    assert formulas["C"] == f"'選択肢'!$A$1:$A${len(grades)}"
    client = gyomu.load_client(folder)
    assert list(client.members["grade"].cat.categories) == grades
    assert client.members["grade"].tolist() == ["課長", grades[0], grades[5]]

"""gyomu.load_client: reading client folders, accepting messy input, reporting every problem."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gyomu
from gyomu import SurveyError, load_client
from gyomu.normalize import parse_hours_text, parse_labels, suggest

FIXTURES = Path(__file__).parent / "fixtures"

CONFIG = """\
name: テスト総務株式会社
wave: 2026-10
capacity_hours: 160
grades: [G1, G2, G3]
strategic_purposes: [戦略, 改善]
anonymize: false
"""

MEMBERS = [
    ["メンバーID", "氏名", "等級", "雇用形態", "所属", "月間所定時間"],
    ["M01", "山田 一郎", "G3", "正社員", "総務課", 160],
    ["M02", "佐藤 花子", "G2", "正社員", "総務課", None],
    ["M03", "鈴木 次郎", "G1", "パート", "総務課", 80],
]
TASKS = [
    ["業務ID", "大分類", "中分類", "業務名", "目的", "業務種別", "難易度", "リモート", "外部委託",
     "頻度", "マニュアル", "備考"],
    ["T01", "庶務", "郵便", "郵便物の仕分け", "運用", "定型", 1, "不可", "可", "日次", "有", None],
    ["T02", "総務企画", "方針", "総務方針の策定", "戦略", "非定型", 5, "可", "不可", "年次", "無", "承認"],
    ["T03", "契約・購買", "発注", "備品の発注", "運用", "定型", 2, "一部可", "一部可", "月次", "無", None],
    ["T04", "施設管理", "点検", "設備の点検立会い", "管理", "突発", 3, "不可", "一部可", "随時", None, None],
]
HOURS = [
    ["メンバーID", "業務ID", "月間工数", "回数", "1回あたり時間", "役割"],
    ["M01", "T02", 12, None, None, "主担当"],
    ["M02", "T01", None, 20, 0.5, "主担当"],
    ["M01", "T01", None, None, None, "対応可"],
    ["M02", "T03", 8, None, None, "主担当"],
    ["M03", "T03", 4, None, None, "副担当"],
    ["M03", "T04", 6, None, None, "主担当"],
]


def copy_rows(rows: list[list]) -> list[list]:
    return [list(r) for r in rows]


def write_workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
                   ) -> Path:
    """An .xlsx with the given sheets; rows are written from A1 (None = empty cell)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=i, column=j, value=value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def make_client_dir(tmp_path: Path, name: str = "test-client", *, members=None, tasks=None,
                    hours=None, config: str = CONFIG, merges=None) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "client.yml").write_text(config, encoding="utf-8")
    write_workbook(folder / "survey.xlsx", {
        "メンバー": members if members is not None else copy_rows(MEMBERS),
        "業務一覧": tasks if tasks is not None else copy_rows(TASKS),
        "工数": hours if hours is not None else copy_rows(HOURS),
    }, merges)
    return folder


def problems_of(folder: Path) -> list[gyomu.Problem]:
    with pytest.raises(SurveyError) as info:
        load_client(folder)
    return info.value.problems


def only(problems: list[gyomu.Problem], **where) -> gyomu.Problem:
    found = [p for p in problems if all(getattr(p, k) == v for k, v in where.items())]
    assert len(found) == 1, (where, [str(p) for p in problems])
    return found[0]


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# happy path
# ---------------------------------------------------------------------------------------------


def test_load_xlsx_client_frames_and_types(tmp_path):
    client = load_client(make_client_dir(tmp_path))
    assert client.client_id == "test-client"
    assert client.name == "テスト総務株式会社" and client.wave == "2026-10"
    assert client.config.grades == ["G1", "G2", "G3"]
    m, t, h = client.members, client.tasks, client.hours
    assert list(m.columns) == ["member_id", "name", "grade", "employment", "team", "capacity_hours"]
    assert list(h.columns) == ["member_id", "task_id", "hours", "times_per_month", "hours_per_time", "role"]
    assert m["capacity_hours"].tolist() == [160.0, 160.0, 80.0]  # blank -> client.yml
    # 回数 × 1回あたり時間: 20 × 0.5 = 10; 対応可 with blanks = 0
    assert h["hours"].tolist() == [12.0, 10.0, 0.0, 8.0, 4.0, 6.0]
    assert h["hours"].dtype == "float64"
    assert m["grade"].cat.ordered and list(m["grade"].cat.categories) == ["G1", "G2", "G3"]
    assert m["grade"].max() == "G3"
    assert list(t["kind"].cat.categories) == ["定型", "非定型", "突発"] and t["kind"].cat.ordered
    assert list(t["difficulty"].cat.categories) == [1, 2, 3, 4, 5]
    assert t["difficulty"].tolist() == [1, 5, 2, 3]
    assert list(t["remote"].cat.categories) == ["可", "一部可", "不可"]
    assert t["frequency"].cat.ordered
    assert t["manual"].isna().tolist() == [False, False, False, True]
    assert h["role"].tolist() == ["主担当", "主担当", "対応可", "主担当", "副担当", "主担当"]
    assert client.warnings == []
    assert client.history == {}
    assert client.vision is None


def test_load_csv_fixture_with_vision_and_interviews():
    client = load_client(FIXTURES / "mini-client")
    assert len(client.members) == 3 and len(client.tasks) == 4
    assert client.hours["hours"].sum() == pytest.approx(12 + 10 + 0 + 8 + 4 + 6)
    assert client.vision.targets["strategic_share"].direction == "at_least"
    assert client.vision.targets["person_dependent_share"].target == 0.10
    assert client.vision.measures[0].start == pd.Period("2027-01", "M")
    assert client.vision.maturity["target"].tolist() == [4]
    if not client.segments.empty:  # read by gyomu.interviews
        assert client.segments["interview_id"].tolist() == ["I01", "I01"]


def test_extra_columns_are_kept_after_the_schema_columns(tmp_path):
    members = copy_rows(MEMBERS)
    members[0].append("メモ")
    members[1].append("課長")
    client = load_client(make_client_dir(tmp_path, members=members))
    assert client.members.columns[-1] == "メモ"
    assert client.members["メモ"].tolist()[0] == "課長"


def test_history_rounds_are_clients_keyed_by_wave(tmp_path):
    folder = make_client_dir(tmp_path)
    past = folder / "history" / "2025-10"
    past.mkdir(parents=True)
    hours = copy_rows(HOURS)
    hours[1][2] = 20  # M01 T02 had 20 h a year earlier
    write_workbook(past / "survey.xlsx", {"メンバー": copy_rows(MEMBERS), "業務一覧": copy_rows(TASKS),
                                          "工数": hours})
    client = load_client(folder)
    assert list(client.history) == ["2025-10"]
    old = client.history["2025-10"]
    assert old.wave == "2025-10" and old.client_id == "test-client"
    assert old.hours["hours"].iloc[0] == 20.0 and old.segments.empty
    assert load_client(folder, history=False).history == {}


# ---------------------------------------------------------------------------------------------
# messy input that is accepted
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "hours"), [
    ("２", 2.0), (" 2 ", 2.0), ("2h", 2.0), ("2時間", 2.0), ("1.5H", 1.5), ("１．５ｈ", 1.5),
    ("30分", 0.5), ("1時間30分", 1.5), ("2時間半", 2.5), ("1:30", 1.5), ("約3時間", 3.0), (4, 4.0),
])
def test_hours_forms_people_type(typed, hours):
    assert parse_hours_text(typed) == pytest.approx(hours)


@pytest.mark.parametrize("typed", ["abc", "2時間くらい", "たくさん", "1-2h"])
def test_hours_forms_that_are_not_read(typed):
    with pytest.raises(ValueError):
        parse_hours_text(typed)


def test_label_variants_are_normalised():
    values, bad = parse_labels(pd.Series([" 可 ", "可能", "一部 可", "○", "×", "ｘｘ"]),
                               ["可", "一部可", "不可"], gyomu.normalize.synonyms_for("remote"))
    assert values.tolist()[:5] == ["可", "可", "一部可", "可", "不可"]
    assert bad.tolist() == [False] * 5 + [True]


def test_messy_workbook_is_accepted(tmp_path):
    members = [
        ["2026年度 業務量調査 メンバー一覧", None, None],  # title row above the header
        [None, None, None],
        ["member_id", "name", "grade", "capacity_hours"],  # English aliases
        ["Ｍ０１", " 山田 一郎 ", " G3 ", "１６０"],  # full-width, spaces
        [None, None, None, None],  # blank row
        ["M02", "佐藤 花子", "ｇ２", "160h"],
        ["M03", "鈴木 次郎", "G1", "80時間"],
    ]
    tasks = copy_rows(TASKS)
    tasks[0][6] = "難易度(1-5)"  # unit in the header
    tasks[1][6] = "１"
    tasks[2][7] = "可能"
    tasks[3][8] = " 一部可 "
    tasks[4][9] = "不定期"
    tasks[2][10] = "なし"
    hours = [
        ["工数シート", None],
        ["※ 1か月あたりで記入", None],
        ["Member ID", "業務ID", "月間工数（時間）", "回数", "1回当たり時間", "役割"],
        ["M01", "T02", "12時間", None, None, "主担当"],
        ["M02", "T01", None, "２０回", "30分", "主"],
        [None, None, None, None, None, None],
        ["M01", "T01", None, None, None, "対応可"],
        ["M02", "T03", "1時間30分", None, None, "主担当"],
        ["M03", "T03", "2h", None, None, "副担当"],
        ["M03", "T04", " 6 ", None, None, "主担当"],
    ]
    client = load_client(make_client_dir(tmp_path, members=members, tasks=tasks, hours=hours))
    assert client.members["member_id"].tolist() == ["M01", "M02", "M03"]
    assert client.members["name"].tolist()[0] == "山田 一郎"
    assert client.members["grade"].tolist() == ["G3", "G2", "G1"]
    assert client.members["capacity_hours"].tolist() == [160.0, 160.0, 80.0]
    assert client.tasks["difficulty"].tolist() == [1, 5, 2, 3]
    assert client.tasks["remote"].tolist()[1] == "可"
    assert client.tasks["outsourcing"].tolist()[2] == "一部可"
    assert client.tasks["frequency"].tolist()[3] == "随時"
    assert client.tasks["manual"].tolist()[1] == "無"
    assert client.hours["hours"].tolist() == [12.0, 10.0, 0.0, 1.5, 2.0, 6.0]
    assert client.hours["role"].tolist()[1] == "主担当"


def test_merged_cells_in_the_data_mean_the_top_left_value(tmp_path):
    hours = copy_rows(HOURS)
    hours[2][0] = hours[3][0] = None  # M02 merged over rows 3-4? rows 3 and 4 are M02 and M01
    hours = [HOURS[0], ["M01", "T02", 12, None, None, "主担当"], ["M01", "T01", None, None, None, "対応可"],
             [None, "T03", 8, None, None, "主担当"], ["M02", "T01", None, 20, 0.5, "主担当"],
             ["M03", "T03", 4, None, None, "副担当"], ["M03", "T04", 6, None, None, "主担当"]]
    client = load_client(make_client_dir(tmp_path, hours=hours, merges={"工数": ["A2:A4"]}))
    assert client.hours["member_id"].tolist()[:3] == ["M01", "M01", "M01"]


def test_sheet_names_are_matched_loosely_and_other_sheets_ignored(tmp_path):
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "client.yml").write_text(CONFIG, encoding="utf-8")
    write_workbook(folder / "survey.xlsx", {"記入方法": [["説明"]], " メンバー ": copy_rows(MEMBERS),
                                            "tasks": copy_rows(TASKS), "工数": copy_rows(HOURS)})
    assert len(load_client(folder).tasks) == 4


def write_csv_client(folder: Path, encoding: str) -> Path:
    shutil.copytree(FIXTURES / "mini-client", folder)
    for name in ("members.csv", "tasks.csv", "hours.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        (folder / name).write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_encodings(tmp_path, encoding):
    folder = write_csv_client(tmp_path / "csv-client", encoding)
    if encoding == "utf-8-sig":
        assert (folder / "members.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    client = load_client(folder)
    assert client.members["name"].tolist() == ["山田 一郎", "佐藤 花子", "鈴木 次郎"]
    assert client.tasks["category"].tolist()[2] == "契約・購買"
    assert client.hours["hours"].tolist() == [12.0, 10.0, 0.0, 8.0, 4.0, 6.0]


def test_csv_row_numbers_are_line_numbers(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "cp932")
    lines = (folder / "hours.csv").read_text(encoding="cp932").splitlines()
    lines.insert(0, "工数調査,,,,,")  # title line: header is now line 2
    lines.insert(3, "")  # a blank line
    lines[5] = "M09,T01,3,,,主担当"  # line 6
    (folder / "hours.csv").write_text("\n".join(lines) + "\n", encoding="cp932")
    p = only(problems_of(folder), file="hours.csv")
    assert (p.sheet, p.row, p.column, p.value) == (None, 6, "メンバーID", "M09")


def test_csv_line_numbers_count_a_note_written_on_several_lines(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    lines = (folder / "tasks.csv").read_text(encoding="utf-8").splitlines()
    lines[1] += '"経営会議で承認\n前年の方針を\n見直す"'  # a note typed on three lines (Alt+Enter)
    lines[2] = lines[2].replace(",5,", ",9,")  # the next task: difficulty 9, on line 5 of the file
    (folder / "tasks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="tasks.csv")
    assert (p.row, p.column, p.value) == (5, "難易度", 9)
    assert "\n".join(lines).splitlines()[4].startswith("T02,")


# ---------------------------------------------------------------------------------------------
# rejections: each names sheet, row and column
# ---------------------------------------------------------------------------------------------


def test_unknown_ids_in_hours(tmp_path):
    hours = copy_rows(HOURS)
    hours[1][0] = "M011"
    hours[4][1] = "T99"
    problems = problems_of(make_client_dir(tmp_path, hours=hours))
    p = only(problems, row=2)
    assert (p.file, p.sheet, p.column, p.value) == ("survey.xlsx", "工数", "メンバーID", "M011")
    assert "member_id" in p.message and "メンバーシートにありません" in p.message
    assert "もしかして 'M01'" in p.message
    p = only(problems, row=5)
    assert (p.sheet, p.column, p.value) == ("工数", "業務ID", "T99") and "task_id" in p.message
    assert len(problems) == 2


def test_duplicate_ids(tmp_path):
    members = copy_rows(MEMBERS)
    members[3][0] = "M01"
    tasks = copy_rows(TASKS)
    tasks[2][0] = "Ｔ０１"  # the same ID once normalised
    problems = problems_of(make_client_dir(tmp_path, members=members, tasks=tasks))
    p = only(problems, sheet="メンバー", row=4)
    assert p.column == "メンバーID" and "重複" in p.message and "2行目" in p.message
    p = only(problems, sheet="業務一覧", row=3)
    assert p.column == "業務ID" and p.value == "Ｔ０１" and "2行目" in p.message


def test_duplicate_member_task_pair(tmp_path):
    hours = copy_rows(HOURS) + [["M01", "T02", 3, None, None, "副担当"]]
    p = only(problems_of(make_client_dir(tmp_path, hours=hours)), sheet="工数")
    assert p.row == 8 and "組み合わせが重複" in p.message and "2行目" in p.message


@pytest.mark.parametrize("value", [6, 0, 2.5, "易しい", "６"])
def test_difficulty_out_of_range(tmp_path, value):
    tasks = copy_rows(TASKS)
    tasks[3][6] = value
    p = only(problems_of(make_client_dir(tmp_path, tasks=tasks)), sheet="業務一覧")
    assert (p.row, p.column, p.value) == (4, "難易度", value)
    assert "1〜5 の整数" in p.message and "difficulty" in p.message


def test_negative_hours(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = -3
    hours[2][4] = "-0.5h"
    problems = problems_of(make_client_dir(tmp_path, hours=hours))
    assert [(p.row, p.column) for p in problems] == [(3, "1回あたり時間"), (5, "月間工数")]
    assert all("0 以上" in p.message for p in problems)


def test_unreadable_number(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = "たくさん"
    p = only(problems_of(make_client_dir(tmp_path, hours=hours)))
    assert (p.sheet, p.row, p.column, p.value) == ("工数", 5, "月間工数", "たくさん")
    assert "hours" in p.message and "30分" in p.message


def test_unknown_label_suggests_the_nearest(tmp_path):
    tasks = copy_rows(TASKS)
    tasks[1][8] = "一部化"
    tasks[2][5] = "非定形"
    problems = problems_of(make_client_dir(tmp_path, tasks=tasks))
    p = only(problems, row=2)
    assert (p.sheet, p.column, p.value) == ("業務一覧", "外部委託", "一部化")
    assert "もしかして '一部可'" in p.message and "outsourcing" in p.message
    assert "可 / 一部可 / 不可" in p.message
    p = only(problems, row=3)
    assert p.column == "業務種別" and "もしかして '非定型'" in p.message


def test_grade_not_in_client_yml(tmp_path):
    members = copy_rows(MEMBERS)
    members[2][2] = "G7"
    p = only(problems_of(make_client_dir(tmp_path, members=members)))
    assert (p.sheet, p.row, p.column, p.value) == ("メンバー", 3, "等級", "G7")
    assert "client.yml" in p.message and "G1 / G2 / G3" in p.message


def test_missing_required_column_says_what_was_found(tmp_path):
    tasks = [row[:5] + row[6:] for row in copy_rows(TASKS)]  # no 業務種別
    p = only(problems_of(make_client_dir(tmp_path, tasks=tasks)))
    assert (p.sheet, p.row, p.column) == ("業務一覧", 1, "業務種別")
    assert "kind" in p.message and "見つかった列" in p.message and "難易度" in p.message


def test_missing_sheet(tmp_path):
    folder = tmp_path / "no-sheet"
    folder.mkdir()
    (folder / "client.yml").write_text(CONFIG, encoding="utf-8")
    write_workbook(folder / "survey.xlsx", {"メンバー": copy_rows(MEMBERS), "業務": copy_rows(TASKS),
                                            "工数": copy_rows(HOURS)})
    problems = problems_of(folder)
    p = only(problems, sheet="業務一覧")
    assert "見つかったシート" in p.message and "業務" in p.message and p.row is None
    assert len(problems) == 1  # no flood of unknown-task problems


def test_rows_with_no_hours(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = None  # M02 T03: nothing
    hours[5] = ["M03", "T03", None, 4, None, "副担当"]  # 回数 without 1回あたり時間
    problems = problems_of(make_client_dir(tmp_path, hours=hours))
    assert [(p.row, p.column) for p in problems] == [(5, "月間工数"), (6, "1回あたり時間")]
    assert "times_per_month" in problems[0].message and "対応可" in problems[0].message


def test_blank_required_cells(tmp_path):
    members = copy_rows(MEMBERS)
    members[2][1] = "  "
    problems = problems_of(make_client_dir(tmp_path, members=members))
    p = only(problems)
    assert (p.sheet, p.row, p.column) == ("メンバー", 3, "氏名") and "空欄" in p.message


def test_every_problem_at_once(tmp_path):
    members = copy_rows(MEMBERS)
    members[1][2] = "G9"  # row 2 grade
    tasks = copy_rows(TASKS)
    tasks[2][6] = 7  # row 3 difficulty
    tasks[3][7] = "リモート"  # row 4 remote
    hours = copy_rows(HOURS)
    hours[1][1] = "T77"  # row 2 unknown task
    hours[3][5] = "対応不可"  # row 4 role
    hours[6][2] = "abc"  # row 7 hours
    folder = make_client_dir(tmp_path, members=members, tasks=tasks, hours=hours,
                             config=CONFIG.replace("anonymize: false", "anonymize: maybe"))
    with pytest.raises(SurveyError) as info:
        load_client(folder)
    err = info.value
    where = [(p.file, p.sheet, p.row, p.column) for p in err.problems]
    assert where == [
        ("client.yml", None, None, "anonymize"),
        ("survey.xlsx", "メンバー", 2, "等級"),
        ("survey.xlsx", "業務一覧", 3, "難易度"),
        ("survey.xlsx", "業務一覧", 4, "リモート"),
        ("survey.xlsx", "工数", 2, "業務ID"),
        ("survey.xlsx", "工数", 4, "役割"),
        ("survey.xlsx", "工数", 7, "月間工数"),
    ]
    text = str(err)
    assert "7件の問題" in text and "業務一覧 3行目 難易度" in text and "'7' は使えません" in text


def test_all_problems_can_be_recorded(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = "x"
    err = pytest.raises(SurveyError, load_client, make_client_dir(tmp_path, hours=hours)).value
    record = err.problems[0].to_dict()
    assert record == {"file": "survey.xlsx", "sheet": "工数", "row": 5, "column": "月間工数",
                      "value": "x", "level": "error", "message": record["message"]}


# ---------------------------------------------------------------------------------------------
# warnings
# ---------------------------------------------------------------------------------------------


def test_warnings_for_overload_and_uncovered_task(tmp_path):
    hours = copy_rows(HOURS)
    hours[6][2] = 130  # M03: 4 + 130 = 134 h of 80 h = 168 %
    hours[4][2] = 0  # M02 T03 0 h ... T03 still covered by M03
    hours = [r for r in hours if r[1] != "T02"]  # nobody on T02
    client = load_client(make_client_dir(tmp_path, hours=hours))
    assert [(w.sheet, w.row, w.level) for w in client.warnings] == [
        ("メンバー", 4, "warning"), ("業務一覧", 3, "warning")]
    assert "168%" in client.warnings[0].message and "134.0" in client.warnings[0].message
    assert "T02" in client.warnings[1].message


def test_warnings_travel_with_errors(tmp_path):
    hours = [r for r in copy_rows(HOURS) if r[1] != "T02"] + [["M01", "T99", 1, None, None, None]]
    err = pytest.raises(SurveyError, load_client, make_client_dir(tmp_path, hours=hours)).value
    assert len(err.problems) == 1 and len(err.warnings) == 1
    assert "警告(1件)" in str(err)


# ---------------------------------------------------------------------------------------------
# broken files never give a traceback, never get modified
# ---------------------------------------------------------------------------------------------


def test_unreadable_workbook(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "survey.xlsx").write_bytes(b"this is not a zip file at all")
    p = only(problems_of(folder))
    assert p.file == "survey.xlsx" and "Excel" in p.message


def test_empty_csv_and_missing_csv(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    (folder / "tasks.csv").write_bytes(b"")
    (folder / "hours.csv").unlink()
    problems = problems_of(folder)
    assert {p.file for p in problems} == {"tasks.csv", "hours.csv"}
    assert "空" in only(problems, file="tasks.csv").message


def test_bad_yaml(tmp_path):
    folder = make_client_dir(tmp_path, config="name: テスト\ngrades: [G1, G2\ncapacity_hours: 160\n")
    p = only(problems_of(folder), file="client.yml")
    assert "YAML" in p.message and p.row is not None


@pytest.mark.parametrize(("config", "row", "says"), [
    ("name: テスト\ngrades: [G1, G2\ncapacity_hours: 160\n", 3, "閉じかっこ ]"),
    ("name: テスト\ngrades:\n\t- G1\n", 3, "タブ文字"),
    ("name: 'テスト\n", 2, "引用符"),
    ("name: テスト: 総務\n", 1, "コロン(:)を書けません"),
    ("name: テスト\n- G1\n", 2, "字下げ"),
    ("name: *テスト\n", 1, "* か & で始まっています"),
    ("name: *x\n", 1, "* か & で始まっています"),
])
def test_yaml_mistakes_are_explained_in_japanese(tmp_path, config, row, says):
    p = only(problems_of(make_client_dir(tmp_path, config=config)), file="client.yml")
    assert p.row == row and says in p.message and "文字目付近" in p.message
    assert "expected" not in p.message and "found" not in p.message


@pytest.mark.parametrize(("content", "says"), [
    (b"", "ファイルが空です"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "パスワード付きのブックか、古い .xls"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "HTML か XML"),
    ("メンバーID,氏名\nM01,山田\n".encode("cp932"), "拡張子だけを .xlsx に変えた"),
    ("truncated", "途中で切れているか壊れています"),
])
def test_an_unreadable_workbook_is_explained_from_its_content(tmp_path, content, says):
    folder = make_client_dir(tmp_path)
    survey = folder / "survey.xlsx"
    if content == "truncated":
        content = survey.read_bytes()[:2000]
    survey.write_bytes(content)
    p = only(problems_of(folder), file="survey.xlsx")
    assert says in p.message and "Zip" not in p.message
    assert survey.read_bytes() == content  # nothing the user gave is changed


def test_csv_parser_errors_name_their_line_in_japanese(tmp_path):
    folder = write_csv_client(tmp_path / "unclosed", "utf-8")
    lines = (folder / "tasks.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("経営会議で承認", '"経営会議で承認')  # line 3 opens a quote, never closed
    (folder / "tasks.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="tasks.csv")
    assert p.row == 3 and "引用符" in p.message and "EOF" not in p.message
    folder = write_csv_client(tmp_path / "wide", "utf-8")
    lines = (folder / "hours.csv").read_text(encoding="utf-8").splitlines()
    lines[2] += ",a,b,c,d,e"  # 11 fields under a 6-column header
    (folder / "hours.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = only(problems_of(folder), file="hours.csv")
    assert p.row == 3 and "11 列" in p.message and "見出し(6列)" in p.message


def test_client_yml_checks(tmp_path):
    bad = "wave: 2026-10\ncapacity_hours: -5\ngrades: [G1, G1, G3]\n"
    problems = problems_of(make_client_dir(tmp_path, "Bad_Name", config=bad))
    assert {p.column for p in problems if p.file == "client.yml"} == {"name", "capacity_hours", "grades"}
    assert any(p.file == "Bad_Name" and "フォルダ名" in p.message for p in problems)


def test_missing_client_yml_and_survey(tmp_path):
    folder = tmp_path / "empty-client"
    folder.mkdir()
    problems = problems_of(folder)
    assert {p.file for p in problems} == {"client.yml", "survey.xlsx"}


def test_formula_without_value(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = "=4*2"  # openpyxl stores the formula without a computed result
    p = only(problems_of(make_client_dir(tmp_path, hours=hours)))
    assert (p.row, p.column) == (5, "月間工数") and "数式" in p.message


def test_merged_header_cells(tmp_path):
    hours = copy_rows(HOURS)
    hours[0][4] = None
    p = only(problems_of(make_client_dir(tmp_path, hours=hours, merges={"工数": ["D1:E1"]})),
             sheet="工数", row=1)
    assert "結合" in p.message and "D1:E1" in p.message


def test_vision_problems(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "vision.yml").write_text(
        "targets:\n  strategic_share: 0.3\n  happiness: 1\n"
        "measures:\n  - name: 郵便委託\n    tasks: [T01, T55]\n    action: 外注\n    reduction: 0.5\n",
        encoding="utf-8")
    problems = problems_of(folder)
    assert all(p.file == "vision.yml" for p in problems)
    messages = " ".join(p.message for p in problems)
    assert "happiness" in messages and "外注" in messages and "外部委託" in messages


def test_vision_unknown_task_in_measure(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "vision.yml").write_text(
        "measures:\n  - name: 郵便委託\n    tasks: [T01, T55]\n    action: 外部委託\n    reduction: 0.5\n",
        encoding="utf-8")
    p = only(problems_of(folder))
    assert p.file == "vision.yml" and "T55" in p.message


def test_input_files_are_never_modified(tmp_path):
    hours = copy_rows(HOURS)
    hours[2][0] = None
    good = make_client_dir(tmp_path, "good", merges={"工数": ["A2:A3"]})
    bad = make_client_dir(tmp_path, "bad", hours=[*copy_rows(HOURS), ["M99", "T01", "x", None, None, None]])
    csv = write_csv_client(tmp_path / "csv-client", "cp932")
    for folder in (good, bad, csv):
        before = digest(folder)
        try:
            load_client(folder)
        except SurveyError:
            pass
        assert digest(folder) == before


def test_suggest():
    assert suggest("一部化", ["可", "一部可", "不可"]) == "一部可"
    assert suggest("zzz", ["可", "一部可", "不可"]) is None


# ---------------------------------------------------------------------------------------------
# more breadth
# ---------------------------------------------------------------------------------------------


def test_renamed_header_gets_a_hint(tmp_path):
    tasks = copy_rows(TASKS)
    tasks[0][5] = "業務種類"
    p = only(problems_of(make_client_dir(tmp_path, tasks=tasks)))
    assert (p.sheet, p.row, p.column) == ("業務一覧", 1, "業務種別")
    assert "「業務種類」の列のことなら" in p.message


def test_absurd_hours_and_times(tmp_path):
    hours = copy_rows(HOURS)
    hours[1][2] = 9999  # row 2: more hours than a month has
    hours[2][3] = 100_000  # row 3: 回数 × 0.5 h = 50,000 h
    members = copy_rows(MEMBERS)
    members[1][5] = 800  # capacity above 744
    problems = problems_of(make_client_dir(tmp_path, members=members, hours=hours))
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("メンバー", 2, "月間所定時間"), ("工数", 2, "月間工数"), ("工数", 3, "回数")]
    assert "744" in problems[1].message and "9999" in problems[1].message


def test_product_of_times_and_hours_per_time_above_a_month(tmp_path):
    hours = copy_rows(HOURS)
    hours[2][3], hours[2][4] = 400, 2  # 800 h a month
    p = only(problems_of(make_client_dir(tmp_path, hours=hours)))
    assert (p.row, p.column) == (3, "回数") and "744" in p.message


def test_sheet_without_header_row(tmp_path):
    tasks = [["何かのメモ"], ["ここには表がありません"]]
    p = only(problems_of(make_client_dir(tmp_path, tasks=tasks)), sheet="業務一覧")
    assert "見出しの行が見つかりません" in p.message and "業務ID" in p.message


def test_csv_with_ragged_rows(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    with open(folder / "tasks.csv", "a", encoding="utf-8") as f:
        f.write("T05,庶務,,受付,運用,定型,1,不可,可,日次,有,,余分,もっと余分\n")
    p = only(problems_of(folder), file="tasks.csv")
    assert p.row == 6 and "列が多く" in p.message
    with open(folder / "tasks.csv", "a", encoding="utf-8") as f:  # far too many: not a table
        f.write("T06" + ",x" * 40 + "\n")
    p = only(problems_of(folder), file="tasks.csv")
    assert p.row == 7 and "41 列" in p.message and "見出し(12列)より多く" in p.message


def test_undecodable_csv(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    (folder / "members.csv").write_bytes("メンバーID,氏名,等級\nM01,山田,G1\n".encode("utf-16"))
    p = only(problems_of(folder), file="members.csv")
    assert "文字コード" in p.message and "cp932" in p.message


def test_csv_with_messy_numbers_takes_the_slow_path(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "cp932")
    text = (folder / "hours.csv").read_text(encoding="cp932")
    text = text.replace("M01,T02,12,", "M01,T02,１２時間,").replace("M02,T01,,20,0.5", "M02,T01,,２０回,30分")
    (folder / "hours.csv").write_text(text, encoding="cp932")
    assert load_client(folder).hours["hours"].tolist() == [12.0, 10.0, 0.0, 8.0, 4.0, 6.0]


def test_problems_in_history_name_the_history_file(tmp_path):
    folder = make_client_dir(tmp_path)
    past = folder / "history" / "2025-10"
    past.mkdir(parents=True)
    hours = copy_rows(HOURS)
    hours[3][0] = "M42"
    write_workbook(past / "survey.xlsx", {"メンバー": copy_rows(MEMBERS), "業務一覧": copy_rows(TASKS),
                                          "工数": hours})
    p = only(problems_of(folder))
    assert (p.file, p.sheet, p.row, p.value) == ("history/2025-10/survey.xlsx", "工数", 4, "M42")


def test_vision_targets_directions_and_maturity(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "vision.yml").write_text(
        "vision: 攻めの総務\n"
        "targets:\n  strategic_share: 0.3\n  adhoc_share: {target: 0.1, direction: max}\n"
        "  truck_factor: 3\n"
        "maturity:\n  - {dimension: 業務標準化, current: 2, target: 4}\n"
        "  - {dimension: デジタル化, current: 1, target: 3}\n"
        "measures:\n  - name: 施設管理の集約\n    category: 施設管理\n    action: 集約\n"
        "    reduction: 0.2\n    start: 2027-04-01\n", encoding="utf-8")
    vision = load_client(folder).vision
    assert vision.statement == "攻めの総務"
    assert {k: (t.target, t.direction) for k, t in vision.targets.items()} == {
        "strategic_share": (0.3, "at_least"), "adhoc_share": (0.1, "at_least"),
        "truck_factor": (3.0, "at_least")}
    assert vision.maturity["dimension"].tolist() == ["業務標準化", "デジタル化"]
    assert vision.maturity["current"].tolist() == [2, 1]
    m = vision.measures[0]
    assert (m.category, m.tasks, m.start, m.end) == ("施設管理", None, pd.Period("2027-04", "M"), None)


def test_vision_value_problems(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "vision.yml").write_text(
        "targets:\n  strategic_share: 1.5\n  routine_share: {target: 0.5, direction: up}\n"
        "maturity:\n  - {dimension: 業務標準化, current: 7, target: 4}\n"
        "measures:\n  - name: 両方指定\n    tasks: [T01]\n    category: 庶務\n    action: 集約\n"
        "    reduction: 0.2\n    start: 2027-05\n    end: 2027-01\n"
        "  - name: 大分類違い\n    category: 経理\n    action: 廃止\n    reduction: 1\n",
        encoding="utf-8")
    problems = problems_of(folder)
    columns = sorted(p.column for p in problems)
    assert columns == sorted(["targets.strategic_share", "targets.routine_share", "maturity.current",
                              "measures.tasks", "measures.end", "measures.category"])
    assert all(p.file == "vision.yml" for p in problems)


def test_bad_vision_yaml(tmp_path):
    folder = make_client_dir(tmp_path)
    (folder / "vision.yml").write_text("targets:\n  strategic_share: [0.3\n", encoding="utf-8")
    p = only(problems_of(folder))
    assert p.file == "vision.yml" and "YAML" in p.message


def test_english_alias_sheet_and_csv_headers(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    text = (folder / "hours.csv").read_text(encoding="utf-8").splitlines()
    text[0] = "member_id,task_id,hours,times_per_month,hours_per_time,role"
    (folder / "hours.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert load_client(folder).hours["hours"].sum() == 40.0


def test_times_only_columns_without_monthly_hours(tmp_path):
    hours = [["メンバーID", "業務ID", "回数", "1回あたり時間"],
             ["M01", "T02", 4, 3], ["M02", "T01", 20, 0.5], ["M02", "T03", 8, 1], ["M03", "T03", 2, 2],
             ["M03", "T04", 3, 2]]
    client = load_client(make_client_dir(tmp_path, hours=hours))
    assert client.hours["hours"].tolist() == [12.0, 10.0, 8.0, 4.0, 6.0]
    assert client.hours["role"].isna().all()


def test_no_hours_columns_is_one_problem(tmp_path):
    hours = [["メンバーID", "業務ID", "役割"], ["M01", "T02", "主担当"], ["M02", "T01", "主担当"]]
    p = only(problems_of(make_client_dir(tmp_path, hours=hours)))
    assert (p.sheet, p.row, p.column) == ("工数", 1, "月間工数") and "見つかった列" in p.message


def test_sample_clients_load():
    root = Path(__file__).resolve().parents[1] / "data" / "sample"
    for name in ("kasou-denki", "project-office"):
        client = load_client(root / name)
        assert len(client.members) >= 6 and len(client.tasks) >= 30 and client.hours["hours"].sum() > 0
        assert not [w for w in client.warnings if w.level == "error"]


def test_sheets_with_headers_but_no_rows(tmp_path):
    problems = problems_of(make_client_dir(tmp_path, members=[MEMBERS[0]], hours=[HOURS[0], [None] * 6]))
    assert [(p.sheet, p.row) for p in problems] == [("メンバー", None), ("工数", None)]
    assert "データの行がありません" in problems[0].message and "2行目から" in problems[0].message


def test_empty_members_sheet_is_one_problem_not_one_per_hours_row(tmp_path):
    p = only(problems_of(make_client_dir(tmp_path, members=[MEMBERS[0]])))
    assert p.sheet == "メンバー" and "データの行がありません" in p.message


def test_coding_of_unknown_segments_and_codes_warns(tmp_path):
    pytest.importorskip("gyomu.coding")
    folder = shutil.copytree(FIXTURES / "mini-client", tmp_path / "coded-client")
    (folder / "coding.csv").write_text(
        "segment_id,code,coder,note\nI01-002,業務過多,A,\nI01-009,業務過多,A,\nI01-009,属人化,B,\n"
        "I01-001,存在しないコード,A,\n", encoding="utf-8")
    client = load_client(folder)
    if client.segments.empty or client.codebook.empty:
        pytest.skip("interviews or codebook module not available")
    warnings = [w for w in client.warnings if w.file == "coding.csv"]
    assert [(w.column, w.value) for w in warnings] == [("segment_id", "I01-009"), ("code", "存在しないコード")]
    assert "(2行)" in warnings[0].message


def _full_width(text: str) -> str:
    return text.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 744), st.integers(0, 59), st.sampled_from(["h", "H", "時間", "hours"]))
def test_hours_forms_property(h, m, unit):
    assert parse_hours_text(f"{h}{unit}") == h
    assert parse_hours_text(_full_width(f"{h}") + unit) == h
    assert parse_hours_text(f" {h}時間{m}分 ") == pytest.approx(h + m / 60)
    assert parse_hours_text(f"{m}分") == pytest.approx(m / 60)


def test_excel_error_values(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = "#DIV/0!"  # openpyxl writes these as error cells; calamine reads them blank
    tasks = copy_rows(TASKS)
    tasks[2][7] = "#N/A"
    problems = problems_of(make_client_dir(tmp_path, tasks=tasks, hours=hours))
    assert [(p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("業務一覧", 3, "リモート", "#N/A"), ("工数", 5, "月間工数", "#DIV/0!")]
    assert all("Excel のエラー値" in p.message for p in problems)


def test_infinite_and_nan_text_are_not_hours(tmp_path):
    hours = copy_rows(HOURS)
    hours[4][2] = "inf"
    hours[5][2] = "nan"
    problems = problems_of(make_client_dir(tmp_path, hours=hours))
    assert [(p.row, p.value) for p in problems] == [(5, "inf"), (6, "nan")]


def test_renamed_sheet_gets_a_hint(tmp_path):
    folder = tmp_path / "renamed-sheet"
    folder.mkdir()
    (folder / "client.yml").write_text(CONFIG, encoding="utf-8")
    write_workbook(folder / "survey.xlsx", {"メンバー": copy_rows(MEMBERS), "業務リスト": copy_rows(TASKS),
                                            "工数": copy_rows(HOURS)})
    p = only(problems_of(folder))
    assert p.sheet == "業務一覧" and "「業務リスト」がこのシートなら" in p.message


_CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.sampled_from(["可", "定型", "主担当", "M01", "T01", "G2", "2時間", "=1+1",
                                           "#N/A", " ", "１２", "対応可"]),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 6), st.integers(0, 11), _CELLS),
                min_size=1, max_size=8))
def test_any_cell_content_gives_a_client_or_a_survey_error(tmp_path_factory, edits):
    """Whatever is typed into the cells, load_client returns or raises SurveyError (no traceback)."""
    tables = [copy_rows(MEMBERS), copy_rows(TASKS), copy_rows(HOURS)]
    for sheet, row, col, value in edits:
        table = tables[sheet]
        r = min(row, len(table) - 1)
        if col < len(table[r]):
            table[r][col] = value
    folder = make_client_dir(tmp_path_factory.mktemp("fuzz"), members=tables[0], tasks=tables[1],
                             hours=tables[2])
    try:
        client = load_client(folder)
    except SurveyError as err:
        assert err.problems and all(p.message for p in err.problems)
    else:
        assert client.hours["hours"].ge(0).all()


def test_csv_row_with_an_unquoted_comma(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    text = (folder / "hours.csv").read_text(encoding="utf-8").replace("M02,T03,8,,,主担当", "M02,T03,1,000,,,主担当")
    (folder / "hours.csv").write_text(text, encoding="utf-8")
    problems = problems_of(folder)
    p = only(problems, file="hours.csv", row=5, column=None)
    assert "列が多く" in p.message and "カンマ" in p.message


def test_hours_sheet_with_every_member_id_blank(tmp_path):
    hours = copy_rows(HOURS)
    for row in hours[1:]:
        row[0] = None
    problems = problems_of(make_client_dir(tmp_path, hours=hours))
    assert [(p.row, p.column) for p in problems] == [(r, "メンバーID") for r in range(2, 8)]
    assert all("空欄" in p.message for p in problems)


def test_monthly_hours_disagreeing_with_times_is_a_warning(tmp_path):
    hours = copy_rows(HOURS)
    hours[2][2] = 15  # 20 × 0.5 = 10, but 15 written: 月間工数 wins
    hours[4][3:5] = [4, 2]  # 8 = 4 × 2: agrees
    client = load_client(make_client_dir(tmp_path, hours=hours))
    assert client.hours["hours"].tolist()[:4] == [12.0, 15.0, 0.0, 8.0]
    w = only(client.warnings)
    assert (w.sheet, w.row, w.column, w.level) == ("工数", 3, "月間工数", "warning")


def test_history_round_with_its_own_client_yml(tmp_path):
    folder = make_client_dir(tmp_path)
    past = folder / "history" / "2024-10"
    past.mkdir(parents=True)
    (past / "client.yml").write_text("grades: [G1, G2, G3, G4]\ncapacity_hours: 150\n", encoding="utf-8")
    members = copy_rows(MEMBERS)
    members[1][2] = "G4"
    write_workbook(past / "survey.xlsx", {"メンバー": members, "業務一覧": copy_rows(TASKS),
                                          "工数": copy_rows(HOURS)})
    old = load_client(folder).history["2024-10"]
    assert (old.name, old.wave, old.client_id) == ("テスト総務株式会社", "2024-10", "test-client")
    assert old.config.grades == ["G1", "G2", "G3", "G4"] and old.members["grade"].tolist()[0] == "G4"
    assert old.members["capacity_hours"].tolist() == [160.0, 150.0, 80.0]


def test_tab_separated_csv_is_named(tmp_path):
    folder = write_csv_client(tmp_path / "csv-client", "utf-8")
    text = (folder / "members.csv").read_text(encoding="utf-8").replace(",", "\t")
    (folder / "members.csv").write_text(text, encoding="utf-8")
    p = only(problems_of(folder), file="members.csv")
    assert "タブ区切り" in p.message and "見出し" in p.message

"""The survey workbook a client fills in: a blank template and the same template filled by code.

``write_template(path)`` writes survey.xlsx with the sheets メンバー, 業務一覧 and 工数 (headers
from :mod:`gyomu.schema`, Japanese canonical), an instruction sheet 記入方法 with the meaning of
every column, the allowed values and a few example rows, Excel drop-downs on every enumerated
column, a frozen header row and a comment on each header.

The data sheets hold only the header row, so nothing the client did not type is ever read as
data: the examples live on 記入方法, not on the data sheets.

``write_survey(path, members, tasks, hours, grades=...)`` writes the same workbook filled with
frames that use the English aliases (as :class:`gyomu.Client` holds them); it loads back
unchanged with ``gyomu.load_client``.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema

DEFAULT_GRADES = ("G1", "G2", "G3", "G4", "G5")
INSTRUCTION_SHEET = "記入方法"
#: Fixed timestamp written into every workbook, so that generated files are reproducible.
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
#: Number of rows the drop-downs and number checks cover on a blank template.
TEMPLATE_ROWS = 2000

_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")

_WIDTHS = {
    "member_id": 12, "name": 16, "grade": 8, "employment": 12, "team": 16, "capacity_hours": 14,
    "task_id": 10, "category": 12, "subcategory": 14, "task": 36, "purpose": 8, "kind": 10,
    "difficulty": 8, "remote": 10, "outsourcing": 10, "frequency": 8, "manual": 11, "note": 30,
    "hours": 11, "times_per_month": 8, "hours_per_time": 14, "role": 10,
}

#: Example rows shown on the instruction sheet (never on the data sheets).
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "members": [
        {"member_id": "M01", "name": "見本 太郎", "grade": "G4", "employment": "正社員",
         "team": "総務課", "capacity_hours": 160},
        {"member_id": "M02", "name": "見本 花子", "grade": "G1", "employment": "パート",
         "team": "総務課", "capacity_hours": 120},
    ],
    "tasks": [
        {"task_id": "T01", "category": "庶務", "subcategory": "郵便", "task": "郵便物の仕分け・配布",
         "purpose": "運用", "kind": "定型", "difficulty": 1, "remote": "不可", "outsourcing": "一部可",
         "frequency": "日次", "manual": "有", "note": ""},
        {"task_id": "T02", "category": "総務企画", "subcategory": "方針", "task": "総務方針の策定",
         "purpose": "戦略", "kind": "非定型", "difficulty": 5, "remote": "可", "outsourcing": "不可",
         "frequency": "年次", "manual": "無", "note": "経営会議で承認"},
    ],
    "hours": [
        {"member_id": "M01", "task_id": "T02", "hours": 12, "times_per_month": None,
         "hours_per_time": None, "role": "主担当"},
        {"member_id": "M02", "task_id": "T01", "hours": None, "times_per_month": 20,
         "hours_per_time": 0.5, "role": "主担当"},
        {"member_id": "M01", "task_id": "T01", "hours": None, "times_per_month": None,
         "hours_per_time": None, "role": "対応可"},
    ],
}

_RULES = [
    "この調査票は、部署の業務と、誰がどの業務に毎月どれくらいの時間を使っているかを把握するためのものです。",
    "「メンバー」「業務一覧」「工数」の3シートに、1行目の見出しの下(2行目以降)から記入してください。",
    "見出しが赤いのは必須の列です。見出しにカーソルを当てると、記入のヒントが表示されます。",
    "選択肢のある列は、セルを選ぶと表示されるドロップダウンから選んでください。",
    "工数シートは「メンバー × 業務」ごとに1行です。同じ組み合わせを2行に分けないでください。",
    "時間は、月間工数(1か月あたりの時間)か、回数(1か月あたり)と1回あたり時間のどちらかで記入してください。"
    "回数と1回あたり時間を記入した場合は、回数 × 1回あたり時間 が月間工数になります(例: 月20回 × 0.5時間 = 10時間)。",
    "年に数回の業務は、年間の時間を12で割った1か月あたりの時間を記入してください(例: 年2回 × 6時間 → 月1時間)。",
    "役割が「対応可」の行は、普段は担当していないが代わりに対応できることを表します。時間は空欄(0時間)で構いません。",
    "時間は「2」「1.5」のように数字で記入してください(「2時間」「30分」も読み取れます)。",
    "下の記入例はこのシートだけにあります。データのシートには記入例を書き写さないでください。",
]


_EITHER = "(月間工数、または 回数 と 1回あたり時間 のどちらかを記入)"
_EXTRA_MEANING = {
    "hours": _EITHER,
    "times_per_month": _EITHER,
    "hours_per_time": _EITHER,
    "role": "(対応可 = 普段は担当しないが代わりに対応できる。時間は空欄で可)",
    "name": "(個人情報。報告書では匿名化できます)",
}


def _grades(grades: Sequence[str] | None) -> list[str]:
    return [str(g) for g in (grades if grades is not None else DEFAULT_GRADES)]


def _labels(column: schema.Column, grades: list[str]) -> list[str] | None:
    if column.alias == "grade":
        return grades
    if column.labels is not None:
        return [str(v) for v in column.labels]
    return None


def _hint(column: schema.Column, grades: list[str]) -> str:
    parts = [f"{column.ja}({column.alias})"]
    parts.append("必須" if column.required else "任意")
    if column.alias == "grade":
        parts.append("選択肢: " + " / ".join(grades))
    elif column.hint:
        parts.append(column.hint)
    if column.alias in ("hours", "times_per_month", "hours_per_time"):
        parts.append("月間工数、または 回数 と 1回あたり時間 のどちらかを記入")
    return "\n".join(parts)


LISTS_SHEET = "選択肢"


def _inline_ok(labels: list[str]) -> bool:
    """Excel's inline list: at most 255 characters, no commas or quotes in the labels."""
    text = ",".join(labels)
    return len(text) <= 250 and not any(c in text for c in '"') and all("," not in x for x in labels)


def _list_formula(labels: list[str], col: schema.Column) -> str:
    if _inline_ok(labels):
        return '"' + ",".join(labels) + '"'
    # Long lists or labels with commas live on the hidden sheet 選択肢 (column A: 等級).
    return f"'{LISTS_SHEET}'!$A$1:$A${len(labels)}"


def _header_cell(ws: Any, text: str, *, fill: PatternFill = _HEADER_FILL) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.font, cell.fill = _HEADER_FONT, fill
    return cell


def _setup_data_sheet(ws: Any, sheet: schema.Sheet, grades: list[str], n_rows: int) -> list:
    """Widths, frozen header, drop-downs and number checks; returns the header row cells."""
    header = []
    last = max(n_rows, 2) + 1
    for j, col in enumerate(sheet.columns, start=1):
        cell = _header_cell(ws, col.ja, fill=_REQUIRED_FILL if col.required else _HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        comment = Comment(_hint(col, grades), "gyomu")
        comment.width, comment.height = 260, 110
        cell.comment = comment
        header.append(cell)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = _WIDTHS.get(col.alias, 12)
        cells = f"{letter}2:{letter}{last}"
        labels = _labels(col, grades)
        if labels is not None:
            dv = DataValidation(
                type="list",
                formula1=_list_formula(labels, col),
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="入力できない値です",
                error=f"{col.ja} は {' / '.join(labels)} から選んでください"[:225],
                promptTitle=col.ja,
                prompt=" / ".join(labels)[:255],
                showInputMessage=True,
            )
        elif col.kind == "number":
            dv = DataValidation(
                type="decimal",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="入力できない値です",
                error=f"{col.ja} は 0 以上の数値で入力してください",
            )
        else:
            continue
        dv.add(cells)
        ws.data_validations.append(dv)
    ws.freeze_panes = "A2"
    return header


def _write_instructions(ws: Any, grades: list[str]) -> None:
    for letter, width in zip("ABCDEFGHIJKL", (16, 18, 8, 70), strict=False):
        ws.column_dimensions[letter].width = width
    title = WriteOnlyCell(ws, value="業務調査票 記入方法")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([])
    for i, rule in enumerate(_RULES, start=1):
        ws.append([f"{i}.", rule])
    for sheet in schema.SHEETS:
        ws.append([])
        heading = WriteOnlyCell(ws, value=f"シート「{sheet.ja}」の列")
        heading.font = Font(bold=True, size=12)
        ws.append([heading])
        ws.append([_header_cell(ws, h) for h in ("列名", "英語名(別名)", "必須", "意味・選べる値")])
        for col in sheet.columns:
            labels = _labels(col, grades)
            meaning = col.hint or ""
            if col.alias == "grade":
                meaning = "等級(下位→上位の順): " + " / ".join(grades)
            elif labels is not None:
                meaning = "選択肢: " + " / ".join(labels)
                if col.kind == "integer" and col.hint:
                    meaning = f"{col.hint}(選択肢: {' / '.join(labels)})"
            meaning += _EXTRA_MEANING.get(col.alias, "")
            ws.append([col.ja, col.alias, "○" if col.required else None, meaning])
        ws.append([])
        mark = WriteOnlyCell(ws, value=f"記入例(「{sheet.ja}」シート。このシートの例は読み込まれません)")
        mark.font = Font(bold=True)
        ws.append([mark])
        ws.append([_header_cell(ws, col.ja) for col in sheet.columns])
        for example in EXAMPLES[sheet.alias]:
            row = []
            for col in sheet.columns:
                value = example.get(col.alias)
                cell = WriteOnlyCell(ws, value=None if value in ("", None) else value)
                cell.fill = _EXAMPLE_FILL
                row.append(cell)
            ws.append(row)


def _build(
    path: Path,
    grades: Sequence[str] | None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Write the workbook (write-only mode, so large surveys stay fast) and freeze its time."""
    gl = _grades(grades)
    frames = frames or {}
    n = max([TEMPLATE_ROWS, *(len(f) for f in frames.values())])
    wb = Workbook(write_only=True)
    _write_instructions(wb.create_sheet(INSTRUCTION_SHEET), gl)
    for sheet in schema.SHEETS:
        ws = wb.create_sheet(sheet.ja)
        header = _setup_data_sheet(ws, sheet, gl, n)
        frame = frames.get(sheet.alias)
        if frame is None:
            ws.append(header)
            continue
        extra = [c for c in frame.columns if c not in sheet_aliases(sheet)]
        ws.append(header + [_header_cell(ws, str(c)) for c in extra])
        columns = [_column_values(frame, c) for c in sheet.columns] + [
            _column_values(frame, schema.Column(str(c), str(c), "text")) for c in extra
        ]
        for row in zip(*columns, strict=True):
            ws.append(row)
    if not _inline_ok(gl):
        lists = wb.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        for grade in gl:
            lists.append([grade])
    wb.properties.creator = "gyomu"
    wb.properties.title = "業務調査票"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(path)
    freeze_timestamps(path)


def freeze_timestamps(path: str | Path, when: dt.datetime = FIXED_TIME) -> None:
    """Rewrite an .xlsx so its zip entries and document properties carry ``when``.

    openpyxl stamps the save time into docProps/core.xml and the zip headers; with this the
    same content always gives the same bytes.
    """
    path = Path(path)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(
                        rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text
                    )
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = info.external_attr
            dst.writestr(new, data)
    path.write_bytes(buf.getvalue())


def write_template(path: str | Path, *, grades: Sequence[str] | None = None) -> Path:
    """Write a blank survey.xlsx for a client to fill in; returns the path.

    ``grades`` are the client's grade labels, junior to senior (client.yml ``grades``); they
    become the drop-down of 等級. The data sheets hold only their header row.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _build(path, grades)
    return path


def sheet_aliases(sheet: schema.Sheet) -> set[str]:
    """The English aliases of a sheet's columns."""
    return {c.alias for c in sheet.columns}


def _column_values(frame: pd.DataFrame, column: schema.Column) -> list[Any]:
    """One column as the values to type into the sheet (None for missing or absent)."""
    if column.alias not in frame.columns:
        return [None] * len(frame)
    s = frame[column.alias]
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    if column.kind in ("number", "integer"):
        num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
        out: list[Any] = num.tolist()
        return [None if v != v else (int(v) if v.is_integer() else v) for v in out]
    values = s.astype(object).tolist()
    return [None if _missing(v) else (v.item() if hasattr(v, "item") else v) for v in values]


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT or value == "":
        return True
    return isinstance(value, float) and math.isnan(value)


def write_survey(
    path: str | Path,
    members: pd.DataFrame,
    tasks: pd.DataFrame,
    hours: pd.DataFrame,
    *,
    grades: Sequence[str] | None = None,
) -> Path:
    """Write survey.xlsx from frames with the English alias columns; returns the path.

    The workbook is the template of :func:`write_template` with the rows filled in: missing
    values stay blank, numbers are written as numbers, categoricals as their labels; extra
    columns follow the schema's columns. In the hours frame, a row whose ``times_per_month``
    and ``hours_per_time`` are both given is written with those two and a blank 月間工数, so
    the workbook says what the client said.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    hours = hours.copy()
    if {"times_per_month", "hours_per_time", "hours"} <= set(hours.columns):
        both = hours["times_per_month"].notna() & hours["hours_per_time"].notna()
        hours["hours"] = pd.to_numeric(hours["hours"]).astype(float).mask(both)
    _build(path, grades, {"members": members, "tasks": tasks, "hours": hours})
    return path

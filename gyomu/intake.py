"""Read a client folder into a validated :class:`gyomu.Client`: ``gyomu.load_client(path)``.

The folder layout, sheets and columns are those of ``../shared/spec/survey-format.md`` (see
also :mod:`gyomu.schema`). Reading never modifies a file. Every problem in the folder is
collected, each naming file, sheet, row (as Excel shows it, or the CSV line number) and
column (as its header reads), and raised once as :class:`gyomu.SurveyError`. Warnings
(a member above 150% of capacity, a task nobody covers) are kept in ``client.warnings``.

The hours sheet may have a million rows, so validation is vectorised: columns are parsed
through their distinct values (:mod:`gyomu.normalize`), checks are boolean masks, and
problem records are built only for the rows that fail.
"""

from __future__ import annotations

import html
import importlib.util
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import yaml

from . import normalize, schema
from .client import (
    CODEBOOK_COLUMNS,
    CODING_COLUMNS,
    INTERVIEW_COLUMNS,
    SEGMENT_COLUMNS,
    Client,
    ClientConfig,
    _empty,
    categorize,
)
from .errors import Problem, SurveyError

__all__ = ["load_client", "read_config", "read_survey", "validate_survey", "RawSheet"]

CONFIG_FILE = "client.yml"
SURVEY_FILE = "survey.xlsx"
VISION_FILE = "vision.yml"
CODEBOOK_FILE = "codebook.yml"
CODING_FILE = "coding.csv"
INTERVIEW_DIR = "interviews"
HISTORY_DIR = "history"

CLIENT_ID = re.compile(r"^[a-z0-9-]+$")
#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30
#: Hours in a month (24 x 31): no row, no member capacity can exceed it.
MAX_MONTH_HOURS = 744
#: More occurrences than minutes in a month is a typing accident.
MAX_TIMES = MAX_MONTH_HOURS * 60
#: A member above this share of their capacity hours gets a warning.
OVERLOAD_WARNING = 1.5

#: Header spellings accepted besides the Japanese header and the English alias.
HEADER_SYNONYMS: dict[str, dict[str, str]] = {
    "members": {
        "ID": "member_id", "社員ID": "member_id", "社員番号": "member_id", "名前": "name",
        "グレード": "grade", "等級区分": "grade", "雇用区分": "employment", "チーム": "team",
        "部署": "team", "所定時間": "capacity_hours", "月間所定労働時間": "capacity_hours",
        "capacity": "capacity_hours",
    },
    "tasks": {
        "ID": "task_id", "業務": "task", "業務内容": "task", "種別": "kind",
        "リモート可否": "remote", "外部委託可否": "outsourcing", "委託可否": "outsourcing",
        "マニュアル有無": "manual", "手順書": "manual",
    },
    "hours": {
        "工数": "hours", "月間時間": "hours", "月間工数(時間)": "hours", "回数/月": "times_per_month",
        "月間回数": "times_per_month", "1回当たり時間": "hours_per_time",
        "1回あたりの時間": "hours_per_time", "1回当たりの時間": "hours_per_time",
    },
}

#: Text columns that are NFKC-normalised (IDs and values matched against other things).
_NORMALIZED_TEXT = {"member_id", "task_id", "grade", "employment", "team", "category",
                    "subcategory", "purpose"}
_NUMBER_KIND = {"hours": "hours", "hours_per_time": "hours", "capacity_hours": "hours",
                "times_per_month": "count"}
_HOURS_EXAMPLES = "例: 2, 1.5, 2h, 2時間, 30分, 1時間30分"


# ---------------------------------------------------------------------------------------------
# raw sheets
# ---------------------------------------------------------------------------------------------


@dataclass
class RawSheet:
    """One survey sheet as read, before typing.

    ``frame`` has the English alias as column name for known columns and the header text for
    other columns; its index is the row number Excel shows (or the CSV line number).
    ``headers`` maps each alias found to its header as written.
    """

    spec: schema.Sheet
    file: str
    sheet: str | None
    frame: pd.DataFrame
    headers: dict[str, str]
    header_row: int
    order: list[str] = field(default_factory=list)  #: headers as written, in file order

    def problem(self, message: str, *, row: int | None = None, alias: str | None = None,
                value: Any = None, level: str = "error") -> Problem:
        column = self.headers.get(alias, _col_ja(self.spec, alias)) if alias else None
        return Problem(self.file, message, sheet=self.sheet, row=row, column=column, value=value,
                       level=level)


def _col_ja(sheet: schema.Sheet, alias: str | None) -> str | None:
    if alias is None:
        return None
    try:
        return sheet.column(alias).ja
    except StopIteration:
        return alias


def _header_table(sheet: schema.Sheet) -> dict[str, str]:
    table: dict[str, str] = {}
    for variant, alias in HEADER_SYNONYMS.get(sheet.alias, {}).items():
        table[normalize.header_key(variant)] = alias
    for col in sheet.columns:
        table[normalize.header_key(col.alias)] = col.alias
        table[normalize.header_key(col.ja)] = col.alias
    return table


def _name(col: schema.Column) -> str:
    """``難易度(difficulty)``: the Japanese header with its English alias, for messages."""
    return f"{col.ja}({col.alias})"


def _display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _find_header(rows: list[list[Any]], sheet: schema.Sheet) -> tuple[int | None, list[str | None]]:
    """Index of the header row among the first rows (most known headers wins) and its aliases."""
    table = _header_table(sheet)
    best, best_score, best_aliases = None, 0, []
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        aliases = [table.get(normalize.header_key(cell)) for cell in row]
        score = len({a for a in aliases if a})
        if score > best_score:
            best, best_score, best_aliases = i, score, aliases
    return best, best_aliases


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _assemble(
    spec: schema.Sheet,
    file: str,
    sheet_name: str | None,
    header_cells: list[Any],
    aliases: list[str | None],
    data: pd.DataFrame,
    header_row: int,
    csv: bool,
) -> tuple[RawSheet, list[Problem]]:
    """Name the columns of ``data`` (positional columns) from the header row."""
    problems: list[Problem] = []
    names: dict[int, str] = {}
    headers: dict[str, str] = {}
    for j, (cell, alias) in enumerate(zip(header_cells, aliases, strict=False)):
        text = "" if normalize._is_blank(cell) else str(cell).strip()
        if alias:
            if alias in headers:
                col = spec.column(alias)
                problems.append(Problem(
                    file, f"列 '{text}' は {_name(col)} の列 '{headers[alias]}' と重複しています。"
                    "どちらか1列にしてください。", sheet=sheet_name, row=header_row, column=text))
                continue
            headers[alias] = text
            names[j] = alias
        elif text:
            names[j] = text
        elif j in data.columns and data[j].map(lambda v: not normalize._is_blank(v)).any():
            names[j] = f"列{j + 1}" if csv else f"列{_column_letter(j)}"
    frame = data[[j for j in names if j in data.columns]].rename(columns=names)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    order = [str(c).strip() for c in header_cells if not normalize._is_blank(c)]
    raw = RawSheet(spec, file, sheet_name, frame, headers, header_row, order)
    return raw, problems


def _missing_header(spec: schema.Sheet, file: str, sheet_name: str | None) -> Problem:
    required = "、".join(c.ja for c in spec.columns if c.required)
    return Problem(file, f"見出しの行が見つかりません。先頭の{HEADER_SEARCH_ROWS}行以内に "
                   f"{required} などの見出しを1行に並べてください(英語の別名も可)。", sheet=sheet_name)


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------


def _sheet_xml_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet XML path inside an .xlsx."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", ns)}
    out = {}
    for s in book.iterfind("m:sheets/m:sheet", ns):
        target = targets.get(s.get(f"{{{ns['r']}}}id"), "")
        out[s.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


_FORMULA = re.compile(rb"<(?:[A-Za-z]+:)?f[ >/]")
_CELL_START = re.compile(rb"<(?:[A-Za-z]+:)?c[ >]")
_CELL_END = re.compile(rb"</(?:[A-Za-z]+:)?c>")
_ERROR_CELL = re.compile(rb'<(?:[A-Za-z]+:)?c\s[^>]*\bt="e"[^>]*>')
#: Excel error values, as a cell shows them.
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA", "#エラー")
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_FORMULA_TEXT = re.compile(rb"<(?:[A-Za-z]+:)?f(?:\s[^>]*)?>(.*?)</(?:[A-Za-z]+:)?f>", re.S)
_VALUE = re.compile(rb"<(?:[A-Za-z]+:)?v>(.*?)</(?:[A-Za-z]+:)?v>", re.S)


def _has_formula(data: bytes) -> bool:
    """Whether sheet XML has an ``<f>`` element (plain substring search: fast on big sheets)."""
    for tag in (b"<f", b":f"):
        i = data.find(tag)
        while i >= 0:
            if data[i + 2:i + 3] in (b">", b" ", b"/"):
                return True
            i = data.find(tag, i + 2)
    return False


def _cell_at(data: bytes, start: int, end: int) -> tuple[int, int] | None:
    """(row index, col index) of the cell XML ``data[start:end]``."""
    ref = _CELL_REF.search(data, start, end)
    if ref is None:
        return None
    col = 0
    for ch in ref[1].decode():
        col = col * 26 + ord(ch) - 64
    return int(ref[2]) - 1, col - 1


def _special_cells(path: Path, sheet_name: str) -> dict[tuple[int, int], str]:
    """Cells that calamine reads as blank although something is in them:
    (row index, col index) -> ``'=formula'`` or the Excel error value (``'#DIV/0!'``).

    openpyxl and other writers store formulas without their result, and Excel error values
    (``#N/A``, ``#DIV/0!`` …) read as blank; both are reported instead of silently counting
    as 0. Only those cells are looked at (a substring scan of the sheet XML), so this is cheap.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            xml_path = _sheet_xml_paths(zf).get(sheet_name)
            if not xml_path:
                return {}
            data = zf.read(xml_path)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return {}
    found: dict[tuple[int, int], str] = {}
    if _has_formula(data):
        end = 0
        for match in _FORMULA.finditer(data):
            if match.start() < end:  # another formula tag inside the cell just read
                continue
            starts = list(_CELL_START.finditer(data, max(0, match.start() - 500), match.start()))
            close = _CELL_END.search(data, match.start())
            if not starts or close is None:
                continue
            end = close.end()
            cell = data[starts[-1].start():end]
            where = _cell_at(cell, 0, len(cell))
            value = _VALUE.search(cell)
            if where is None or (value is not None and value[1].strip()):
                continue
            text = _FORMULA_TEXT.search(cell)
            found[where] = "=" + (html.unescape(text[1].decode("utf-8", "replace")) if text else "…")
    if b't="e"' in data:
        for match in _ERROR_CELL.finditer(data):
            close = _CELL_END.search(data, match.end())
            if close is None or data[match.end() - 2:match.end()] == b"/>":
                continue
            cell = data[match.start():close.end()]
            where = _cell_at(cell, 0, len(cell))
            value = _VALUE.search(cell)
            if where is not None and value is not None:
                found[where] = html.unescape(value[1].decode("utf-8", "replace")).strip() or "#エラー"
    return found


def _read_sheet_rows(book: Any, name: str, path: Path) -> tuple[list[list[Any]], list, dict]:
    sheet = book.get_sheet_by_name(name)
    rows = sheet.to_python(skip_empty_area=False)
    merged = sheet.merged_cell_ranges or []
    return rows, merged, _special_cells(path, name)


def _why_not_xlsx(path: Path, exc: Exception) -> str:
    """Why a file the Excel reader refused is not an .xlsx, told from its first bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
    except OSError:
        head = b""
    if not head:
        return "ファイルが空です(0バイト)。元のファイルをもう一度保存・コピーしてください。"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return ("パスワード付きのブックか、古い .xls 形式のファイルです。パスワードを外し、"
                "Excel で「Excel ブック(*.xlsx)」として保存し直してください。")
    if head.startswith(b"PK"):
        return ("ファイルが途中で切れているか壊れています(コピーやメール添付の途中で切れた可能性があります)。"
                "元のファイルをもう一度受け取るか、Excel で開いて .xlsx 形式で保存し直してください。")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"<":
        return ("中身が HTML か XML です(Web システムから「Excel 形式」で書き出した表によくあります)。"
                "Excel で開いて「Excel ブック(*.xlsx)」として保存し直してください。")
    if detect_encoding(head) is not None and (b"," in head or b"\t" in head):
        return ("中身がテキスト(CSV など)です。拡張子だけを .xlsx に変えたファイルのようです。"
                "Excel で開いて .xlsx 形式で保存し直すか、members.csv・tasks.csv・hours.csv として置いてください。")
    return ("壊れているか、別の形式のファイルです。Excel で開いて .xlsx 形式で保存し直してください。"
            f"(読み込み部品のメッセージ: {exc})")


def read_workbook(path: Path, file: str) -> tuple[dict[str, RawSheet | None], list[Problem]]:
    """Read the three survey sheets of an .xlsx; missing or unreadable sheets are None."""
    from python_calamine import CalamineWorkbook

    problems: list[Problem] = []
    out: dict[str, RawSheet | None] = {s.alias: None for s in schema.SHEETS}
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a problem of the file
        problems.append(Problem(file, f"Excel ファイル(.xlsx)として読めません。{_why_not_xlsx(path, exc)}"))
        return out, problems
    by_key = {normalize.header_key(n): n for n in names}
    found = {spec.alias: by_key.get(normalize.header_key(spec.ja)) or by_key.get(normalize.header_key(spec.alias))
             for spec in schema.SHEETS}
    others = [n for n in names if n not in found.values()]
    for spec in schema.SHEETS:
        name = found[spec.alias]
        if name is None:
            near = normalize.suggest(spec.ja, others, cutoff=0.4)
            tip = f"「{near}」がこのシートなら、" if near else ""
            problems.append(Problem(
                file, f"シート「{spec.ja}」({spec.alias})がありません。見つかったシート: "
                f"{'、'.join(names) or 'なし'}。{tip}シート名を「{spec.ja}」にしてください。", sheet=spec.ja))
            continue
        try:
            rows, merged, formulas = _read_sheet_rows(book, name, path)
        except Exception as exc:  # noqa: BLE001
            problems.append(Problem(file, "シートを読めません。Excel で開いて .xlsx 形式で保存し直してください。"
                                    f"(読み込み部品のメッセージ: {exc})", sheet=name))
            continue
        raw, sheet_problems = _sheet_from_rows(spec, file, name, rows, merged, formulas)
        out[spec.alias] = raw
        problems += sheet_problems
    return out, problems


def _sheet_from_rows(spec: schema.Sheet, file: str, name: str, rows: list[list[Any]],
                     merged: list, formulas: dict) -> tuple[RawSheet | None, list[Problem]]:
    problems: list[Problem] = []
    h, aliases = _find_header(rows, spec)
    if h is None:
        return None, [_missing_header(spec, file, name)]
    for (r0, c0), (r1, c1) in merged:
        if r0 <= h <= r1:
            header = str(rows[r0][c0]) if rows[r0][c0] != "" else None
            col = next((c for c in spec.columns if header in (c.ja, c.alias)), None)
            named = f"見出し「{col.ja}」({col.alias})の" if col else "見出し行に"
            problems.append(Problem(
                file, f"{named}結合セルがあります({_column_letter(c0)}{r0 + 1}:"
                f"{_column_letter(c1)}{r1 + 1})。結合を解除し、1列に1つの見出しを入れてください。",
                sheet=name, row=h + 1, column=header))
        elif r0 > h:  # a merged block in the data: every cell of it means the top-left value
            value = rows[r0][c0]
            for r in range(r0, min(r1, len(rows) - 1) + 1):
                for c in range(c0, c1 + 1):
                    if c < len(rows[r]):
                        rows[r][c] = value
    for (r, c), formula in formulas.items():
        if r > h and r < len(rows) and c < len(rows[r]) and normalize._is_blank(rows[r][c]):
            rows[r][c] = formula
    width = len(rows[h])
    data = pd.DataFrame(rows[h + 1:], columns=range(width), dtype=object)
    data = data.mask(data.eq(""))  # calamine reads an empty cell as ''
    data.index = pd.RangeIndex(h + 2, h + 2 + len(data))
    raw, more = _assemble(spec, file, name, rows[h], aliases, data, h + 1, csv=False)
    return raw, problems + more


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

ENCODINGS = ("utf-8-sig", "cp932")
#: Extra columns read beyond the header, to catch rows with more fields than headers.
CSV_SPARE_COLUMNS = 2


def detect_encoding(data: bytes) -> str | None:
    """``'utf-8-sig'`` (UTF-8 with or without BOM) or ``'cp932'``; None if neither decodes
    (UTF-16, recognised by its BOM or NUL bytes, is not accepted)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        return None
    for enc in ENCODINGS:
        try:
            data.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return None


def read_csv_sheet(path: Path, file: str, spec: schema.Sheet) -> tuple[RawSheet | None, list[Problem]]:
    """Read one survey CSV (UTF-8, UTF-8 with BOM or cp932; title lines above the header ok)."""
    import csv

    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, f"ファイルを読めません({exc.strerror})。")]
    if not data.strip():
        return None, [Problem(file, "ファイルが空です。1行目に見出し、2行目以降にデータを書いてください。")]
    enc = detect_encoding(data)
    if enc is None:
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]
        what = "文字コードが UTF-16(Unicode テキスト)です" if utf16 else "文字コードを判別できません"
        return None, [Problem(file, f"{what}。Excel の「CSV UTF-8(コンマ区切り)」か「CSV(コンマ区切り)」"
                              "で保存し直してください(UTF-8、BOM付き UTF-8、Shift_JIS(cp932)を読めます)。")]
    head = data[:65536].decode(enc, errors="ignore")
    lines = head.splitlines()[:HEADER_SEARCH_ROWS]
    rows = [r for r in csv.reader(lines)]
    h, aliases = _find_header(rows, spec)
    if h is None:
        if any("\t" in line for line in lines):
            return None, [Problem(file, "見出しの行が見つかりません。タブ区切りで保存されているようです。"
                                  "Excel の「CSV UTF-8(コンマ区切り)」で保存し直してください。")]
        return None, [_missing_header(spec, file, None)]
    width = len(rows[h])
    numeric = {j: "float64" for j, a in enumerate(aliases)
               if a and spec.column(a).kind in ("number", "integer")}
    # a few spare columns catch rows with more fields than the header (an unquoted comma,
    # e.g. '1,000'), which would otherwise shift or lose values silently
    total = width + CSV_SPARE_COLUMNS
    options = dict(encoding=enc, header=None, skiprows=h + 1, names=range(total),
                   keep_default_na=False, na_values=[""], skip_blank_lines=False, index_col=False)
    frame = None
    first = {j: numeric.get(j, object) if j < width else "float64" for j in range(total)}
    for dtypes in (first, object):
        # first try plain numbers in the number columns (fast); if any cell is typed
        # otherwise ('2時間', '３'), read every column as text and let normalize parse it
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=dtypes, **options)
            break
        except pd.errors.EmptyDataError:
            frame = pd.DataFrame(columns=range(width), dtype=object)
            break
        except (pd.errors.ParserError, ValueError) as exc:
            if dtypes is object or isinstance(exc, pd.errors.ParserError):
                return None, [_csv_parse_problem(file, str(exc), total)]
    frame.index = _record_lines(data, enc, h + 1, len(frame))
    problems: list[Problem] = []
    spare = frame.iloc[:, width:].notna().any(axis=1)
    for line in frame.index[spare.to_numpy()]:
        problems.append(Problem(
            file, f"この行は見出し({width}列)より列が多くなっています。値の中にカンマ(,)がないか"
            "確認してください(数値は桁区切りのカンマを付けずに、カンマを含む文字は \"…\" で囲みます)。",
            row=int(line)))
    raw, more = _assemble(spec, file, None, rows[h], aliases, frame.iloc[:, :width], h + 1, csv=True)
    return raw, problems + more


def _csv_parse_problem(file: str, message: str, columns: int) -> Problem:
    """pandas' CSV parser error as a Japanese problem on the line it names."""
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:
        return Problem(file, "引用符(\")が閉じていません。この行から後ろが1つの値として読まれてしまいます。"
                       "値の中の \" を \"\" にするか、閉じの \" を足してください。", row=int(unclosed.group(1)) + 1)
    wide = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", message)
    if wide:
        return Problem(file, f"この行は {wide.group(2)} 列あり、見出し({columns - CSV_SPARE_COLUMNS}列)より"
                       "多くなっています。値の中にカンマ(,)がないか確認してください(カンマを含む値は \"…\" で囲みます)。",
                       row=int(wide.group(1)))
    return Problem(file, "CSV として読めません。列の数が見出しと合わない行があるか、引用符が閉じていません。"
                   f"(読み込み部品のメッセージ: {message.strip()})")


def _record_lines(data: bytes, encoding: str, skip: int, records: int) -> pd.Index:
    """The line number (1-based) on which each of ``records`` CSV records after the first
    ``skip`` lines starts.

    One line per record unless a quoted value holds a line break (a note written on two
    lines in Excel); only then are the records walked through, so big files stay fast.
    """
    simple = pd.RangeIndex(skip + 1, skip + 1 + records)
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if lines - skip <= records:
        return simple
    import csv

    text = io.StringIO(data.decode(encoding, errors="replace").removeprefix("\ufeff"), newline="")
    reader = csv.reader(text)
    for _ in range(skip):
        next(reader, None)
    starts, line = [], reader.line_num
    for _ in reader:
        starts.append(line + 1)
        line = reader.line_num
    return pd.Index(starts[:records]) if len(starts) >= records else simple


# ---------------------------------------------------------------------------------------------
# survey = three sheets
# ---------------------------------------------------------------------------------------------


def read_survey(folder: Path, prefix: str = "") -> tuple[dict[str, RawSheet | None], list[Problem]]:
    """The three raw sheets of a client (or history) folder: survey.xlsx or the three CSVs."""
    xlsx = folder / SURVEY_FILE
    if xlsx.is_file():
        return read_workbook(xlsx, prefix + SURVEY_FILE)
    csvs = {s.alias: folder / s.csv_name for s in schema.SHEETS}
    if not any(p.is_file() for p in csvs.values()):
        others = sorted(p.name for p in folder.glob("*.xls*") if not p.name.startswith("~$"))
        hint = f"(見つかった Excel ファイル: {'、'.join(others)}。名前を survey.xlsx にしてください)" \
            if others else ""
        return {s.alias: None for s in schema.SHEETS}, [Problem(
            prefix + SURVEY_FILE, "調査票がありません。survey.xlsx(シート メンバー・業務一覧・工数)"
            f"か、members.csv・tasks.csv・hours.csv の3ファイルを置いてください。{hint}")]
    out: dict[str, RawSheet | None] = {}
    problems: list[Problem] = []
    for spec in schema.SHEETS:
        path = csvs[spec.alias]
        if not path.is_file():
            out[spec.alias] = None
            problems.append(Problem(prefix + spec.csv_name, f"{spec.csv_name}({spec.ja}シート)がありません。"
                                    "CSV で渡すときは members.csv・tasks.csv・hours.csv の3つが必要です。"))
            continue
        out[spec.alias], more = read_csv_sheet(path, prefix + spec.csv_name, spec)
        problems += more
    return out, problems


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------


class _Checker:
    """Collects cell problems of one raw sheet from boolean masks."""

    def __init__(self, raw: RawSheet):
        self.raw = raw
        self.problems: list[Problem] = []

    def cells(self, mask: pd.Series | np.ndarray, alias: str, message: Callable[[Any], str],
              source: pd.Series | None = None, level: str = "error") -> None:
        """A problem for each row where ``mask`` is true; ``message(value)`` per distinct value."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        values = (source if source is not None else self.raw.frame[alias])[mask]
        cache: dict[Any, str] = {}
        for row, value in zip(values.index, values.tolist(), strict=True):
            key = (type(value).__name__, repr(value))
            if key not in cache:
                cache[key] = message(value)
            self.problems.append(self.raw.problem(cache[key], row=int(row), alias=alias, value=value,
                                                  level=level))


def _blank_message(col: schema.Column, extra: str = "") -> Callable[[Any], str]:
    hint = f"({col.hint})" if col.hint else ""
    return lambda v: f"{_name(col)}が空欄です。入力してください{hint}。{extra}".rstrip()


def _special_message(text: str, col: schema.Column) -> str | None:
    """Message for a formula without its result or an Excel error value; None otherwise."""
    if text.startswith("="):
        return (f"数式 '{text}' の計算結果が保存されていません。Excel で開いて保存し直すか、"
                f"{_name(col)}に値を直接入力してください。")
    if text in EXCEL_ERRORS:
        return (f"Excel のエラー値 '{text}' が入っています。元の数式を直すか、{_name(col)}に値を"
                "直接入力してください。")
    return None


def _number_message(col: schema.Column) -> Callable[[Any], str]:
    kind = _NUMBER_KIND.get(col.alias, "hours")

    def message(value: Any) -> str:
        text = _display(value)
        special = _special_message(text, col)
        if special:
            return special
        if kind == "count":
            return f"'{text}' を回数として読めません。{_name(col)}には 0 以上の数値を入力してください(例: 4, 4回, 月4回)。"
        return f"'{text}' を時間として読めません。{_name(col)}には 0 以上の時間数を入力してください({_HOURS_EXAMPLES})。"
    return message


def _label_message(col: schema.Column, allowed: tuple | list, where: str = "") -> Callable[[Any], str]:
    choices = [str(a) for a in allowed]

    def message(value: Any) -> str:
        text = _display(value)
        special = _special_message(text, col)
        if special:
            return special
        near = normalize.suggest(text, choices)
        tip = f"もしかして '{near}' ですか?" if near else ""
        return (f"'{text}' は{_name(col)}{where}にない値です。{' / '.join(choices)} のいずれかを"
                f"入力してください。{tip}")
    return message


def _parse_columns(raw: RawSheet, grades: list[str],
                   check: _Checker) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """Typed values of every known column present, and masks of the cells that had a value
    which was rejected; rejected cells become problems (and NaN)."""
    frame = raw.frame
    out: dict[str, pd.Series] = {}
    invalid: dict[str, pd.Series] = {}
    for col in raw.spec.columns:
        if col.alias not in frame.columns:
            continue
        series = frame[col.alias]
        if col.alias == "grade":
            values, bad = normalize.parse_labels(series, grades, _grade_variants(grades))
            check.cells(bad, col.alias, _label_message(col, grades, "(client.yml の grades)"))
        elif col.kind == "label":
            allowed = col.labels or ()
            values, bad = normalize.parse_labels(series, allowed, normalize.synonyms_for(col.alias))
            check.cells(bad, col.alias, _label_message(col, allowed))
        elif col.kind == "number":
            values, bad = normalize.parse_numbers(series, _NUMBER_KIND.get(col.alias, "hours"))
            check.cells(bad, col.alias, _number_message(col))
            negative = values < 0
            if col.alias == "capacity_hours":
                negative = values <= 0
                check.cells(negative, col.alias, lambda v, c=col: f"'{_display(v)}' は使えません。"
                            f"{_name(c)}には 0 より大きい時間数を入力してください(空欄なら client.yml の capacity_hours)。")
            else:
                check.cells(negative, col.alias, lambda v, c=col: f"'{_display(v)}' はマイナスです。"
                            f"{_name(c)}には 0 以上の数値を入力してください。")
            too_many = values > MAX_MONTH_HOURS if col.alias != "times_per_month" else values > MAX_TIMES
            if col.alias == "times_per_month":
                check.cells(too_many, col.alias, lambda v, c=col: (
                    f"'{_display(v)}' は1か月の回数として多すぎます。{_name(c)}には1か月あたりの回数"
                    f"({MAX_TIMES:,}回まで)を入力してください。"))
            else:
                check.cells(too_many, col.alias, lambda v, c=col: (
                    f"'{_display(v)}' は1か月の時間(24時間 × 31日 = {MAX_MONTH_HOURS}時間)を超えています。"
                    f"{_name(c)}には1か月あたりの時間を入力してください。"))
            values = values.mask(negative | too_many)
            bad = bad | negative | too_many
        elif col.kind == "integer":
            values, bad = normalize.parse_numbers(series, "plain")
            allowed = [float(x) for x in (col.labels or ())]
            out_of_range = values.notna() & ~values.isin(allowed)
            check.cells(bad | out_of_range, col.alias, lambda v, c=col: (
                f"'{_display(v)}' は使えません。{_name(c)}は 1〜5 の整数で入力してください"
                "(1 易しい … 5 熟練が必要)。"))
            values = values.mask(out_of_range)
            bad = bad | out_of_range
        else:
            values = normalize.clean_text(series, normalize=col.alias in _NORMALIZED_TEXT)
            bad = pd.Series(False, index=series.index)
        out[col.alias] = values
        invalid[col.alias] = bad
    return out, invalid


def _grade_variants(grades: list[str]) -> dict[str, str]:
    return {normalize.nfkc(g): g for g in grades}


def _typed(series: pd.Series) -> pd.Series:
    """Cells that hold something (not NaN, not an empty or all-space string)."""
    filled = series.notna()
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        filled &= ~series.astype("str").str.strip().eq("").fillna(False).astype(bool)
    return filled.astype(bool)


def _filled_rows(raw: RawSheet, parsed: dict[str, pd.Series],
                 invalid: dict[str, pd.Series]) -> pd.Series:
    """Mask of rows that hold anything (a row is blank when every cell is blank)."""
    filled = pd.Series(False, index=raw.frame.index)
    for name in raw.frame.columns:
        if name in parsed:
            filled |= parsed[name].notna() | invalid[name]
        else:
            filled |= _typed(raw.frame[name])
    return filled


def _check_required_columns(raw: RawSheet) -> list[Problem]:
    missing = [c for c in raw.spec.columns if c.required and c.alias not in raw.headers]
    found = "、".join(str(c) for c in raw.order) or "なし"
    where = f"{raw.sheet}シート" if raw.sheet else f"{raw.file} "
    unknown = [h for h in raw.order if h not in raw.headers.values()]

    def tip(col: schema.Column) -> str:
        near = normalize.suggest(col.ja, unknown, cutoff=0.5)
        return f"(「{near}」の列のことなら、見出しを「{col.ja}」に直してください)" if near else ""
    problems = [Problem(raw.file, f"必須の列 {_name(c)} がありません。{where}の見出し行"
                        f"({raw.header_row}行目)に「{c.ja}」の列を追加してください{tip(c)}。見つかった列: {found}",
                        sheet=raw.sheet, row=raw.header_row, column=c.ja) for c in missing]
    if raw.spec.alias == "hours" and not _has_hours_columns(raw):
        h, t, p = (_name(raw.spec.column(a)) for a in ("hours", "times_per_month", "hours_per_time"))
        problems.append(Problem(raw.file, f"工数の列がありません。{h}の列、または {t} と {p} の2列を"
                                f"{where}の見出し行({raw.header_row}行目)に追加してください。"
                                f"見つかった列: {found}", sheet=raw.sheet, row=raw.header_row,
                                column=schema.HOURS.column("hours").ja))
    return problems


def _has_hours_columns(raw: RawSheet) -> bool:
    return "hours" in raw.headers or {"times_per_month", "hours_per_time"} <= set(raw.headers)


def _check_ids(raw: RawSheet, values: pd.Series, alias: str, check: _Checker) -> None:
    col = raw.spec.column(alias)
    check.cells(values.isna(), alias, _blank_message(col))
    dup = values.duplicated(keep="first") & values.notna()
    if dup.any():
        first = values[values.notna()].drop_duplicates(keep="first")
        first_row = pd.Series(first.index, index=first.to_numpy())
        check.cells(dup, alias, lambda v: (
            f"{_name(col)} '{_display(v)}' が重複しています"
            f"({first_row.get(normalize.nfkc(_display(v)), '?')}行目と同じ)。IDは1つずつ違う値にしてください。"))


def _check_required_blanks(raw: RawSheet, parsed: dict[str, pd.Series],
                           invalid: dict[str, pd.Series], check: _Checker, skip: set[str]) -> None:
    """Blank cells of required columns (cells typed but rejected are reported already)."""
    for col in raw.spec.columns:
        if col.required and col.alias in parsed and col.alias not in skip:
            check.cells(parsed[col.alias].isna() & ~invalid[col.alias], col.alias, _blank_message(col))


@dataclass
class SurveyFrames:
    """The validated and typed survey, with everything found about it."""

    members: pd.DataFrame
    tasks: pd.DataFrame
    hours: pd.DataFrame
    problems: list[Problem]
    warnings: list[Problem]


def _frame(raw: RawSheet | None, parsed: dict[str, pd.Series], spec: schema.Sheet) -> pd.DataFrame:
    """Schema columns (typed; missing ones empty) followed by the extra columns as read."""
    if raw is None:
        cols = {c.alias: pd.Series(dtype="float64" if c.kind == "number" else "str")
                for c in spec.columns}
        return pd.DataFrame(cols)
    index = raw.frame.index
    data: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.alias in parsed:
            values = parsed[col.alias]
            data[col.alias] = values if values.index.equals(index) else values.loc[index]
        else:
            dtype = "float64" if col.kind in ("number", "integer") else "str"
            data[col.alias] = pd.Series(np.nan, index=index, dtype=dtype)
    for name in raw.frame.columns:
        if name not in data:
            extra = raw.frame[name].loc[index]
            if extra.dtype == object:
                extra = extra.map(lambda v: None if normalize._is_blank(v) else v)
            data[name] = extra
    return pd.DataFrame(data).reset_index(drop=True)


def validate_survey(sheets: dict[str, RawSheet | None], config: ClientConfig) -> SurveyFrames:
    """Check and type the three raw sheets; never raises for bad content.

    Returns the typed frames (bad cells NaN), every problem, and the warnings.
    """
    problems: list[Problem] = []
    sheets = dict(sheets)
    parsed: dict[str, dict[str, pd.Series]] = {}
    invalid: dict[str, dict[str, pd.Series]] = {}
    checkers: dict[str, _Checker] = {}
    for spec in schema.SHEETS:
        raw = sheets.get(spec.alias)
        if raw is None:
            continue
        problems += _check_required_columns(raw)
        check = _Checker(raw)
        cols, bad = _parse_columns(raw, config.grades, check)
        filled = _filled_rows(raw, cols, bad)
        if not filled.all():  # blank rows are skipped (a rejected cell always fills its row)
            keep = filled.to_numpy()
            cols = {k: v[keep] for k, v in cols.items()}
            bad = {k: v[keep] for k, v in bad.items()}
            raw = RawSheet(raw.spec, raw.file, raw.sheet, raw.frame[keep], raw.headers,
                           raw.header_row, raw.order)
            sheets[spec.alias] = raw
            check.raw = raw
        if raw.frame.empty:
            where = f"{raw.sheet}シート" if raw.sheet else f"{raw.file} "
            problems.append(Problem(raw.file, f"{where}にデータの行がありません。見出しの下"
                                    f"({raw.header_row + 1}行目から)に{spec.ja}を記入してください。",
                                    sheet=raw.sheet))
        parsed[spec.alias], invalid[spec.alias], checkers[spec.alias] = cols, bad, check

    ids: dict[str, pd.Series] = {}
    for alias, id_col in (("members", "member_id"), ("tasks", "task_id")):
        if alias not in parsed:
            continue
        raw = sheets[alias]
        if id_col in parsed[alias]:
            _check_ids(raw, parsed[alias][id_col], id_col, checkers[alias])
            if len(parsed[alias][id_col]):  # an empty sheet is reported once, not per row
                ids[alias] = parsed[alias][id_col]
        _check_required_blanks(raw, parsed[alias], invalid[alias], checkers[alias], {id_col})

    if "members" in parsed:
        index = sheets["members"].frame.index
        cap = parsed["members"].get("capacity_hours", pd.Series(np.nan, index=index))
        parsed["members"]["capacity_hours"] = cap.fillna(config.capacity_hours)

    hours_total = None
    codes: dict[str, tuple[np.ndarray, pd.Index]] = {}
    if "hours" in parsed:
        for key in ("member_id", "task_id"):
            if key in parsed["hours"]:
                c, u = pd.factorize(parsed["hours"][key])
                codes[key] = (c, pd.Index(u))
        hours_total = _check_hours(sheets["hours"], parsed["hours"], invalid["hours"], ids, codes,
                                   checkers["hours"])
    for check in checkers.values():
        problems += check.problems
    warnings = [p for p in problems if p.level != "error"]
    problems = [p for p in problems if p.level == "error"]
    if hours_total is not None:
        warnings += _warnings(sheets, parsed, ids, hours_total, codes)

    frames = {spec.alias: _frame(sheets.get(spec.alias), parsed.get(spec.alias, {}), spec)
              for spec in schema.SHEETS}
    if hours_total is not None:
        frames["hours"]["hours"] = hours_total.to_numpy(dtype=float)
    frames["tasks"]["difficulty"] = pd.array(frames["tasks"]["difficulty"], dtype="Int64")
    return SurveyFrames(
        members=categorize(frames["members"], config.grades),
        tasks=categorize(frames["tasks"], config.grades),
        hours=categorize(frames["hours"], config.grades),
        problems=_sorted(problems),
        warnings=warnings,
    )


def _check_hours(raw: RawSheet, cols: dict[str, pd.Series], invalid: dict[str, pd.Series],
                 ids: dict[str, pd.Series], codes: dict[str, tuple[np.ndarray, pd.Index]],
                 check: _Checker) -> pd.Series:
    """Reference, duplicate and no-hours checks of 工数; returns the monthly hours per row.

    ``codes`` holds the factorised member and task IDs (codes, distinct values), so every
    check works on the distinct IDs and integer codes instead of a million strings.
    """
    spec = raw.spec
    index = raw.frame.index
    for alias, key in (("members", "member_id"), ("tasks", "task_id")):
        if key not in cols:
            continue
        c, u = codes[key]
        col = spec.column(key)
        check.cells(c < 0, key, _blank_message(col))
        if alias in ids:
            known = ids[alias].dropna()
            unknown_u = np.append(~u.isin(known.to_numpy()), False)  # code -1 (blank) -> False
            unknown = unknown_u[c]
            if unknown.any():
                check.cells(unknown, key, _unknown_id_message(col, alias, known))
    if "member_id" in cols and "task_id" in cols:
        _check_pairs(raw, cols["member_id"], cols["task_id"], codes, check)
    nan = pd.Series(np.nan, index=index)
    no = pd.Series(False, index=index)
    hours = cols.get("hours", nan)
    times = cols.get("times_per_month", nan)
    per = cols.get("hours_per_time", nan)
    role = cols.get("role", pd.Series(np.nan, index=index, dtype="str"))
    product = times * per
    absurd = hours.isna() & (product > MAX_MONTH_HOURS)
    if absurd.any():
        t_col, p_col = spec.column("times_per_month"), spec.column("hours_per_time")
        check.cells(absurd, "times_per_month", lambda v: (
            f"{_name(t_col)} × {_name(p_col)} が1か月の時間(24時間 × 31日 = {MAX_MONTH_HOURS}時間)を"
            "超えています。1か月あたりの回数と1回あたりの時間を確認してください。"),
            source=raw.frame["times_per_month"])
        product = product.mask(absurd)
    computed = hours.fillna(product)
    differ = (hours - product).abs() > 0.01 * np.maximum(hours.abs(), 1.0)  # NaN compares False
    if differ.any():
        h_col, t_col, p_col = (spec.column(a) for a in ("hours", "times_per_month", "hours_per_time"))
        check.cells(differ, "hours", lambda v: (
            f"{_name(h_col)} '{_display(v)}' と {_name(t_col)} × {_name(p_col)} が一致しません。"
            f"{_name(h_col)}の値を使います。どちらが正しいか確認してください。"), level="warning")
    if not _has_hours_columns(raw):  # reported once for the sheet
        return computed.fillna(0.0)
    backup = role.eq("対応可").fillna(False).astype(bool)
    rejected = (invalid.get("hours", no) | invalid.get("times_per_month", no)
                | invalid.get("hours_per_time", no) | invalid.get("role", no))
    missing = computed.isna() & ~backup & ~rejected & ~absurd
    if missing.any():
        only_times = missing & times.notna()
        only_per = missing & per.notna()
        neither = missing & ~only_times & ~only_per
        h_col, t_col, p_col = (spec.column(a) for a in ("hours", "times_per_month", "hours_per_time"))
        where = "hours" if "hours" in raw.headers else "times_per_month"
        check.cells(neither, where, lambda v: (
            f"工数がありません。{_name(h_col)}、または {_name(t_col)} と {_name(p_col)} の両方を"
            "入力してください(役割が対応可の行は空欄で構いません)。"),
            source=pd.Series(None, index=index, dtype=object))
        check.cells(only_times, "hours_per_time", lambda v: (
            f"{_name(t_col)}はありますが{_name(p_col)}が空欄です。{_name(p_col)}を入力するか、"
            f"{_name(h_col)}を入力してください。"), source=pd.Series(None, index=index, dtype=object))
        check.cells(only_per, "times_per_month", lambda v: (
            f"{_name(p_col)}はありますが{_name(t_col)}が空欄です。{_name(t_col)}を入力するか、"
            f"{_name(h_col)}を入力してください。"), source=pd.Series(None, index=index, dtype=object))
    return computed.fillna(0.0)


def _unknown_id_message(col: schema.Column, alias: str, known: pd.Series) -> Callable[[Any], str]:
    sheet = schema.MEMBERS if alias == "members" else schema.TASKS
    choices = known.unique().tolist()
    sample = "、".join(str(c) for c in choices[:5]) + (" …" if len(choices) > 5 else "")

    def message(value: Any) -> str:
        near = normalize.suggest(_display(value), choices, cutoff=0.6) if len(choices) < 5000 else None
        tip = f"もしかして '{near}' ですか?" if near else ""
        return (f"{_name(col)} '{_display(value)}' は{sheet.ja}シートにありません。"
                f"{sheet.ja}シートにあるID({sample})を入力してください。{tip}")
    return message


def _check_pairs(raw: RawSheet, m: pd.Series, t: pd.Series,
                 codes: dict[str, tuple[np.ndarray, pd.Index]], check: _Checker) -> None:
    """One row per member and task: a repeated pair is a problem on its later rows."""
    index = raw.frame.index
    mc, _ = codes["member_id"]
    tc, tu = codes["task_id"]
    both = (mc >= 0) & (tc >= 0)
    pair = mc.astype(np.int64) * (len(tu) + 1) + tc
    dup = pd.Series(pair).duplicated(keep="first").to_numpy() & both
    if not dup.any():
        return
    first = pd.Series(index[both], index=pair[both])
    first = first[~first.index.duplicated(keep="first")]
    for row, key in zip(index[dup], pair[dup], strict=True):
        check.problems.append(raw.problem(
            f"メンバーID(member_id) '{m[row]}' と業務ID(task_id) '{t[row]}' の組み合わせが重複しています"
            f"({first[key]}行目と同じ)。工数はメンバーと業務の組み合わせごとに1行にしてください。",
            row=int(row), alias="task_id", value=raw.frame["task_id"][row]))


def _warnings(sheets: dict[str, RawSheet | None], parsed: dict[str, dict[str, pd.Series]],
              ids: dict[str, pd.Series], hours: pd.Series,
              codes: dict[str, tuple[np.ndarray, pd.Index]]) -> list[Problem]:
    """Overloaded members (above 150% of capacity) and tasks nobody covers."""
    out: list[Problem] = []
    cols = parsed["hours"]
    if "member_id" not in codes or "task_id" not in codes:
        return out
    values = hours.to_numpy(dtype=float)
    if "members" in ids and "members" in parsed:
        mc, mu = codes["member_id"]
        ok = mc >= 0
        totals = np.bincount(mc[ok], weights=values[ok], minlength=len(mu))
        member_ids = ids["members"]
        pos = mu.get_indexer(member_ids.to_numpy())
        load = pd.Series(np.append(totals, 0.0)[pos], index=member_ids.index)  # -1: no rows
        cap = parsed["members"]["capacity_hours"]
        share = load / cap
        raw = sheets["members"]
        for row in member_ids.index[(share > OVERLOAD_WARNING).to_numpy()]:
            out.append(raw.problem(
                f"メンバー '{member_ids[row]}' の月間工数の合計 {load[row]:,.1f} 時間は、所定時間 "
                f"{cap[row]:,.0f} 時間の {share[row]:.0%} です(150% を超えています)。工数の記入に"
                "誤りがないか確認してください。", row=int(row), alias="member_id",
                value=member_ids[row], level="warning"))
    if "tasks" in ids and "tasks" in parsed:
        tc, tu = codes["task_id"]
        role = cols.get("role")
        covering = values > 0
        if role is not None:
            covering |= role.eq("対応可").fillna(False).to_numpy(dtype=bool)
        hit = np.zeros(len(tu) + 1, dtype=bool)
        hit[tc[covering]] = True
        covered = tu[hit[:-1]]
        task_ids = ids["tasks"]
        nobody = task_ids.notna() & ~task_ids.isin(covered)
        raw = sheets["tasks"]
        for row in task_ids.index[nobody.to_numpy()]:
            out.append(raw.problem(
                f"業務 '{task_ids[row]}' を担当しているメンバーがいません(工数シートに時間のある行も"
                "対応可の行もありません)。担当者の記入漏れか、今は行っていない業務かを確認してください。",
                row=int(row), alias="task_id", value=task_ids[row], level="warning"))
    return out


_SHEET_ORDER = {s.ja: i for i, s in enumerate(schema.SHEETS)}


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Problems in reading order: file, sheet, then row (sheet-level problems first)."""
    def key(p: Problem) -> tuple:
        return (_SHEET_ORDER.get(p.sheet or "", 9), -1 if p.row is None else p.row)
    files: list[str] = []
    for p in problems:
        if p.file not in files:
            files.append(p.file)
    return sorted(problems, key=lambda p: (files.index(p.file), *key(p)))


# ---------------------------------------------------------------------------------------------
# client.yml
# ---------------------------------------------------------------------------------------------


_STAR_VALUE = "値が * か & で始まっています(* や & で始まる値は \"…\" で囲みます)"
#: PyYAML's problems, in the words of someone editing a YAML file by hand.
_YAML_PROBLEMS = (
    ("expected ',' or ']'", "[ … ] の閉じかっこ ] か、項目の間のカンマ(,)が抜けています"),
    ("expected ',' or '}'", "{ … } の閉じかっこ } か、項目の間のカンマ(,)が抜けています"),
    ("mapping values are not allowed", "ここにはコロン(:)を書けません(値にコロンを含めるときは \"…\" で囲みます。"
                                       "字下げのずれや、コロンの後の空白忘れでも起きます)"),
    ("could not find expected ':'", "「キー: 値」のコロン(:)が見つかりません"),
    ("'\\t'", "字下げにタブ文字が使われています(半角スペースにしてください)"),
    ("end of stream", "引用符(' か \")が閉じていません"),
    ("unknown escape character", "\"…\" の中の \\ の使い方が誤っています(' … ' で囲むか、\\ を \\\\ にします)"),
    ("undefined alias", _STAR_VALUE),
    ("expected alphabetic or numeric character", _STAR_VALUE),
    ("expected '-' indicator", "リストの項目(- で始まる行)の字下げがそろっていません"),
    ("expected <block end>", "字下げがそろっていないか、リストと「キー: 値」が混ざっています"),
    ("expected key", "字下げがそろっていません"),
)


def _yaml_problem_ja(problem: str) -> str:
    """A Japanese reading of one of PyYAML's problem descriptions (the original if unknown)."""
    for key, ja in _YAML_PROBLEMS:
        if key in problem:
            return ja
    return f"書き方の誤り(YAML 読み込み部品のメッセージ: {problem})"


def read_yaml(path: Path, file: str) -> tuple[Any, list[Problem]]:
    """Parse a YAML file; a syntax error becomes a Problem with its line number."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, f"ファイルを読めません({exc.strerror})。")]
    enc = detect_encoding(text) or "utf-8"
    try:
        return yaml.safe_load(text.decode(enc, errors="replace")), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = str(getattr(exc, "problem", None) or exc)
        where = f"({mark.column + 1}文字目付近)" if mark is not None else ""
        return None, [Problem(file, f"YAML の書き方に誤りがあります{where}: {_yaml_problem_ja(what)}。"
                              "字下げ・コロンの後の空白・引用符の対応を確認してください。", row=line)]


def read_config(folder: Path, *, check_id: bool = True, wave: str | None = None,
                prefix: str = "", base: ClientConfig | None = None) -> tuple[ClientConfig, list[Problem]]:
    """Typed client.yml of a client folder, with the problems found in it.

    The client id is the folder name (lowercase letters, digits and '-'). Missing optional
    keys take the :class:`~gyomu.client.ClientConfig` defaults, or those of ``base`` (an
    earlier round's client.yml under history/ inherits the current one; then ``name`` is
    optional too).
    """
    file = prefix + CONFIG_FILE
    client_id = folder.resolve().name
    problems: list[Problem] = []
    if check_id and not CLIENT_ID.fullmatch(client_id):
        problems.append(Problem(
            client_id, f"フォルダ名 '{client_id}' はクライアントIDに使えません。フォルダ名は英小文字・"
            "数字・'-' だけにしてください(例: kasou-denki)。"))
    if base is not None:
        config = ClientConfig(**{**base.__dict__, "extra": dict(base.extra)})
    else:
        config = ClientConfig(client_id=client_id, name=client_id)
    path = folder / CONFIG_FILE
    if not path.is_file():
        problems.append(Problem(file, "client.yml がありません。name(表示名)、capacity_hours、grades "
                                "などを書いた client.yml を置いてください。"))
        return config, problems
    data, more = read_yaml(path, file)
    problems += more
    if more:
        return config, problems
    if not isinstance(data, dict):
        problems.append(Problem(file, "client.yml は 'name: 表示名' のような「キー: 値」の形で書いてください。"))
        return config, problems
    data = dict(data)
    for key in ("id", "client_id"):
        if key in data:
            given = str(data.pop(key)).strip()
            if check_id and given != client_id:
                problems.append(Problem(file, f"{key} '{given}' がフォルダ名 '{client_id}' と違います。"
                                        "クライアントIDはフォルダ名です。どちらかを揃えてください。",
                                        column=key, value=given))
    name = data.pop("name", None)
    if normalize._is_blank(name):
        if base is None:
                problems.append(Problem(file, "name(報告書に出す表示名)がありません。"
                                    "'name: 架空電気工事株式会社' のように書いてください。", column="name"))
    else:
        config.name = str(name).strip()
    if "wave" in data:
        w = data.pop("wave")
        config.wave = "" if w is None else (w.isoformat() if hasattr(w, "isoformat") else str(w).strip())
    if wave is not None:
        config.wave = wave
    if "capacity_hours" in data:
        value = data.pop("capacity_hours")
        try:
            number = normalize.parse_hours_text(value)
        except ValueError:
            number = None
        if number is None or not math.isfinite(number) or number <= 0:
            problems.append(Problem(file, f"capacity_hours '{value}' は使えません。メンバー1人の月間所定"
                                    "時間を 0 より大きい数値で書いてください(例: 160)。",
                                    column="capacity_hours", value=value))
        else:
            config.capacity_hours = float(number)
    if "grades" in data:
        grades = data.pop("grades")
        if isinstance(grades, str):
            grades = [g for g in re.split(r"[,、，/]", grades) if g.strip()]
        if not isinstance(grades, list) or not grades or any(normalize._is_blank(g) for g in grades):
            problems.append(Problem(file, "grades は等級を下位から上位の順に並べたリストで書いてください"
                                    "(例: [G1, G2, G3])。", column="grades", value=grades))
        else:
            labels = [normalize.nfkc(_display(g)) for g in grades]
            dups = sorted({g for g in labels if labels.count(g) > 1})
            if dups:
                problems.append(Problem(file, f"grades に同じ等級が2回以上あります: {'、'.join(dups)}。",
                                        column="grades", value=grades))
            config.grades = list(dict.fromkeys(labels))
    if "strategic_purposes" in data:
        value = data.pop("strategic_purposes")
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(normalize._is_blank(v) for v in value):
            problems.append(Problem(file, "strategic_purposes は戦略的とみなす目的のリストで書いてください"
                                    "(例: [戦略, 改善])。", column="strategic_purposes", value=value))
        else:
            config.strategic_purposes = [normalize.nfkc(str(v)) for v in value]
    if "anonymize" in data:
        value = data.pop("anonymize")
        if isinstance(value, bool):
            config.anonymize = value
        elif value is None:
            config.anonymize = False
        else:
            problems.append(Problem(file, f"anonymize '{value}' は使えません。true(匿名化する)か "
                                    "false(しない)を書いてください。", column="anonymize", value=value))
    config.extra = data
    return config, problems


# ---------------------------------------------------------------------------------------------
# load_client
# ---------------------------------------------------------------------------------------------


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _prefixed(problems: list[Problem], prefix: str) -> list[Problem]:
    if not prefix:
        return problems
    return [Problem(**{**p.to_dict(), "file": p.file if p.file.startswith(prefix) else prefix + p.file})
            for p in problems]


def _read_texts(folder: Path, client: Client, problems: list[Problem]) -> None:
    """Interviews, codebook and coding, through their modules when those exist."""
    interview_dir = folder / INTERVIEW_DIR
    if interview_dir.is_dir() and _has_module("gyomu.interviews"):
        from .interviews import read_interviews

        client.interviews, client.segments, found = read_interviews(interview_dir)
        problems += _prefixed(found, f"{INTERVIEW_DIR}/")
    if _has_module("gyomu.codebook"):
        from .codebook import load_codebook

        path = folder / CODEBOOK_FILE
        client.codebook, found = load_codebook(path if path.is_file() else None)
        problems += found
    if (folder / CODING_FILE).is_file() and _has_module("gyomu.coding"):
        from .coding import read_coding

        client.coding, found = read_coding(folder / CODING_FILE)
        problems += found


def _check_coding(client: Client) -> list[Problem]:
    """Warnings for coding.csv rows that point at segments or codes that no longer exist
    (e.g. after an interview file was edited); one warning per distinct value."""
    coding = client.coding
    out: list[Problem] = []
    if coding.empty:
        return out
    checks = (("segment_id", client.segments, "セグメント", "インタビュー(interviews/)"),
              ("code", client.codebook, "コード", "コードブック"))
    for column, frame, what, where in checks:
        if frame.empty or column not in coding.columns or column not in frame.columns:
            continue
        known = set(frame[column].dropna().astype(str))
        values = coding[column].dropna().astype(str)
        counts = values[~values.isin(known)].value_counts(sort=False)
        for value, n in counts.items():
            out.append(Problem(CODING_FILE, f"{what} '{value}' が{where}にありません({n}行)。"
                               "インタビューやコードブックを直した後なら、コーディングを見直してください。",
                               column=column, value=value, level="warning"))
    return out


def _load_round(folder: Path, config: ClientConfig, prefix: str) -> tuple[SurveyFrames, list[Problem]]:
    sheets, problems = read_survey(folder, prefix)
    frames = validate_survey(sheets, config)
    return frames, problems + frames.problems


def load_client(path: str | Path, *, history: bool = True) -> Client:
    """Read and validate a client folder (see ``survey-format.md``) into a :class:`Client`.

    Reads client.yml, survey.xlsx (or members.csv / tasks.csv / hours.csv in UTF-8, UTF-8
    with BOM or cp932), interviews/, codebook.yml, coding.csv, vision.yml and, unless
    ``history=False``, every earlier round under history/<wave>/ (as Clients without
    interviews, keyed by the wave folder name).

    Raises :class:`gyomu.SurveyError` listing every problem found, if there is any error.
    Warnings are kept in ``client.warnings``. Input files are never modified.
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise SurveyError([Problem(str(path), "クライアントのフォルダがありません。パスを確認してください。")],
                          str(path))
    config, problems = read_config(folder)
    frames, found = _load_round(folder, config, "")
    problems += found
    client = Client(config=config, members=frames.members, tasks=frames.tasks, hours=frames.hours,
                    path=folder, warnings=list(frames.warnings))
    for name, columns in (("interviews", INTERVIEW_COLUMNS), ("segments", SEGMENT_COLUMNS),
                          ("codebook", CODEBOOK_COLUMNS), ("coding", CODING_COLUMNS)):
        setattr(client, name, _empty(columns))
    _read_texts(folder, client, problems)
    problems += _check_coding(client)
    if (folder / VISION_FILE).is_file():
        from .vision import check_vision, read_vision

        client.vision, found = read_vision(folder / VISION_FILE)
        problems += found
        if client.vision is not None:
            problems += check_vision(client.vision, frames.tasks, VISION_FILE)
    if history and (folder / HISTORY_DIR).is_dir():
        waves = (p for p in (folder / HISTORY_DIR).iterdir() if p.is_dir() and p.name[0] not in "._")
        for wave_dir in sorted(waves):
            prefix = f"{HISTORY_DIR}/{wave_dir.name}/"
            wave_config = config
            if (wave_dir / CONFIG_FILE).is_file():
                wave_config, found = read_config(wave_dir, check_id=False, wave=wave_dir.name,
                                                 prefix=prefix, base=config)
                wave_config.client_id = config.client_id
                problems += found
            else:
                wave_config = ClientConfig(**{**config.__dict__, "wave": wave_dir.name,
                                              "extra": dict(config.extra)})
            past, found = _load_round(wave_dir, wave_config, prefix)
            problems += found
            client.history[wave_dir.name] = Client(
                config=wave_config, members=past.members, tasks=past.tasks, hours=past.hours,
                path=wave_dir, warnings=list(past.warnings))
            client.warnings += past.warnings
    errors = [p for p in problems if p.level == "error"]
    client.warnings += [p for p in problems if p.level != "error"]
    if errors:
        raise SurveyError(errors + client.warnings, str(folder))
    return client

"""tables.xlsx: every table the notebooks showed, one sheet each, Japanese headers.

The notebooks save their tables through :class:`gyomu.Outputs`; :func:`write_tables_xlsx`
turns what :func:`gyomu.outputs.read_tables` returns into one workbook for the analyst.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

#: Characters Excel refuses in sheet names, and their readable full-width stand-ins.
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_STAND_IN = {"/": "・", "\\": "・", ":": "：", "[": "［", "]": "］"}
MAX_SHEET_NAME = 31


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """An Excel-safe, unique sheet name for ``title``.

    Replaces ``/\\:[]`` by full-width stand-ins (・：［］), drops ``*?``, strips quotes at
    the ends, cuts to 31 characters and, when the name
    is already in ``taken`` (compared case-insensitively, as Excel does), appends ``(2)``,
    ``(3)`` … within the 31 characters. The name is added to ``taken``.
    """
    taken = taken if taken is not None else set()
    base = _FORBIDDEN.sub(lambda m: _STAND_IN.get(m.group(0), ""), str(title))
    base = base.replace("\n", " ").strip().strip("'").strip()
    base = base[:MAX_SHEET_NAME] or "表"
    if base.lower() == "history":  # reserved by Excel
        base = "history_"
    lowered = {t.lower() for t in taken}
    name, n = base, 1
    while name.lower() in lowered:
        n += 1
        suffix = f"({n})"
        name = base[: MAX_SHEET_NAME - len(suffix)] + suffix
    taken.add(name)
    return name


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Index as columns, flat string headers, and Excel-friendly values."""
    df = frame
    if not isinstance(df.index, pd.RangeIndex) or any(n is not None for n in df.index.names):
        many = df.index.nlevels > 1
        names = [n if n is not None else (f"項目{i + 1}" if many else "項目")
                 for i, n in enumerate(df.index.names)]
        df = df.reset_index(names=[str(n) for n in names])
    if isinstance(df.columns, pd.MultiIndex):
        df = df.copy()
        df.columns = [" / ".join(str(x) for x in col if str(x) != "") for col in df.columns]
    else:
        df = df.rename(columns=lambda c: str(c))
    out = {}
    for col in df.columns:
        s = df[col]
        if isinstance(s, pd.DataFrame):  # duplicated header
            s = s.iloc[:, 0]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        elif isinstance(s.dtype, (pd.PeriodDtype, pd.IntervalDtype)) or s.dtype == object:
            s = s.map(lambda v: v if v is None or isinstance(v, (int, float, str, bool))
                      or pd.isna(v) else str(v))
        elif isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_localize(None)
        elif s.dtype.kind == "m":
            s = s.astype(str)
        out[col] = s
    return pd.DataFrame(out)


def _width(values) -> float:
    """Display width of the widest value (East Asian wide characters count 2)."""
    best = 0
    for v in values:
        text = "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
        w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text[:80])
        best = max(best, w)
    return best


def write_tables_xlsx(tables: list[tuple[str, str, pd.DataFrame]], path: str | Path) -> list[str]:
    """Write ``(notebook, title, frame)`` tables to ``path``, one sheet per table.

    Sheet names come from the titles (see :func:`sheet_name`); the header row is bold,
    frozen and filtered, columns are sized to their content. Returns the sheet names in
    order. An empty list still writes a workbook with one explanatory sheet.
    """
    path = Path(path)
    taken: set[str] = set()
    names = []
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        header = book.add_format({"bold": True, "bg_color": "#EEF3F4", "border": 1,
                                  "text_wrap": True, "valign": "top"})
        if not tables:
            pd.DataFrame({"説明": ["ノートブックが表を出力しませんでした。"]}).to_excel(
                writer, sheet_name="表なし", index=False)
        for _notebook, title, frame in tables:
            name = sheet_name(title, taken)
            names.append(name)
            df = _flat(frame)
            df.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for i, col in enumerate(df.columns):
                sheet.write(0, i, col, header)
                width = max(_width([col]), _width(df[col].head(500).tolist()))
                sheet.set_column(i, i, min(max(width + 2, 6), 60))
            sheet.freeze_panes(1, 0)
            if len(df.columns):
                sheet.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)
    return names

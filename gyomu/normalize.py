"""Turn what people type into survey cells into typed values.

People write ``２ｈ``, ``2時間``, ``30分``, ``1時間30分``, `` 可 `` or ``可能``; this module
turns such cells into numbers and allowed labels, and says which cells it could not read.

Two layers:

* scalar parsers (:func:`parse_hours_text`, :func:`parse_count_text`, :func:`label_lookup`)
  that read one cell, and
* vectorised series parsers (:func:`clean_text`, :func:`parse_numbers`, :func:`parse_labels`)
  that run the scalar parser only on the *distinct* values that are not already plain
  numbers, so a million-row sheet is parsed in a fraction of a second.

Series parsers return the parsed values and a boolean ``bad`` mask of cells that had a
value which could not be read; blank cells are NaN and never bad.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from numbers import Number

import numpy as np
import pandas as pd

from . import schema

__all__ = [
    "nfkc",
    "header_key",
    "parse_hours_text",
    "parse_count_text",
    "label_lookup",
    "suggest",
    "clean_text",
    "parse_numbers",
    "parse_labels",
    "LABEL_SYNONYMS",
    "synonyms_for",
    "allowed_labels",
]


def nfkc(text: str) -> str:
    """NFKC-normalise and strip: full-width digits/letters become ASCII, spaces are trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


_PAREN_TAIL = re.compile(r"[(\[【<].*?[)\]】>]$")
_HEADER_NOISE = re.compile(r"[\s_\-*※・:：]")


def header_key(header: object) -> str:
    """Comparison key of a column header or sheet name.

    NFKC, a trailing parenthesised unit such as ``(時間)`` or ``（h）`` removed, spaces,
    underscores, hyphens and required-marks (``*``, ``※``) removed, case-folded; so
    ``'Member ID'``, ``'member_id'`` and ``'ﾒﾝﾊﾞｰID ※'`` compare equal to their canonical forms.
    """
    if header is None or (isinstance(header, float) and math.isnan(header)):
        return ""
    text = nfkc(str(header))
    stripped = _PAREN_TAIL.sub("", text).strip()
    if stripped:
        text = stripped
    return _HEADER_NOISE.sub("", text).casefold()


# ---------------------------------------------------------------------------------------------
# scalar parsers
# ---------------------------------------------------------------------------------------------

_NUM = r"(-?\d+(?:\.\d+)?|-?\.\d+)"
_H = r"(?:h|hr|hrs|hour|hours|時間|時)"
_M = r"(?:m|min|mins|minute|minutes|分)"
_HOURS_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], float]]] = [
    (re.compile(rf"^{_NUM}{_H}?$"), lambda m: float(m[1])),
    (re.compile(rf"^{_NUM}{_M}$"), lambda m: float(m[1]) / 60),
    (re.compile(rf"^{_NUM}{_H}半$"), lambda m: float(m[1]) + 0.5),
    (re.compile(rf"^{_NUM}{_H}{_NUM}{_M}?$"), lambda m: float(m[1]) + float(m[2]) / 60),
    (re.compile(r"^(\d+):([0-5]\d)(?::00)?$"), lambda m: int(m[1]) + int(m[2]) / 60),
]
_COUNT_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], float]]] = [
    (re.compile(rf"^{_NUM}(?:回|件|times?)?(?:/月|/month|per月)?$"), lambda m: float(m[1])),
    (re.compile(rf"^(?:月|毎月|月に){_NUM}(?:回|件)?$"), lambda m: float(m[1])),
]
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_APPROX = re.compile(r"^(?:約|およそ|ca\.?|approx\.?|~|〜)")


def _prepare(text: str) -> str:
    text = nfkc(text).casefold()
    text = re.sub(r"\s+", "", text)
    text = _THOUSANDS.sub("", text)
    text = _APPROX.sub("", text)
    return text.replace("ー", "-").replace("−", "-")


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and not value.strip()


def _scalar_number(value: object) -> float | None:
    """A number cell as float, None when it is not a plain number (bool is not a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Number):
        return float(value)  # type: ignore[arg-type]
    return None


def parse_hours_text(value: object) -> float | None:
    """Hours in one cell: ``2``, ``'２'``, ``'2h'``, ``'2時間'``, ``'1.5H'``, ``'30分'``,
    ``'1時間30分'``, ``'2時間半'``, ``'1:30'`` or an Excel time/duration.

    Returns None for a blank cell; raises ValueError for a cell it cannot read. Negative
    values are returned as read (range checks are the caller's).
    """
    if _is_blank(value):
        return None
    number = _scalar_number(value)
    if number is not None:
        return number
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    if isinstance(value, dt.time):
        return value.hour + value.minute / 60 + value.second / 3600
    return _match_text(value, _HOURS_PATTERNS)


def parse_count_text(value: object) -> float | None:
    """Occurrences per month in one cell: ``4``, ``'４'``, ``'4回'``, ``'月4回'``, ``'4回/月'``.

    Returns None for a blank cell; raises ValueError for a cell it cannot read.
    """
    if _is_blank(value):
        return None
    number = _scalar_number(value)
    if number is not None:
        return number
    return _match_text(value, _COUNT_PATTERNS)


def _match_text(value: object, patterns) -> float:
    """The number the first matching (pattern, convert) pair reads from a text cell."""
    if not isinstance(value, str):
        raise ValueError(value)
    text = _prepare(value)
    for pattern, convert in patterns:
        match = pattern.match(text)
        if match:
            return convert(match)
    raise ValueError(value)


def _plain_number(value: object) -> float | None:
    """Only plain numbers (difficulty): ``3``, ``'３'``, ``'3.0'``."""
    if _is_blank(value):
        return None
    number = _scalar_number(value)
    if number is not None:
        return number
    if not isinstance(value, str):
        raise ValueError(value)
    text = _prepare(value)
    if re.fullmatch(_NUM, text):
        return float(text)
    raise ValueError(value)


NUMBER_PARSERS: dict[str, Callable[[object], float | None]] = {
    "hours": parse_hours_text,
    "count": parse_count_text,
    "plain": _plain_number,
}

#: Unambiguous variants of the allowed labels, keyed by :func:`_label_key`.
LABEL_SYNONYMS: dict[str, dict[str, str]] = {
    "kind": {
        "定型業務": "定型", "ルーティン": "定型", "routine": "定型",
        "非定型業務": "非定型", "nonroutine": "非定型",
        "突発業務": "突発", "突発対応": "突発", "adhoc": "突発",
    },
    "possibility": {
        "可能": "可", "できる": "可", "○": "可", "〇": "可", "◯": "可", "yes": "可",
        "一部": "一部可", "一部可能": "一部可", "一部できる": "一部可", "△": "一部可",
        "partial": "一部可", "partly": "一部可",
        "不可能": "不可", "できない": "不可", "×": "不可", "✕": "不可", "no": "不可",
    },
    "frequency": {
        "毎日": "日次", "daily": "日次",
        "毎週": "週次", "weekly": "週次",
        "毎月": "月次", "monthly": "月次",
        "四半期毎": "四半期", "四半期ごと": "四半期", "quarterly": "四半期",
        "半年": "半期", "半年毎": "半期", "半年ごと": "半期", "semiannual": "半期",
        "毎年": "年次", "年1回": "年次", "annual": "年次", "yearly": "年次",
        "不定期": "随時", "asneeded": "随時",
    },
    "manual": {
        "あり": "有", "有り": "有", "ある": "有", "○": "有", "〇": "有", "yes": "有",
        "なし": "無", "無し": "無", "ない": "無", "×": "無", "no": "無",
    },
    "role": {
        "主": "主担当", "メイン": "主担当", "正担当": "主担当", "main": "主担当", "primary": "主担当",
        "副": "副担当", "サブ": "副担当", "sub": "副担当", "secondary": "副担当",
        "対応可能": "対応可", "対応できる": "対応可",
    },
}
#: Which synonym table each label column uses.
SYNONYM_TABLE = {
    "kind": "kind", "remote": "possibility", "outsourcing": "possibility",
    "frequency": "frequency", "manual": "manual", "role": "role",
}


def _label_key(text: str) -> str:
    return re.sub(r"[\s_\-]", "", nfkc(text)).casefold()


def label_lookup(allowed: Iterable[str], synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """Key → canonical label for the allowed labels, their case/width variants and synonyms.

    A key that would point at two different labels (ambiguous) is left out.
    """
    allowed = list(allowed)
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    candidates = [(a, a) for a in allowed] + list((synonyms or {}).items())
    for variant, label in candidates:
        key = _label_key(variant)
        if key in table and table[key] != label:
            ambiguous.add(key)
        table.setdefault(key, label)
    for key in ambiguous:
        del table[key]
    for a in allowed:  # exact canonical spellings always win
        table[_label_key(a)] = a
    return table


def suggest(value: object, choices: Iterable[str], cutoff: float = 0.3) -> str | None:
    """The allowed choice nearest to ``value`` (difflib), or None if nothing is close."""
    choices = [str(c) for c in choices]
    if not choices:
        return None
    text = nfkc(str(value))
    match = difflib.get_close_matches(text, choices, n=1, cutoff=cutoff)
    if match:
        return match[0]
    folded = {c.casefold(): c for c in choices}
    match = difflib.get_close_matches(text.casefold(), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None


# ---------------------------------------------------------------------------------------------
# vectorised series parsers
# ---------------------------------------------------------------------------------------------


def _map_distinct(series: pd.Series, func: Callable[[object], object]) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``func`` to each distinct non-null value; return (values as object array, bad mask).

    ``func`` raises ValueError for a value it cannot read.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    bad_u = np.zeros(len(uniques) + 1, dtype=bool)
    mapped[-1] = None
    for i, value in enumerate(uniques):
        try:
            mapped[i] = func(value)
        except ValueError:
            mapped[i] = None
            bad_u[i] = True
    return mapped[codes], bad_u[codes]


def _text_value(value: object, normalize: bool) -> str | None:
    if type(value) is str and value.isascii():  # fast path: NFKC leaves ASCII alone
        value = value.strip()
        return value or None
    if _is_blank(value):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return nfkc(text) if normalize else text.strip()


def clean_text(series: pd.Series, *, normalize: bool = True) -> pd.Series:
    """Text cells as a ``str`` series: stripped (and NFKC-normalised when ``normalize``),
    integral numbers written without ``.0`` (ID ``1`` stays ``'1'``), blanks NaN."""
    if len(series) == 0:
        return pd.Series([], index=series.index, dtype="str")
    values, _ = _map_distinct(series, lambda v: _text_value(v, normalize))
    return pd.Series(values, index=series.index, dtype="str")


def parse_numbers(series: pd.Series, kind: str = "hours") -> tuple[pd.Series, pd.Series]:
    """Numbers in a column: ``(values as float64, bad mask)``.

    ``kind`` is ``"hours"`` (accepts 2h, 2時間, 30分, 1時間30分 …), ``"count"`` (4回, 月4回 …)
    or ``"plain"`` (plain numbers only). Plain numeric cells take a vectorised fast path.
    """
    index = series.index
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.astype("float64")
        return values, pd.Series(False, index=index)
    if series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) in (
        "floating", "integer", "mixed-integer-float", "empty"
    ):  # Excel number cells: already numbers
        return series.astype("float64"), pd.Series(False, index=index)
    fast = pd.to_numeric(series, errors="coerce")
    if pd.api.types.is_bool_dtype(fast.dtype) or fast.dtype == object:
        fast = pd.Series(np.nan, index=index)
    fast = fast.astype("float64")
    rest = fast.isna().to_numpy() & series.notna().to_numpy()
    if series.dtype == object:  # to_numeric reads True/False as 1/0; a bool cell is no number
        rest |= np.fromiter((type(v) is bool for v in series.to_numpy()), bool, len(series))
    values = fast.to_numpy(copy=True)
    bad = np.zeros(len(series), dtype=bool)
    if rest.any():
        sub = series[rest]
        parsed, sub_bad = _map_distinct(sub, NUMBER_PARSERS[kind])
        values[rest] = np.array([np.nan if p is None else p for p in parsed], dtype="float64")
        bad[rest] = sub_bad
    return pd.Series(values, index=index), pd.Series(bad, index=index)


def parse_labels(
    series: pd.Series, allowed: Iterable[str], synonyms: dict[str, str] | None = None
) -> tuple[pd.Series, pd.Series]:
    """Labels in a column: ``(canonical labels, bad mask)``.

    The labels come back as an (unordered) categorical whose categories are ``allowed`` in
    their order. Accepts the allowed labels after NFKC/strip/case-folding and the
    unambiguous ``synonyms`` (e.g. ``可能`` → ``可``).
    """
    allowed = [str(a) for a in allowed]
    table = label_lookup(allowed, synonyms)
    position = {a: i for i, a in enumerate(allowed)}
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.full(len(uniques) + 1, -1, dtype=np.int64)
    bad_u = np.zeros(len(uniques) + 1, dtype=bool)
    for i, value in enumerate(uniques):
        text = _text_value(value, True)
        if text is None:
            continue
        label = table.get(_label_key(text))
        if label is None:
            bad_u[i] = True
        else:
            mapped[i] = position[label]
    values = pd.Categorical.from_codes(mapped[codes], categories=allowed)
    return pd.Series(values, index=series.index), pd.Series(bad_u[codes], index=series.index)


def synonyms_for(alias: str) -> dict[str, str]:
    """The synonym table of a label column alias (empty for grade and unknown columns)."""
    return LABEL_SYNONYMS.get(SYNONYM_TABLE.get(alias, ""), {})


def allowed_labels(alias: str) -> tuple:
    """Allowed labels of an enumerated column of the survey (not grade: that is per client)."""
    for sheet in schema.SHEETS:
        for col in sheet.columns:
            if col.alias == alias and col.labels is not None:
                return col.labels
    raise KeyError(alias)

"""Automatic pre-coding of interview segments with Japanese morphological analysis.

Why SudachiPy + sudachidict-core: it installs from PyPI with its dictionary (no system
MeCab), tokenises about 1 M characters per second, and gives every token its dictionary form
*and* a normalised form (打合せ/打ち合わせ → 打ち合わせ, 引継ぎ → 引き継ぎ) plus character
offsets, which is exactly what keyword matching across inflections needs.

How a keyword matches: the keyword and the segment are tokenised in the same way (Sudachi
SplitMode A, the shortest units, so a compound such as 属人化 is the units 属人+化) and the
keyword matches where its sequence of *normalised forms* occurs in the segment's sequence.
Because normalised forms are lemmas, 追う matches 追われています, 忙しい matches 忙しくて,
辞める matches 辞めてしまった; because SplitMode A splits compounds (a SplitMode C unit is a
run of A units), 属人化 matches inside 属人化していて and 不足 inside 人手不足. Regular
expressions (codebook ``patterns``) are searched in the raw text. A hit that overlaps a hit of
one of the code's ``exclude`` keywords (matched the same way) does not count (e.g. ミス is not
counted inside ミスター). Each auto-code records the first keyword (by position) that fired.

Speed: one cached Sudachi dictionary and tokenizer, each unique text tokenised once, keywords
indexed by their first normalised form (one dict lookup per token). Texts longer than
:data:`MAX_CHUNK` characters are cut at sentence ends (。！？ or newline) before tokenising, well
below Sudachi's input limit (49,149 bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from .labels import register

if TYPE_CHECKING:
    from .client import Client

MAX_CHUNK = 4000  #: characters per tokenizer call (≤ 16,000 UTF-8 bytes, limit 49,149)
AUTOCODE_COLUMNS = ["segment_id", "interview_id", "code", "keyword", "text", "matched", "start", "end"]

register({
    "keyword": "キーワード", "matched": "一致した語", "start": "開始", "end": "終了",
    "code": "コード", "segment_id": "セグメントID", "interview_id": "インタビューID", "text": "発言",
})

_SENTENCE_END = re.compile(r"[。！？!?\n]")


@lru_cache(maxsize=1)
def tokenizer():
    """The shared Sudachi tokenizer (core dictionary, SplitMode A), created once per process."""
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.A)


def split_text(text: str, max_chars: int = MAX_CHUNK) -> list[tuple[int, str]]:
    """Cut ``text`` into (offset, chunk) pieces of at most ``max_chars`` characters, at the last
    sentence end inside each window when there is one."""
    if len(text) <= max_chars:
        return [(0, text)]
    pieces = []
    start = 0
    while start < len(text):
        end = min(start + max_chars, len(text))
        if end < len(text):
            cut = None
            for m in _SENTENCE_END.finditer(text, start, end):
                cut = m.end()
            if cut is not None and cut > start:
                end = cut
        pieces.append((start, text[start:end]))
        start = end
    return pieces


class Tokens:
    """The SplitMode A tokens of one text: normalised forms, with offsets looked up on demand."""

    __slots__ = ("norms", "_chunks")

    def __init__(self, text: str):
        tok = tokenizer()
        self.norms: list[str] = []
        self._chunks: list[tuple[int, int, object]] = []  # (first token index, char offset, MorphemeList)
        for offset, chunk in split_text(text):
            morphemes = tok.tokenize(chunk)
            self._chunks.append((len(self.norms), offset, morphemes))
            self.norms.extend([m.normalized_form() for m in morphemes])

    def _morpheme(self, i: int):
        for first, offset, morphemes in reversed(self._chunks):
            if i >= first:
                return offset, morphemes[i - first]
        raise IndexError(i)

    def begin(self, i: int) -> int:
        """Character offset where token ``i`` starts."""
        offset, m = self._morpheme(i)
        return offset + m.begin()

    def end(self, i: int) -> int:
        """Character offset where token ``i`` ends."""
        offset, m = self._morpheme(i)
        return offset + m.end()


def tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    """(normalised forms, begin offsets, end offsets) of ``text``'s SplitMode A tokens."""
    t = Tokens(text)
    n = len(t.norms)
    return t.norms, [t.begin(i) for i in range(n)], [t.end(i) for i in range(n)]


@dataclass
class Matcher:
    """A codebook compiled for matching: keyword sequences indexed by their first token."""

    index: dict[str, list[tuple[tuple[str, ...], str, str, bool]]] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern, str, str]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)

    @classmethod
    def from_codebook(cls, codebook: pd.DataFrame) -> Matcher:
        """Compile keywords, exclusions and patterns of every code."""
        self = cls()
        for row in codebook.itertuples(index=False):
            self.codes.append(row.code)
            for words, exclude in ((row.keywords, False), (getattr(row, "exclude", []), True)):
                for word in words if isinstance(words, list) else []:
                    seq = tuple(tokens(word)[0])
                    if seq:
                        self.index.setdefault(seq[0], []).append((seq, row.code, word, exclude))
            for pattern in getattr(row, "patterns", []) if isinstance(getattr(row, "patterns", []), list) else []:
                try:
                    self.patterns.append((re.compile(pattern), row.code, pattern))
                except re.error:
                    continue
        for entries in self.index.values():  # longest first, so the longest keyword is reported
            entries.sort(key=lambda e: -len(e[0]))
        return self

    def hits(self, text: str) -> list[tuple[str, str, int, int]]:
        """(code, keyword, start, end) of every counted hit in ``text``, in text order."""
        toks = Tokens(text)
        norms = toks.norms
        found: list[tuple[str, str, int, int]] = []
        excluded: dict[str, list[tuple[int, int]]] = {}
        index = self.index
        n = len(norms)
        for i, norm in enumerate(norms):
            entries = index.get(norm)
            if entries is None:
                continue
            for seq, code, word, exclude in entries:
                k = len(seq)
                if k > 1 and (i + k > n or tuple(norms[i : i + k]) != seq):
                    continue
                span = (toks.begin(i), toks.end(i + k - 1))
                if exclude:
                    excluded.setdefault(code, []).append(span)
                else:
                    found.append((code, word, *span))
        for regex, code, pattern in self.patterns:
            for m in regex.finditer(text):
                if m.end() > m.start():
                    found.append((code, pattern, m.start(), m.end()))
        if excluded:
            found = [h for h in found
                     if not any(s < h[3] and h[2] < e for s, e in excluded.get(h[0], ()))]
        found.sort(key=lambda h: (h[2], -h[3]))
        return found

    def code_text(self, text: str) -> dict[str, tuple[str, int, int]]:
        """code -> (first keyword that fired, start, end) for one text."""
        out: dict[str, tuple[str, int, int]] = {}
        for code, word, start, end in self.hits(text):
            out.setdefault(code, (word, start, end))
        return out


def autocode_segments(segments: pd.DataFrame, codebook: pd.DataFrame, *,
                      include_questions: bool = False) -> pd.DataFrame:
    """Auto-codes of a segments frame: one row per segment and code that fired.

    The interviewer's turns (speaker Q, 聞き手 …) are skipped unless ``include_questions``:
    a question shows the interviewer's topic, not the respondent's view.

    Columns :data:`AUTOCODE_COLUMNS` (segment_id, interview_id, code, keyword, text, matched,
    start, end); rows in segment order, then codebook order.
    """
    matcher = Matcher.from_codebook(codebook)
    order = {c: i for i, c in enumerate(matcher.codes)}
    cache: dict[str, dict[str, tuple[str, int, int]]] = {}
    rows = []
    if not include_questions and "speaker" in segments:
        from .interviews import is_question

        segments = segments[~is_question(segments["speaker"])]
    for seg_id, iv_id, text in zip(segments["segment_id"], segments["interview_id"], segments["text"],
                                   strict=True):
        if not isinstance(text, str) or not text:
            continue
        coded = cache.get(text)
        if coded is None:
            coded = cache[text] = matcher.code_text(text)
        for code in sorted(coded, key=order.__getitem__):
            word, start, end = coded[code]
            rows.append((seg_id, iv_id, code, word, text, text[start:end], start, end))
    df = pd.DataFrame(rows, columns=AUTOCODE_COLUMNS)
    df["start"] = df["start"].astype("int64")
    df["end"] = df["end"].astype("int64")
    return df


def autocode(client: Client, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """Automatic pre-coding of the client's interview segments with its codebook.

    Returns one row per (segment, code) with the keyword that fired (see the module docstring
    for how keywords match). ``codebook`` overrides ``client.codebook``; an empty client
    codebook falls back to gyomu's default.
    """
    if codebook is None:
        codebook = client.codebook
    if codebook is None or codebook.empty:
        from .codebook import default_codebook

        codebook = default_codebook()
    return autocode_segments(client.segments, codebook)


def suggested_codes(auto: pd.DataFrame) -> dict[str, list[str]]:
    """segment_id -> codes suggested by :func:`autocode` (for pre-ticking in the coding tool)."""
    return {k: list(v) for k, v in auto.groupby("segment_id", sort=False)["code"]}


def keyword_hits(texts: Iterable[str], codebook: pd.DataFrame) -> pd.DataFrame:
    """Every counted hit (not only the first per code) of each text: text_no, code, keyword,
    matched, start, end. Useful to tune a codebook."""
    matcher = Matcher.from_codebook(codebook)
    rows = []
    for i, text in enumerate(texts):
        for code, word, start, end in matcher.hits(text):
            rows.append((i, code, word, text[start:end], start, end))
    return pd.DataFrame(rows, columns=["text_no", "code", "keyword", "matched", "start", "end"])


"""Interview transcripts (``interviews/*.md|*.txt``) as interviews and segments frames.

A file may start with YAML front matter (``id``, ``respondent``, ``role``, ``date``; Japanese
keys ``ID``/``回答者``/``役割``/``日付`` are accepted too); without it the file stem is the id.
An optional ``interviewer`` (聞き手) names the interviewer in files whose turns carry names:
that person's turns are stored with speaker ``"Q"`` like the turns of a Q/A transcript.
The body is cut into *segments*:

- files with speaker turns: a line starting with ``Q:``, ``A:`` or ``名前:`` (half- or
  full-width colon, ``Ｑ``/``Ａ`` too) starts a turn; following lines join that turn until the
  next turn starts. Text before the first turn becomes its own paragraph segments;
- files without turns: one segment per paragraph (blocks separated by blank lines).

Markdown heading lines (``# …``) are not speech and are skipped. A segment's id is
``"<interview_id>-<nnn>"`` with its 1-based position zero-padded to three digits, so codes
stored in coding.csv stay attached to the same segment as long as the transcript is not
re-cut.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .client import INTERVIEW_COLUMNS, SEGMENT_COLUMNS
from .errors import Problem

ENCODINGS = ("utf-8-sig", "cp932")
SUFFIXES = (".md", ".txt")

#: front matter keys -> canonical key
FRONT_MATTER_KEYS = {
    "id": "interview_id", "interview_id": "interview_id", "ID": "interview_id",
    "インタビューID": "interview_id",
    "respondent": "respondent", "回答者": "respondent", "対象者": "respondent",
    "role": "role", "役割": "role", "立場": "role",
    "date": "date", "日付": "date", "実施日": "date",
    "interviewer": "interviewer", "聞き手": "interviewer", "インタビュアー": "interviewer",
}

_TURN = re.compile(r"^[ \t\u3000]*(?P<label>[^\s:：。、,，「」()（）#*>\-][^\s:：。、,，「」()（）]{0,19}?)[ \t\u3000]*[:：](?P<rest>.*)$")
_QA = {"Q": "Q", "A": "A", "Ｑ": "Q", "Ａ": "A", "q": "Q", "a": "A"}
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
#: speaker labels of the interviewer: their turns are questions, not the respondent's view
INTERVIEWER_LABELS = frozenset({"Q", "聞き手", "インタビュアー", "質問", "質問者", "司会", "調査者"})


def is_question(speaker: pd.Series) -> pd.Series:
    """True where a segment is the interviewer's turn (Q, 聞き手, インタビュアー …)."""
    return speaker.astype(object).isin(INTERVIEWER_LABELS)


def decode(raw: bytes) -> str | None:
    """Text of a file in UTF-8 (with or without BOM) or cp932; None when neither fits."""
    for enc in ENCODINGS:
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter text or None, body, number of lines the front matter took).

    Raises ValueError when a front matter starts with ``---`` but is never closed.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, text, 0
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    raise ValueError("unclosed front matter")


def _turn(line: str) -> tuple[str, str] | None:
    """(speaker, text) when ``line`` starts a speaker turn."""
    m = _TURN.match(line)
    if not m:
        return None
    label, rest = m.group("label"), m.group("rest")
    if label.isdigit() or rest.startswith("//"):  # 10:30, https://
        return None
    return _QA.get(label, label), rest.strip()


def segment_text(body: str) -> list[tuple[str | None, str]]:
    """Cut a transcript body into (speaker, text) segments (speaker None for paragraphs)."""
    lines = [ln.rstrip() for ln in body.splitlines() if not _HEADING.match(ln)]
    has_turns = any(_turn(ln) for ln in lines)
    segments: list[tuple[str | None, str]] = []

    def paragraphs(block: list[str]) -> None:
        current: list[str] = []
        for ln in [*block, ""]:
            if ln.strip():
                current.append(ln.strip())
            elif current:
                segments.append((None, "\n".join(current)))
                current = []

    if not has_turns:
        paragraphs(lines)
        return segments
    first = next(i for i, ln in enumerate(lines) if _turn(ln))
    paragraphs(lines[:first])
    speaker: str | None = None
    parts: list[str] = []
    for ln in lines[first:]:
        turn = _turn(ln)
        if turn:
            if speaker is not None and any(parts):
                segments.append((speaker, "\n".join(p for p in parts if p)))
            speaker, parts = turn[0], [turn[1]]
        elif ln.strip():
            parts.append(ln.strip())
    if speaker is not None and any(parts):
        segments.append((speaker, "\n".join(p for p in parts if p)))
    return segments


def segment_id(interview_id: str, position: int) -> str:
    """The stable id of the segment at 1-based ``position``: ``"<interview_id>-<nnn>"``."""
    return f"{interview_id}-{position:03d}"


def _as_text(value: Any) -> Any:
    if value is None:
        return pd.NA
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip() or pd.NA


def read_interview(path: Path) -> tuple[dict[str, Any] | None, list[tuple[str | None, str]], list[Problem]]:
    """One transcript: (interview record or None when unreadable, segments, problems)."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [], [Problem(name, f"ファイルを読めません({exc.strerror})。")]
    text = decode(raw)
    if text is None:
        return None, [], [Problem(
            name, "文字コードを判別できません。UTF-8(BOM付き可)または Shift_JIS(cp932)で保存してください。",
        )]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems: list[Problem] = []
    try:
        front, body, _ = split_front_matter(text)
    except ValueError:
        return None, [], [Problem(
            name, "先頭の '---' で始まるヘッダ(front matter)が '---' の行で閉じられていません。", row=1,
        )]
    meta: dict[str, Any] = {}
    if front is not None:
        try:
            # BaseLoader: every value stays text (id: 001 stays '001', dates are parsed below)
            loaded = yaml.load(front, Loader=yaml.BaseLoader) if front.strip() else {}
        except (yaml.YAMLError, ValueError) as exc:
            mark = getattr(exc, "problem_mark", None)
            row = mark.line + 2 if mark is not None else None
            return None, [], [Problem(
                name, "ヘッダ(front matter)を YAML として読めません。'キー: 値' の形で書いてください"
                "(例: 'id: I01', 'role: 組織長')。", row=row,
            )]
        if not isinstance(loaded, dict):
            return None, [], [Problem(
                name, "ヘッダ(front matter)は 'キー: 値' の行で書いてください(例: 'id: I01')。", row=2,
            )]
        meta = loaded
    record: dict[str, Any] = {"interview_id": path.stem, "respondent": pd.NA, "role": pd.NA,
                              "date": pd.NaT, "file": name}
    for key, value in meta.items():
        canon = FRONT_MATTER_KEYS.get(str(key).strip(), str(key).strip())
        if canon == "date":
            if value is None or str(value).strip() == "":
                continue
            try:
                record["date"] = pd.Timestamp(value)
            except (ValueError, TypeError):
                problems.append(Problem(
                    name, f"日付 '{value}' を読めません。2026-10-01 の形で書いてください(日付なしとして扱います)。",
                    column="date", value=value, level="warning",
                ))
        elif canon == "interview_id":
            if value is not None and str(value).strip():
                record["interview_id"] = str(value).strip()
        else:
            record[canon] = _as_text(value)
    segments = segment_text(body)
    interviewer = record.pop("interviewer", None)
    if isinstance(interviewer, str):
        names = {n.strip() for n in re.split(r"[,、，・]", interviewer) if n.strip()}
        segments = [("Q" if sp in names else sp, text) for sp, text in segments]
    return record, segments, problems


def read_interviews(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Read every ``*.md`` / ``*.txt`` transcript of ``folder`` (sorted by file name).

    ``folder`` is the ``interviews/`` folder (a client folder holding one is accepted too).
    Returns ``(interviews, segments, problems)`` with the columns of
    :data:`gyomu.client.INTERVIEW_COLUMNS` and :data:`gyomu.client.SEGMENT_COLUMNS` (extra
    front matter keys become extra interview columns). Unreadable files and broken front
    matter are reported as :class:`~gyomu.errors.Problem` (the file is then skipped); a
    missing folder gives empty frames.
    """
    folder = Path(folder)
    if (folder / "interviews").is_dir():
        folder = folder / "interviews"
    records: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    files = sorted(p for p in folder.glob("*") if p.is_file() and p.suffix.lower() in SUFFIXES) \
        if folder.is_dir() else []
    seen: dict[str, str] = {}
    for path in files:
        record, segments, found = read_interview(path)
        problems += found
        if record is None:
            continue
        iid = record["interview_id"]
        if iid in seen:
            problems.append(Problem(
                path.name, f"インタビューID '{iid}' は {seen[iid]} と重複しています。ヘッダの id を変えてください。",
                column="id", value=iid,
            ))
            continue
        seen[iid] = path.name
        if not segments:
            problems.append(Problem(path.name, "本文が空です(発言も段落もありません)。", level="warning"))
        records.append(record)
        for pos, (speaker, text) in enumerate(segments, 1):
            rows.append({
                "interview_id": iid, "segment_id": segment_id(iid, pos), "position": pos,
                "speaker": speaker if speaker is not None else pd.NA,
                "respondent": record["respondent"], "role": record["role"], "text": text,
            })
    interviews = pd.DataFrame(records)
    if interviews.empty:
        interviews = pd.DataFrame({c: pd.Series(dtype="object") for c in INTERVIEW_COLUMNS})
    extra = [c for c in interviews.columns if c not in INTERVIEW_COLUMNS]
    interviews = interviews[INTERVIEW_COLUMNS + extra]
    interviews["date"] = pd.to_datetime(interviews["date"], errors="coerce")
    segments = pd.DataFrame(rows, columns=SEGMENT_COLUMNS)
    segments["position"] = segments["position"].astype("int64")
    return interviews, segments, problems

"""coding.csv: the record of human coding decisions (``segment_id, code, coder[, note]``).

Every change goes through :func:`update_coding`, which holds an exclusive lock on
``coding.csv.lock`` (same folder), re-reads the file, applies the change and writes a
temporary file in the same folder that replaces coding.csv with ``os.replace`` (atomic on
one file system). So two coders in two kernels never overwrite each other's rows, a crash
never leaves half a file, and rows are only removed when a coder un-ticks their own code.
The file is written in UTF-8 with BOM so Excel opens it correctly; extra columns survive.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .client import CODING_COLUMNS
from .errors import Problem
from .interviews import decode

KEY = ["segment_id", "code", "coder"]
HEADER_ALIASES = {
    "segment_id": "segment_id", "セグメントID": "segment_id", "セグメント": "segment_id",
    "code": "code", "コード": "code",
    "coder": "coder", "コーダー": "coder", "担当": "coder",
    "note": "note", "メモ": "note", "備考": "note",
}


def empty_coding() -> pd.DataFrame:
    """An empty coding frame with :data:`gyomu.client.CODING_COLUMNS`."""
    return pd.DataFrame({c: pd.Series(dtype="str") for c in CODING_COLUMNS})


def _parse(text: str, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    if not text.strip():
        return empty_coding(), []
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ValueError(f"{file} をCSVとして読めません: {exc}") from exc
    df = df.rename(columns=lambda c: HEADER_ALIASES.get(str(c).strip(), str(c).strip()))
    missing = [c for c in KEY if c not in df.columns]
    if missing:
        raise ValueError(f"{file} に列 {', '.join(missing)} がありません(必要な列: segment_id, code, coder)。")
    if "note" not in df.columns:
        df["note"] = ""
    for col in df.columns:
        df[col] = df[col].astype(str).str.strip()
    blank = (df[KEY] == "").any(axis=1)
    for i in df.index[blank]:
        problems.append(Problem(file, "segment_id・code・coder のどれかが空の行です(読み飛ばします)。",
                                row=int(i) + 2, level="warning"))
    df = df[~blank]
    dup = df.duplicated(KEY, keep="last")
    if dup.any():
        problems.append(Problem(file, f"同じセグメント・コード・コーダーの行が{int(dup.sum())}件重複しています(1行として扱います)。",
                                level="warning"))
    df = df[~dup]
    extra = [c for c in df.columns if c not in CODING_COLUMNS]
    return df[CODING_COLUMNS + extra].reset_index(drop=True), problems


def read_coding(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Read coding.csv (UTF-8, UTF-8 with BOM or cp932); a missing file gives an empty frame.

    Japanese headers (セグメントID, コード, コーダー, メモ) are accepted. Rows with a blank key
    are skipped with a warning; unreadable files are an error Problem.
    """
    path = Path(path)
    if not path.is_file():
        return empty_coding(), []
    text = decode(path.read_bytes())
    if text is None:
        return empty_coding(), [Problem(path.name, "文字コードを判別できません。UTF-8 で保存してください。")]
    try:
        return _parse(text, path.name)
    except ValueError as exc:
        return empty_coding(), [Problem(path.name, str(exc))]


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Exclusive lock on ``<path>.lock`` across processes (fcntl on POSIX, msvcrt on Windows)."""
    lock_path = Path(str(path) + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    deadline = time.monotonic() + timeout
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{lock_path} のロックを取得できません") from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                os.lseek(fd, 0, 0)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{lock_path} のロックを取得できません") from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _write_atomic(path: Path, df: pd.DataFrame) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            df.to_csv(fh, index=False, lineterminator="\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _rows_frame(rows: Any) -> pd.DataFrame:
    if rows is None:
        return empty_coding()
    df = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    if df.empty:
        return empty_coding()
    missing = [c for c in KEY if c not in df.columns]
    if missing:
        raise ValueError(f"rows に列 {missing} がありません")
    if "note" not in df.columns:
        df["note"] = ""
    df["note"] = df["note"].astype(object).where(df["note"].notna(), "")
    for col in df.columns:
        df[col] = df[col].astype(str).str.strip()
    return df.drop_duplicates(KEY, keep="last")


def update_coding(path: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """Under the lock, read coding.csv, apply ``change(frame) -> frame`` and save atomically.

    Refuses (ValueError) to touch a file it cannot read, so no row is ever lost. Returns the
    saved frame.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        if path.is_file():
            text = decode(path.read_bytes())
            if text is None:
                raise ValueError(f"{path.name} の文字コードを判別できないため保存しません(行を失わないため)。")
            current, _ = _parse(text, path.name)
        else:
            current = empty_coding()
        new = change(current)
        _write_atomic(path, new)
        return new


def _key(df: pd.DataFrame) -> pd.Series:
    return df["segment_id"] + "\x1f" + df["code"] + "\x1f" + df["coder"]


def save_coding(path: Path, rows: Any, *, remove: Iterable[tuple[str, str, str]] = ()) -> pd.DataFrame:
    """Add or update ``rows`` (frame or dicts with segment_id, code, coder[, note]) in coding.csv.

    Existing rows keep their place (a re-saved row gets the new note); new rows are appended.
    ``remove`` lists (segment_id, code, coder) keys to delete: the un-ticking of a code by
    that coder; nothing else is ever removed. Atomic and locked (see the module docstring).
    """
    new = _rows_frame(rows)
    drop = {"\x1f".join(map(str, k)) for k in remove}

    def change(current: pd.DataFrame) -> pd.DataFrame:
        for col in new.columns:
            if col not in current.columns:
                current[col] = ""
        keys = _key(current)
        keep = current[~keys.isin(drop)]
        if new.empty:
            return keep.reset_index(drop=True)
        new_keys = _key(new)
        known = _key(keep)
        updated = keep.set_index(known)
        incoming = new.set_index(new_keys)
        both = incoming.index.intersection(updated.index)
        for col in incoming.columns:
            if col in updated.columns:
                updated.loc[both, col] = incoming.loc[both, col]
        added = incoming[~incoming.index.isin(updated.index)].reindex(columns=updated.columns, fill_value="")
        return pd.concat([updated, added]).reset_index(drop=True)

    return update_coding(path, change)


def set_segment_codes(path: Path, segment_id: str, coder: str, codes: Iterable[str],
                      note: str = "") -> pd.DataFrame:
    """Record one coder's full decision for one segment: exactly ``codes`` stay ticked.

    Rows of other coders and other segments are untouched; this coder's codes on this segment
    that are not in ``codes`` are removed (un-ticked).
    """
    codes = list(dict.fromkeys(str(c) for c in codes))
    segment_id, coder = str(segment_id).strip(), str(coder).strip()
    if not coder:
        raise ValueError("コーダー名を入れてください")
    rows = [{"segment_id": segment_id, "code": c, "coder": coder, "note": note} for c in codes]

    def change(current: pd.DataFrame) -> pd.DataFrame:
        mine = (current["segment_id"] == segment_id) & (current["coder"] == coder)
        gone = mine & ~current["code"].isin(codes)
        current = current[~gone]
        have = set(current.loc[mine[~gone], "code"])
        if note:
            current = current.copy()
            current.loc[mine[~gone], "note"] = note
        add = pd.DataFrame([r for r in rows if r["code"] not in have])
        if add.empty:
            return current.reset_index(drop=True)
        return pd.concat([current, add.reindex(columns=current.columns, fill_value="")]).reset_index(drop=True)

    return update_coding(path, change)


def validate_coding(coding: pd.DataFrame, segments: pd.DataFrame, codebook: pd.DataFrame,
                    file: str = "coding.csv") -> list[Problem]:
    """Warnings for coding rows whose segment or code is unknown (e.g. after re-cutting a file)."""
    problems = []
    seg_ids = set(segments["segment_id"].astype(str))
    codes = set(codebook["code"].astype(str))
    bad_seg = sorted(set(coding["segment_id"]) - seg_ids)
    if bad_seg:
        problems.append(Problem(file, f"インタビューにないセグメントIDが{len(bad_seg)}件あります: "
                                + "、".join(bad_seg[:5]) + ("…" if len(bad_seg) > 5 else ""),
                                column="segment_id", level="warning"))
    bad_code = sorted(set(coding["code"]) - codes)
    if bad_code:
        problems.append(Problem(file, "コードブックにないコードがあります: " + "、".join(bad_code[:5]),
                                column="code", level="warning"))
    return problems

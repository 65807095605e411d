"""Workload analysis: where the department's hours go, who carries what, what breaks if someone leaves.

Every table is a plain function of a :class:`~gyomu.client.Client` returning a DataFrame with
English column names (Japanese labels are registered with :mod:`gyomu.labels`). The row-level
work (mapping 工数 rows onto members and tasks) is done once per client by :func:`prepare`
and cached, so a notebook or a benchmark that asks for every table pays for it once.

Definitions shared by all tables (see ../shared/spec/survey-format.md):

* a member *covers* a task when their row has hours > 0 or 役割 = 対応可;
* a task is *person-dependent* (属人化) when exactly one member covers it;
* マニュアル NaN means "not stated" and is never counted as 無;
* FTE = hours / client.yml capacity_hours; utilisation = hours / the member's capacity_hours.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import schema
from .client import Client

__all__ = [
    "Prepared",
    "prepare",
    "clear_cache",
]


# --------------------------------------------------------------------------------------------
# Row-level preparation (cached per client)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A client's 工数 rows as integer positions into its members and tasks.

    ``members`` / ``tasks`` are the client's frames with a fresh RangeIndex (plus a row for
    every ID that appears only in 工数, with blank attributes). Row arrays (one entry per 工数
    row): ``m`` member position, ``t`` task position, ``h`` hours, ``covers``. Pair arrays:
    ``pair_m`` / ``pair_t`` are the distinct (member, task) pairs where the member covers
    the task, sorted by member then task.
    """

    members: pd.DataFrame
    tasks: pd.DataFrame
    m: np.ndarray
    t: np.ndarray
    h: np.ndarray
    covers: np.ndarray
    pair_m: np.ndarray
    pair_t: np.ndarray
    task_hours: np.ndarray
    member_hours: np.ndarray
    n_cover: np.ndarray  #: distinct members covering each task
    total: float

    @property
    def n_members(self) -> int:
        return len(self.members)

    @property
    def n_tasks(self) -> int:
        return len(self.tasks)


_CACHE: dict[int, tuple] = {}
_CACHE_SIZE = 8


def clear_cache() -> None:
    """Forget every cached :func:`prepare` result (needed only after editing frames in place)."""
    _CACHE.clear()


def _positions(ids: pd.Series, frame: pd.DataFrame, key: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Positions of ``ids`` in ``frame[key]``; unknown IDs are appended to the frame."""
    frame = frame.drop_duplicates(key).reset_index(drop=True)
    index = pd.Index(frame[key].astype(str))
    values = ids.astype(str)
    pos = index.get_indexer(values)
    if (pos < 0).any():
        unknown = pd.unique(values[pos < 0])
        extra = pd.DataFrame({key: unknown})
        if key == "member_id" and "name" in frame.columns:
            extra["name"] = unknown
        frame = pd.concat([frame, extra], ignore_index=True)
        index = pd.Index(frame[key].astype(str))
        pos = index.get_indexer(values)
    return pos.astype(np.int64), frame


def prepare(client: Client) -> Prepared:
    """Map the client's 工数 rows onto its members and tasks (cached per client object).

    The cache is keyed by the identity of the client and of its three frames, so assigning a
    new frame to ``client.hours`` is picked up; after editing a frame *in place* call
    :func:`clear_cache`.
    """
    key = id(client)
    frames = (id(client.members), id(client.tasks), id(client.hours))
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is client and hit[1] == frames:
        return hit[2]
    hours = client.hours
    m, members = _positions(hours["member_id"], client.members, "member_id")
    t, tasks = _positions(hours["task_id"], client.tasks, "task_id")
    h = pd.to_numeric(hours["hours"]).fillna(0.0).to_numpy(dtype=float)
    if "role" in hours.columns:
        backup = hours["role"].eq("対応可").fillna(False).to_numpy(dtype=bool)
    else:
        backup = np.zeros(len(hours), dtype=bool)
    covers = (h > 0) | backup
    n_m, n_t = len(members), len(tasks)
    pair = unique_sorted(m[covers] * max(n_t, 1) + t[covers])
    pair_m, pair_t = pair // max(n_t, 1), pair % max(n_t, 1)
    task_hours = np.bincount(t, weights=h, minlength=n_t)
    member_hours = np.bincount(m, weights=h, minlength=n_m)
    n_cover = np.bincount(pair_t, minlength=n_t)
    prepared = Prepared(
        members=members, tasks=tasks, m=m, t=t, h=h, covers=covers,
        pair_m=pair_m, pair_t=pair_t, task_hours=task_hours, member_hours=member_hours,
        n_cover=n_cover, total=float(h.sum()),
    )
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (weakref.ref(client), frames, prepared)
    weakref.finalize(client, _CACHE.pop, key, None)
    return prepared


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort is much faster than numpy's hash
    path for a million keys)."""
    if len(values) == 0:
        return values.copy()
    a = np.sort(values, kind="stable")
    return a[np.concatenate(([True], a[1:] != a[:-1]))]


def _share(part: float | np.ndarray, total: float) -> float | np.ndarray:
    """part / total, or 0 where total is 0 (no division errors on empty surveys)."""
    if isinstance(part, np.ndarray):
        return part / total if total > 0 else np.zeros_like(part, dtype=float)
    return float(part) / total if total > 0 else 0.0


def _possibility_weight(values: pd.Series) -> np.ndarray:
    """可 → 1, 一部可 → 0.5, 不可 / blank → 0 (schema.POSSIBILITY_WEIGHT)."""
    return values.astype(object).map(schema.POSSIBILITY_WEIGHT).fillna(0.0).to_numpy(dtype=float)


def upper_grades(grades: list[str]) -> list[str]:
    """The upper half of the grade order (for an odd count the middle grade is not upper)."""
    n = len(grades)
    return list(grades[(n + 1) // 2:])


def lower_grades(grades: list[str]) -> list[str]:
    """The lower half of the grade order (for an odd count the middle grade is not lower)."""
    return list(grades[: len(grades) // 2])


def _ceil(x: float) -> int:
    return int(math.ceil(x - 1e-9))

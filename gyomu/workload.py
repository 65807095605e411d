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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import schema
from .client import Client
from .labels import register

__all__ = [
    "Prepared",
    "prepare",
    "clear_cache",
    "filter_client",
    "hours_by",
    "hours_by_grade",
    "hours_by_member",
    "hours_by_category",
    "hours_by_purpose",
    "hours_by_kind",
    "grade_category_hours",
    "member_category_hours",
    "utilization",
    "pareto",
    "task_spread",
    "person_dependent_tasks",
    "resignation_risk",
    "grade_difficulty_hours",
    "delegation",
    "potential_by_category",
    "all_tables",
    "describe_hours_by_grade",
    "describe_mix",
    "describe_utilization",
    "describe_pareto",
    "describe_spread",
    "describe_person_dependency",
    "describe_resignation_risk",
    "describe_delegation",
    "describe_potential",
]

MISSING = "(未記入)"  #: label of a blank attribute in grouped tables

register(
    {
        "share": "構成比",
        "fte": "FTE(人月換算)",
        "n_members": "人数",
        "n_tasks": "業務数",
        "utilization": "稼働率",
        "slack": "余力(時間/月)",
        "overloaded": "過負荷",
        "rank": "順位",
        "cum_share": "累積構成比",
        "top_group": "上位20%",
        "n_covering": "担当可能人数",
        "n_working": "実施人数",
        "top_member": "最大担当者",
        "top_share": "最大担当者の比率",
        "hhi": "集中度(HHI)",
        "members": "担当者",
        "documented": "マニュアル",
        "orphaned_tasks": "担当者不在になる業務数",
        "orphaned_hours": "担当者不在になる工数(時間/月)",
        "orphaned_share": "担当者不在になる工数の比率",
        "undocumented_hours": "うちマニュアル無(時間/月)",
        "tier": "等級区分",
        "delegable_hours": "委譲可能工数(時間/月)",
        "delegable_share": "権限委譲可能比率",
        "stretch_hours": "背伸び工数(時間/月)",
        "stretch_share": "背伸び比率",
        "remote_hours": "リモート可能工数(時間/月)",
        "remote_share": "リモート可能比率",
        "outsourceable_hours": "外部委託可能工数(時間/月)",
        "outsourceable_share": "外部委託可能比率",
        "routine_hours": "定型工数(時間/月)",
    }
)


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
    derived: dict = field(default_factory=dict, repr=False, compare=False)  #: cached results

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
    cache_key = id(client)
    frames = (id(client.members), id(client.tasks), id(client.hours))
    hit = _CACHE.get(cache_key)
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
    # one sort of the rows by (member, task) gives every distinct pair, its hours and cover flag
    pair_key = m * max(n_t, 1) + t
    order = np.argsort(pair_key)
    ks = pair_key[order]
    starts = np.flatnonzero(np.concatenate(([True], ks[1:] != ks[:-1]))) if len(ks) else np.zeros(0, np.int64)
    uniq = ks[starts]
    all_m, all_t = uniq // max(n_t, 1), uniq % max(n_t, 1)
    if len(ks):
        all_h = np.add.reduceat(h[order], starts)
        all_cover = np.logical_or.reduceat(covers[order], starts)
    else:
        all_h, all_cover = np.zeros(0), np.zeros(0, dtype=bool)
    pair_m, pair_t = all_m[all_cover], all_t[all_cover]
    task_hours = np.bincount(t, weights=h, minlength=n_t)
    member_hours = np.bincount(m, weights=h, minlength=n_m)
    n_cover = np.bincount(pair_t, minlength=n_t)
    prepared = Prepared(
        members=members, tasks=tasks, m=m, t=t, h=h, covers=covers,
        pair_m=pair_m, pair_t=pair_t, task_hours=task_hours, member_hours=member_hours,
        n_cover=n_cover, total=float(h.sum()),
    )
    working = all_h > 0
    prepared.derived["pair_hours"] = (all_m[working], all_t[working], all_h[working])
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[cache_key] = (weakref.ref(client), frames, prepared)
    weakref.finalize(client, _CACHE.pop, cache_key, None)
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


# --------------------------------------------------------------------------------------------
# Filtering
# --------------------------------------------------------------------------------------------


def filter_client(
    client: Client,
    *,
    teams: list[str] | tuple[str, ...] | None = None,
    grades: list[str] | tuple[str, ...] | None = None,
    categories: list[str] | tuple[str, ...] | None = None,
) -> Client:
    """A copy of ``client`` restricted to members of ``teams`` / ``grades`` and tasks of
    ``categories`` (None or empty = no restriction); 工数 rows follow both. When members are
    restricted, only the tasks those members cover are kept (a team's view of its own work)."""
    import dataclasses

    members, tasks = client.members, client.tasks
    if teams:
        members = members[members["team"].astype(object).isin(list(teams))]
    if grades:
        members = members[members["grade"].astype(object).isin(list(grades))]
    if categories:
        tasks = tasks[tasks["category"].astype(object).isin(list(categories))]
    hours = client.hours
    keep = hours["member_id"].isin(members["member_id"]) & hours["task_id"].isin(tasks["task_id"])
    hours = hours[keep]
    if teams or grades:
        covering = (pd.to_numeric(hours["hours"]).fillna(0) > 0) | hours["role"].eq("対応可").fillna(False)
        tasks = tasks[tasks["task_id"].isin(hours.loc[covering, "task_id"])]
        hours = hours[hours["task_id"].isin(tasks["task_id"])]
    return dataclasses.replace(
        client,
        members=members.reset_index(drop=True),
        tasks=tasks.reset_index(drop=True),
        hours=hours.reset_index(drop=True),
    )


# --------------------------------------------------------------------------------------------
# Hours, share and FTE by an attribute
# --------------------------------------------------------------------------------------------

_MEMBER_ATTRS = ("grade", "team", "employment")
_TASK_ATTRS = ("category", "subcategory", "purpose", "kind", "difficulty", "remote", "outsourcing",
               "frequency", "manual")


def _labels_of(values: pd.Series) -> tuple[pd.Series, list]:
    """Group labels (blank → MISSING) and their display order (categorical order if any)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        order = [c for c in values.cat.categories]
    else:
        order = []
    labels = values.astype(object).where(values.notna(), MISSING)
    return labels, order


def _fte(hours: np.ndarray | pd.Series, client: Client):
    cap = float(client.config.capacity_hours)
    return hours / cap if cap > 0 else hours * 0.0


def hours_by(client: Client, by: str) -> pd.DataFrame:
    """Hours, share of the total and FTE per value of ``by``.

    ``by`` is a member attribute (grade, team, employment; with ``n_members``, every member
    counted, also those without hours), a task attribute (category, purpose, kind,
    difficulty, remote, outsourcing, frequency, manual …; with ``n_tasks``) or "member"
    (see :func:`hours_by_member`). Ordered attributes keep their order (grade junior to
    senior); others are sorted by hours, largest first. Blank values are grouped as
    (未記入). The hours sum to the department's total.
    """
    if by == "member":
        return hours_by_member(client)
    p = prepare(client)
    if by in _MEMBER_ATTRS or (by in p.members.columns and by not in p.tasks.columns):
        labels, order = _labels_of(p.members[by])
        frame = pd.DataFrame({by: labels, "hours": p.member_hours})
        count = "n_members"
    elif by in p.tasks.columns:
        labels, order = _labels_of(p.tasks[by])
        frame = pd.DataFrame({by: labels, "hours": p.task_hours})
        count = "n_tasks"
    else:
        raise KeyError(f"hours_by: 不明な列 {by!r}")
    g = frame.groupby(by, sort=False)
    out = pd.DataFrame({"hours": g["hours"].sum(), count: g.size()})
    if order:
        present = [c for c in order if c in out.index]
        rest = [c for c in out.index if c not in set(order)]
        out = out.reindex(present + rest)
        out = out.loc[[c for c in out.index if not (c == MISSING and out.loc[c, count] == 0)]]
    else:
        out = out.sort_values("hours", ascending=False, kind="stable")
    out["share"] = _share(out["hours"].to_numpy(dtype=float), p.total)
    out["fte"] = _fte(out["hours"], client)
    out.index.name = by
    return out[["hours", "share", "fte", count]]


def hours_by_grade(client: Client) -> pd.DataFrame:
    """Hours, share, FTE and number of members per grade (client.yml order, junior first)."""
    out = hours_by(client, "grade")
    grades = [g for g in client.config.grades]
    extra = [g for g in out.index if g not in grades]
    out = out.reindex(grades + extra)
    out["n_members"] = out["n_members"].fillna(0).astype(int)
    return out.fillna(0.0)


def hours_by_category(client: Client) -> pd.DataFrame:
    """Hours, share, FTE and number of tasks per 大分類, largest first."""
    return hours_by(client, "category")


def hours_by_purpose(client: Client) -> pd.DataFrame:
    """Hours, share, FTE and number of tasks per 目的, largest first."""
    return hours_by(client, "purpose")


def hours_by_kind(client: Client) -> pd.DataFrame:
    """Hours, share, FTE and number of tasks per 業務種別 (定型, 非定型, 突発)."""
    return hours_by(client, "kind")


def hours_by_member(client: Client) -> pd.DataFrame:
    """Per member: name, grade, team, hours, share of the total, FTE and number of tasks
    with hours; largest first."""
    p = prepare(client)
    n_tasks = _pair_counts(p)
    out = pd.DataFrame(
        {
            "member_id": p.members["member_id"].astype(str),
            "name": p.members["name"].astype(object),
            "grade": p.members["grade"].astype(object),
            "team": p.members["team"].astype(object) if "team" in p.members else None,
            "hours": p.member_hours,
            "share": _share(p.member_hours, p.total),
            "fte": _fte(p.member_hours, client),
            "n_tasks": n_tasks,
        }
    )
    return out.sort_values(["hours", "member_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _pair_hours(p: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (member, task) pairs with hours > 0 and their summed hours, sorted by member
    then task: (pair_m, pair_t, hours). Computed by :func:`prepare`."""
    return p.derived["pair_hours"]


def _pair_counts(p: Prepared) -> np.ndarray:
    """Number of tasks with hours per member."""
    pm, _, _ = _pair_hours(p)
    return np.bincount(pm, minlength=p.n_members)


def _wide(values: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    flat = np.bincount(rows * n_cols + cols, weights=values, minlength=n_rows * n_cols)
    return flat.reshape(n_rows, n_cols)


def grade_category_hours(client: Client) -> pd.DataFrame:
    """Hours per grade (rows, junior first) and 大分類 (columns, largest first)."""
    p = prepare(client)
    grades, g_order = _labels_of(p.members["grade"])
    cats = hours_by_category(client).index.tolist()
    g_list = [g for g in client.config.grades] + [g for g in pd.unique(grades) if g not in client.config.grades]
    g_pos = pd.Index(g_list).get_indexer(grades)
    c_pos = pd.Index(cats).get_indexer(_labels_of(p.tasks["category"])[0])
    table = _wide(p.h, g_pos[p.m], c_pos[p.t], len(g_list), len(cats))
    out = pd.DataFrame(table, index=pd.Index(g_list, name="grade"), columns=pd.Index(cats, name="category"))
    return out


def member_category_hours(client: Client) -> pd.DataFrame:
    """Hours per member (rows: name, most hours first) and 大分類 (columns, largest first)."""
    p = prepare(client)
    cats = hours_by_category(client).index.tolist()
    c_pos = pd.Index(cats).get_indexer(_labels_of(p.tasks["category"])[0])
    table = _wide(p.h, p.m, c_pos[p.t], p.n_members, len(cats))
    names = p.members["name"].astype(object).fillna(p.members["member_id"].astype(object))
    out = pd.DataFrame(table, index=pd.Index(names, name="name"), columns=pd.Index(cats, name="category"))
    order = np.lexsort((p.members["member_id"].astype(str).to_numpy(), -p.member_hours))
    return out.iloc[order]


# --------------------------------------------------------------------------------------------
# Utilisation, Pareto, spread, dependency, resignation risk
# --------------------------------------------------------------------------------------------


def utilization(client: Client) -> pd.DataFrame:
    """Per member: hours against capacity hours, utilisation, slack and whether overloaded
    (hours above capacity), highest utilisation first. Utilisation is NaN without capacity."""
    p = prepare(client)
    capacity = pd.to_numeric(p.members["capacity_hours"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, p.member_hours / capacity, np.nan)
    out = pd.DataFrame(
        {
            "member_id": p.members["member_id"].astype(str),
            "name": p.members["name"].astype(object),
            "grade": p.members["grade"].astype(object),
            "team": p.members["team"].astype(object) if "team" in p.members else None,
            "hours": p.member_hours,
            "capacity_hours": capacity,
            "utilization": util,
            "slack": capacity - p.member_hours,
            "overloaded": p.member_hours > np.nan_to_num(capacity, nan=np.inf),
        }
    )
    return out.sort_values(["utilization", "member_id"], ascending=[False, True], kind="stable",
                           na_position="last").reset_index(drop=True)


def pareto(client: Client, *, top_fraction: float = 0.2) -> pd.DataFrame:
    """Tasks by hours, largest first, with share and cumulative share of the total.

    ``top_group`` marks the first ceil(top_fraction × number of tasks) tasks.
    """
    p = prepare(client)
    out = pd.DataFrame(
        {
            "task_id": p.tasks["task_id"].astype(str),
            "task": p.tasks["task"].astype(object),
            "category": p.tasks["category"].astype(object),
            "hours": p.task_hours,
        }
    )
    out = out.sort_values(["hours", "task_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out["share"] = _share(out["hours"].to_numpy(dtype=float), p.total)
    out["cum_share"] = np.cumsum(out["share"].to_numpy())
    out["top_group"] = out["rank"] <= _ceil(top_fraction * len(out))
    return out


def task_spread(client: Client) -> pd.DataFrame:
    """Per task: members covering it, members with hours, the top member and their share of
    the task's hours, and the HHI of the members' hours (1 = one person does it all);
    largest tasks first. top_share and hhi are NaN for tasks without hours."""
    p = prepare(client)
    pm, pt, ph = _pair_hours(p)
    n_t = p.n_tasks
    n_working = np.bincount(pt, minlength=n_t)
    th = p.task_hours
    with np.errstate(divide="ignore", invalid="ignore"):
        share = ph / th[pt]
    hhi = np.bincount(pt, weights=share**2, minlength=n_t)
    # the top member per task: most hours, ties to the member listed first
    top_hours = np.zeros(n_t)
    np.maximum.at(top_hours, pt, ph)
    best = ph >= top_hours[pt]
    top_member = np.full(n_t, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(top_member, pt[best], pm[best])
    top_member[top_member == np.iinfo(np.int64).max] = -1
    names = p.members["name"].astype(object).to_numpy()
    has = th > 0
    out = pd.DataFrame(
        {
            "task_id": p.tasks["task_id"].astype(str),
            "task": p.tasks["task"].astype(object),
            "category": p.tasks["category"].astype(object),
            "hours": th,
            "n_covering": p.n_cover,
            "n_working": n_working,
            "top_member": np.where(top_member >= 0, names[np.maximum(top_member, 0)], None),
            "top_share": np.where(has, top_hours / np.where(has, th, 1.0), np.nan),
            "hhi": np.where(has, hhi, np.nan),
        }
    )
    return out.sort_values(["hours", "task_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _documented(manual: pd.Series) -> pd.Series:
    return manual.astype(object).map({"有": "有", "無": "無"}).fillna("不明")


def person_dependent_tasks(client: Client, *, max_coverers: int = 1) -> pd.DataFrame:
    """Tasks covered by at least one and at most ``max_coverers`` members (1 = the spec's
    属人化: exactly one), with hours, share of the total, who covers them and whether they are
    documented (有 / 無 / 不明 when マニュアル is blank); largest first."""
    p = prepare(client)
    n = p.n_cover
    selected = np.flatnonzero((n >= 1) & (n <= max_coverers))
    names = p.members["name"].astype(object).to_numpy()
    sel_mask = np.zeros(p.n_tasks, dtype=bool)
    sel_mask[selected] = True
    pairs = sel_mask[p.pair_t]
    who: dict[int, list[str]] = {}
    for t, m in zip(p.pair_t[pairs].tolist(), p.pair_m[pairs].tolist(), strict=True):
        who.setdefault(t, []).append(str(names[m]))
    tasks = p.tasks.iloc[selected]
    out = pd.DataFrame(
        {
            "task_id": tasks["task_id"].astype(str).to_numpy(),
            "task": tasks["task"].astype(object).to_numpy(),
            "category": tasks["category"].astype(object).to_numpy(),
            "hours": p.task_hours[selected],
            "share": _share(p.task_hours[selected], p.total),
            "n_covering": n[selected],
            "members": ["、".join(who.get(t, [])) for t in selected.tolist()],
            "documented": _documented(tasks["manual"]).to_numpy(),
        }
    )
    return out.sort_values(["hours", "task_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def resignation_risk(client: Client) -> pd.DataFrame:
    """Per member: if they left, the tasks nobody would cover any more (those they alone
    cover), their hours and share of the total, and how much of that is undocumented
    (マニュアル 無); most hours at risk first."""
    p = prepare(client)
    sole = p.n_cover[p.pair_t] == 1
    sm, st = p.pair_m[sole], p.pair_t[sole]
    undocumented = (p.tasks["manual"].astype(object) == "無").to_numpy()
    n_m = p.n_members
    orphaned_hours = np.bincount(sm, weights=p.task_hours[st], minlength=n_m)
    out = pd.DataFrame(
        {
            "member_id": p.members["member_id"].astype(str),
            "name": p.members["name"].astype(object),
            "grade": p.members["grade"].astype(object),
            "hours": p.member_hours,
            "orphaned_tasks": np.bincount(sm, minlength=n_m),
            "orphaned_hours": orphaned_hours,
            "orphaned_share": _share(orphaned_hours, p.total),
            "undocumented_hours": np.bincount(sm, weights=p.task_hours[st] * undocumented[st], minlength=n_m),
        }
    )
    return out.sort_values(["orphaned_hours", "member_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Grade x difficulty, delegation, remote / outsourcing potential
# --------------------------------------------------------------------------------------------


def grade_difficulty_hours(client: Client) -> pd.DataFrame:
    """Hours per grade (rows, junior first) and 難易度 1–5 (columns)."""
    p = prepare(client)
    grades = list(client.config.grades)
    g_pos = pd.Index(grades).get_indexer(p.members["grade"].astype(object))
    diff = pd.to_numeric(p.tasks["difficulty"].astype(object), errors="coerce").to_numpy()
    d_pos = np.where(np.isfinite(diff), diff - 1, -1).astype(np.int64)
    ok = (g_pos[p.m] >= 0) & (d_pos[p.t] >= 0) & (d_pos[p.t] < 5)
    table = _wide(p.h[ok], g_pos[p.m][ok], d_pos[p.t][ok], len(grades), 5)
    return pd.DataFrame(table, index=pd.Index(grades, name="grade"),
                        columns=pd.Index(list(schema.DIFFICULTY), name="difficulty"))


def delegation(client: Client) -> pd.DataFrame:
    """Per grade: tier (上位 / 中位 / 下位), hours, delegable hours (upper grades on 難易度 ≤ 2,
    work that could move down) and stretch hours (lower grades on 難易度 ≥ 4), with their
    shares of the grade's hours. Upper and lower halves as in :func:`upper_grades` /
    :func:`lower_grades` (an odd count leaves the middle grade in 中位)."""
    matrix = grade_difficulty_hours(client)
    grades = list(client.config.grades)
    upper, lower = set(upper_grades(grades)), set(lower_grades(grades))
    hours = matrix.sum(axis=1)
    easy = matrix[[1, 2]].sum(axis=1)
    hard = matrix[[4, 5]].sum(axis=1)
    tier = ["上位" if g in upper else "下位" if g in lower else "中位" for g in grades]
    out = pd.DataFrame(
        {
            "tier": tier,
            "hours": hours,
            "delegable_hours": np.where([g in upper for g in grades], easy, 0.0),
            "stretch_hours": np.where([g in lower for g in grades], hard, 0.0),
        },
        index=matrix.index,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["delegable_share"] = np.where(out["hours"] > 0, out["delegable_hours"] / out["hours"], 0.0)
        out["stretch_share"] = np.where(out["hours"] > 0, out["stretch_hours"] / out["hours"], 0.0)
    return out


def potential_by_category(client: Client) -> pd.DataFrame:
    """Per 大分類: hours, remote-possible hours (可 + half of 一部可) and outsourceable hours
    (same rule), with their shares of the category's hours, and routine (定型) hours;
    largest category first. The weighted hours sum to the KPIs' numerators."""
    p = prepare(client)
    cats, _ = _labels_of(p.tasks["category"])
    th = p.task_hours
    frame = pd.DataFrame(
        {
            "category": cats,
            "hours": th,
            "remote_hours": th * _possibility_weight(p.tasks["remote"]),
            "outsourceable_hours": th * _possibility_weight(p.tasks["outsourcing"]),
            "routine_hours": th * (p.tasks["kind"].astype(object) == "定型").to_numpy(),
        }
    )
    out = frame.groupby("category", sort=False).sum()
    out = out.sort_values("hours", ascending=False, kind="stable")
    h = out["hours"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["remote_share"] = np.where(h > 0, out["remote_hours"] / h, 0.0)
        out["outsourceable_share"] = np.where(h > 0, out["outsourceable_hours"] / h, 0.0)
    return out[["hours", "remote_hours", "remote_share", "outsourceable_hours", "outsourceable_share",
                "routine_hours"]]


def all_tables(client: Client) -> dict[str, pd.DataFrame]:
    """Every workload table of this module, by name (what the notebook and benchmark use)."""
    return {
        "hours_by_grade": hours_by_grade(client),
        "hours_by_member": hours_by_member(client),
        "hours_by_category": hours_by_category(client),
        "hours_by_purpose": hours_by_purpose(client),
        "hours_by_kind": hours_by_kind(client),
        "grade_category_hours": grade_category_hours(client),
        "member_category_hours": member_category_hours(client),
        "utilization": utilization(client),
        "pareto": pareto(client),
        "task_spread": task_spread(client),
        "person_dependent_tasks": person_dependent_tasks(client),
        "resignation_risk": resignation_risk(client),
        "grade_difficulty_hours": grade_difficulty_hours(client),
        "delegation": delegation(client),
        "potential_by_category": potential_by_category(client),
    }


# --------------------------------------------------------------------------------------------
# Interpretation sentences, written from the numbers
# --------------------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x) >= 0.1 or x == 0 else f"{x:.1%}"


def describe_hours_by_grade(table: pd.DataFrame) -> str:
    """Sentences on :func:`hours_by_grade`: total, the grade carrying most hours, FTE."""
    total = float(table["hours"].sum())
    if total <= 0:
        return "工数の記入がありません。"
    top = table["hours"].idxmax()
    row = table.loc[top]
    per = row["hours"] / row["n_members"] if row["n_members"] else 0.0
    return (
        f"総工数は月{total:,.0f}時間(FTE {table['fte'].sum():.1f}人)です。"
        f"最も工数が多い等級は{top}で、{int(row['n_members'])}人で月{row['hours']:,.0f}時間"
        f"(全体の{_pct(row['share'])}、1人あたり{per:,.0f}時間)を担っています。"
    )


def describe_utilization(table: pd.DataFrame) -> str:
    """Sentences on :func:`utilization`: the most loaded member and who is over capacity."""
    valid = table.dropna(subset=["utilization"])
    if valid.empty:
        return "月間所定時間が分かるメンバーがいません。"
    top = valid.iloc[0]
    over = valid[valid["overloaded"]]
    text = f"稼働率が最も高いのは{top['name']}({_pct(top['utilization'])}、月{top['hours']:,.0f}時間)です。"
    if len(over):
        text += (
            f"所定時間を超えているメンバーは{len(over)}人で、超過は合計月{-over['slack'].sum():,.0f}時間です。"
        )
    else:
        text += "所定時間を超えているメンバーはいません。"
    low = valid[valid["utilization"] < 0.5]
    if len(low):
        text += f"稼働率50%未満のメンバーが{len(low)}人おり、業務の再配分の余地があります。"
    return text


def describe_pareto(table: pd.DataFrame, top_fraction: float = 0.2) -> str:
    """Sentences on :func:`pareto`, e.g. 「工数上位20%の業務(9件)が全体の63%を占めます。」

    ``top_fraction`` is the one the table was made with (its ``top_group`` column)."""
    n = len(table)
    total = float(table["hours"].sum())
    if n == 0 or total <= 0:
        return "工数の記入がある業務がありません。"
    top = table[table["top_group"]]
    k = len(top)
    share = float(top["share"].sum())
    half = int(np.searchsorted(table["cum_share"].to_numpy(), 0.5 - 1e-12) + 1)
    first = table.iloc[0]
    return (
        f"工数上位{top_fraction:.0%}の業務({k}件)が全体の{_pct(share)}を占めます。"
        f"全体の半分の工数は上位{half}件の業務に集中しており、最大の業務は「{first['task']}」"
        f"(月{first['hours']:,.0f}時間、{_pct(first['share'])})です。"
    )


def describe_spread(table: pd.DataFrame) -> str:
    """Sentences on :func:`task_spread`: how many tasks one person does alone or nearly alone."""
    has = table[table["hours"] > 0]
    if has.empty:
        return "工数の記入がある業務がありません。"
    single = has[has["n_working"] == 1]
    concentrated = has[has["top_share"] >= 0.8]
    spread = has[has["n_working"] >= 3]
    return (
        f"工数のある{len(has)}業務のうち、1人だけが実施している業務は{len(single)}件、"
        f"最大担当者が8割以上を担う業務は{len(concentrated)}件です。"
        f"3人以上で分担している業務は{len(spread)}件(月{spread['hours'].sum():,.0f}時間)で、集約の候補になります。"
    )


def describe_person_dependency(table: pd.DataFrame, total_hours: float) -> str:
    """Sentences on :func:`person_dependent_tasks` (``total_hours``: the department's total)."""
    if table.empty:
        return "担当できる人が1人しかいない業務はありません。"
    hours = float(table["hours"].sum())
    undocumented = table[table["documented"] == "無"]
    unknown = table[table["documented"] == "不明"]
    text = (
        f"属人化業務は{len(table)}件、月{hours:,.0f}時間で、総工数の{_pct(_share(hours, total_hours))}にあたります。"
        f"そのうちマニュアルが無い業務は{len(undocumented)}件(月{undocumented['hours'].sum():,.0f}時間)です。"
    )
    if len(unknown):
        text += f"マニュアルの有無が未記入の業務が{len(unknown)}件あり、確認が必要です。"
    return text


def describe_resignation_risk(table: pd.DataFrame) -> str:
    """Sentences on :func:`resignation_risk`: who would leave the most work uncovered."""
    at_risk = table[table["orphaned_hours"] > 0]
    if at_risk.empty:
        return "誰が抜けても、担当者不在になる業務はありません。"
    top = at_risk.iloc[0]
    return (
        f"{len(at_risk)}人のメンバーが、抜けると担当者不在になる業務を抱えています。"
        f"最も影響が大きいのは{top['name']}で、{int(top['orphaned_tasks'])}業務・月{top['orphaned_hours']:,.0f}時間"
        f"(総工数の{_pct(top['orphaned_share'])})が止まり、うちマニュアル無しは月{top['undocumented_hours']:,.0f}時間です。"
    )


def describe_delegation(table: pd.DataFrame) -> str:
    """Sentences on :func:`delegation`: hours upper grades could hand down, and stretch work."""
    total = float(table["hours"].sum())
    if total <= 0:
        return "工数の記入がありません。"
    delegable = float(table["delegable_hours"].sum())
    stretch = float(table["stretch_hours"].sum())
    return (
        f"上位等級が難易度2以下の業務にかけている工数は月{delegable:,.0f}時間(総工数の{_pct(delegable / total)})で、"
        f"下位等級への委譲の候補です。"
        f"一方、下位等級が難易度4以上の業務にかけている工数は月{stretch:,.0f}時間で、育成の機会か負担の偏りかを確認します。"
    )


def describe_potential(table: pd.DataFrame) -> str:
    """Sentences on :func:`potential_by_category`: remote and outsourcing potential."""
    total = float(table["hours"].sum())
    if total <= 0:
        return "工数の記入がありません。"
    remote = float(table["remote_hours"].sum())
    out = float(table["outsourceable_hours"].sum())
    best = table["outsourceable_hours"].idxmax()
    return (
        f"リモートで実施できる工数は月{remote:,.0f}時間({_pct(remote / total)})、"
        f"外部委託できる工数は月{out:,.0f}時間({_pct(out / total)})です。"
        f"外部委託の余地が最も大きい大分類は{best}(月{table.loc[best, 'outsourceable_hours']:,.0f}時間)です。"
    )


def describe_mix(by_category: pd.DataFrame, by_purpose: pd.DataFrame, by_kind: pd.DataFrame) -> str:
    """Sentences on the mix of work: the largest 大分類, the 目的 split and the 業務種別 split."""
    if by_category["hours"].sum() <= 0:
        return "工数の記入がありません。"
    top = by_category.index[0]
    purpose = "、".join(f"{k}{_pct(v)}" for k, v in by_purpose["share"].items())
    kind = "、".join(f"{k}{_pct(v)}" for k, v in by_kind["share"].items() if v > 0)
    return (
        f"大分類では「{top}」が月{by_category['hours'].iloc[0]:,.0f}時間(全体の{_pct(by_category['share'].iloc[0])})で最も大きく、"
        f"上位3分類で全体の{_pct(by_category['share'].head(3).sum())}を占めます。"
        f"目的別には{purpose}、業務種別では{kind}です。"
    )

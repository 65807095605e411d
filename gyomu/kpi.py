"""The KPIs of the survey contract (../shared/spec/survey-format.md, "KPI definitions").

:func:`kpis` returns exactly the keys of ``schema.KPI_KEYS``; :func:`kpi_table` shows them with
their Japanese names and the definition the report documents. Shares are of the department's
total monthly hours; on a survey with no hours every share is 0.0 and the truck factor is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema
from .client import Client
from .labels import register
from .workload import Prepared, _possibility_weight, _share, prepare, upper_grades

__all__ = ["kpis", "kpi_table", "truck_factor", "truck_factor_order", "KPI_DEFINITIONS"]

#: The definition of each KPI in Japanese, as the report documents it.
KPI_DEFINITIONS: dict[str, str] = {
    "total_hours": "工数シートの月間工数の合計(回数×1回あたり時間を時間に換算して合算)",
    "fte": "総工数を client.yml の月間所定時間で割った人数換算",
    "strategic_share": "目的が client.yml の strategic_purposes に含まれる業務の工数 ÷ 総工数",
    "routine_share": "業務種別が「定型」の業務の工数 ÷ 総工数",
    "adhoc_share": "業務種別が「突発」の業務の工数 ÷ 総工数",
    "remote_share": "(リモート「可」の工数 + 「一部可」の工数の半分) ÷ 総工数",
    "outsourceable_share": "(外部委託「可」の工数 + 「一部可」の工数の半分) ÷ 総工数",
    "person_dependent_share": (
        "担当できるメンバーがちょうど1人の業務(属人化業務)の工数 ÷ 総工数。"
        "工数が0より大きいか、役割が「対応可」のメンバーを担当できる人と数える"
    ),
    "undocumented_dependent_share": "属人化業務のうちマニュアルが「無」の業務の工数 ÷ 総工数(未記入は含めない)",
    "delegable_share": (
        "等級順の上位半分(奇数個なら中央の等級は含めない)のメンバーが難易度2以下の業務にかける工数 ÷ 総工数"
    ),
    "max_utilization": "メンバーごとの工数 ÷ そのメンバーの月間所定時間 の最大値",
    "overloaded_members": "工数が月間所定時間を超えるメンバーの人数",
    "truck_factor": (
        "負荷の最も大きいメンバーから1人ずつ抜けていき、誰も担当できなくなった業務の工数が"
        "総工数の半分を超えるまでに抜けた人数。負荷は、そのメンバーが担当できる業務それぞれの工数を"
        "残っている担当可能者数で割った値の合計(同点はメンバーIDの小さい順)"
    ),
}

_UNITS = {"total_hours": "時間/月", "fte": "人", "overloaded_members": "人", "truck_factor": "人"}

register(
    {
        "kpi": "KPI",
        "label": "指標",
        "value": "値",
        "unit": "単位",
        "direction": "目標の方向",
        "definition": "定義",
    }
)


# --------------------------------------------------------------------------------------------
# Truck factor
# --------------------------------------------------------------------------------------------


def _truck_factor(p: Prepared, *, record: bool = False) -> tuple[int, list[int]]:
    """Greedy truck factor on prepared arrays; returns (count, member positions in leave order).

    Incremental: each member's load is kept in an array. When a member leaves, only the tasks
    they covered change (their remaining coverers' share of the task grows from h/n to
    h/(n-1)), so only those coverers' loads are updated, never the whole survey. The coverer
    lists are compacted when more than half of their entries belong to members who left.
    """
    total = p.total
    n_m, n_t = p.n_members, p.n_tasks
    if total <= 0 or n_m == 0:
        return 0, []
    # Members re-indexed in メンバーID order, so the smallest index wins a tie.
    member_ids = p.members["member_id"].astype(str).to_numpy()
    order = np.argsort(member_ids, kind="stable")
    rank = np.empty(n_m, dtype=np.int64)
    rank[order] = np.arange(n_m)
    pm = rank[p.pair_m]
    pt = p.pair_t
    h = p.task_hours
    n = p.n_cover.astype(np.int64).copy()
    # member -> tasks (CSR)
    by_m = np.argsort(pm, kind="stable")
    m_tasks = pt[by_m]
    m_ptr = np.zeros(n_m + 1, dtype=np.int64)
    np.cumsum(np.bincount(pm, minlength=n_m), out=m_ptr[1:])
    alive = np.ones(n_m, dtype=bool)

    def build(pm_live: np.ndarray, pt_live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        by_t = np.argsort(pt_live, kind="stable")
        ptr = np.zeros(n_t + 1, dtype=np.int64)
        np.cumsum(np.bincount(pt_live, minlength=n_t), out=ptr[1:])
        return pm_live[by_t], ptr

    t_members, t_ptr = build(pm, pt)
    stored, dead_edges = len(pm), 0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, h / np.maximum(n, 1), 0.0)
    loads = np.bincount(pm, weights=share[pt], minlength=n_m)
    half = total / 2.0
    eps = 1e-9 * total
    orphaned, count, left = 0.0, 0, []
    while orphaned - half <= eps and count < n_m:
        best = float(loads.max())
        tol = 1e-9 * max(abs(best), 1.0)
        who = int(np.flatnonzero(loads >= best - tol)[0])
        loads[who] = -np.inf
        alive[who] = False
        count += 1
        if record:
            left.append(who)
        tasks = m_tasks[m_ptr[who]:m_ptr[who + 1]]
        if len(tasks) == 0:
            continue
        old = n[tasks]
        new = old - 1
        n[tasks] = new
        dead_edges += int(len(tasks))  # this member's entries in the coverer lists
        hs = h[tasks]
        orphaned += float(hs[new == 0].sum())
        keep = new > 0
        if not keep.any():
            continue
        tasks, old, new, hs = tasks[keep], old[keep], new[keep], hs[keep]
        delta = hs / new - hs / old
        starts, ends = t_ptr[tasks], t_ptr[tasks + 1]
        lens = ends - starts
        size = int(lens.sum())
        offsets = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(size)
        members = t_members[offsets]
        weights = np.repeat(delta, lens)
        if size * 4 < n_m:
            np.add.at(loads, members, weights)
        else:
            loads += np.bincount(members, weights=weights, minlength=n_m)
        if dead_edges * 2 > stored:
            live = alive[pm]
            t_members, t_ptr = build(pm[live], pt[live])
            stored, dead_edges = int(live.sum()), 0
            # refresh the loads exactly, so rounding never accumulates
            share = np.where(n > 0, h / np.maximum(n, 1), 0.0)
            fresh = np.bincount(pm[live], weights=share[pt[live]], minlength=n_m)
            loads = np.where(alive, fresh, -np.inf)
    return count, [int(order[i]) for i in left]


def truck_factor(client: Client) -> int:
    """The truck factor of the spec: how many members can leave, the most loaded first,
    before more than half of the total hours sit on tasks nobody covers any more.

    A member's load is the sum, over the tasks they cover that are still covered, of the
    task's hours divided by the number of remaining members covering it; ties go to the
    smallest メンバーID (greedy, after Avelino et al. 2016, weighted by hours). Computed
    incrementally (see ``_truck_factor``). 0 when the survey has no hours.
    """
    return _truck_factor(prepare(client))[0]


def truck_factor_order(client: Client) -> pd.DataFrame:
    """The members in the order the truck-factor greedy lets them leave (for explanation)."""
    p = prepare(client)
    count, left = _truck_factor(p, record=True)
    out = p.members.iloc[left][["member_id", "name"]].reset_index(drop=True)
    out.insert(0, "step", np.arange(1, len(out) + 1))
    return out


# --------------------------------------------------------------------------------------------
# KPIs
# --------------------------------------------------------------------------------------------


def kpis(client: Client) -> dict[str, float | int]:
    """Every KPI of the spec's KPI table, keyed exactly as ``schema.KPI_KEYS``.

    See :data:`KPI_DEFINITIONS` for each definition. Shares are 0.0 when there are no hours;
    members without capacity hours are left out of ``max_utilization``.
    """
    p = prepare(client)
    tasks = p.tasks
    th = p.task_hours
    total = p.total
    purpose = tasks["purpose"].astype(object) if "purpose" in tasks else pd.Series(index=tasks.index)
    strategic = purpose.isin(list(client.config.strategic_purposes)).to_numpy()
    kind = tasks["kind"].astype(object)
    routine = (kind == "定型").to_numpy()
    adhoc = (kind == "突発").to_numpy()
    remote = _possibility_weight(tasks["remote"])
    outsource = _possibility_weight(tasks["outsourcing"])
    dependent = p.n_cover == 1
    undocumented = (tasks["manual"].astype(object) == "無").to_numpy()
    easy = (pd.to_numeric(tasks["difficulty"].astype(object), errors="coerce") <= 2).to_numpy()
    upper = p.members["grade"].astype(object).isin(upper_grades(client.config.grades)).to_numpy()
    delegable = float(p.h[upper[p.m] & easy[p.t]].sum())
    capacity = pd.to_numeric(p.members["capacity_hours"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(capacity > 0, p.member_hours / capacity, np.nan)
    max_util = float(np.nanmax(util)) if np.isfinite(util).any() else 0.0
    overloaded = int(np.sum(p.member_hours > np.nan_to_num(capacity, nan=np.inf)))
    cap = float(client.config.capacity_hours)
    values = {
        "total_hours": total,
        "fte": total / cap if cap > 0 else 0.0,
        "strategic_share": _share(th[strategic].sum(), total),
        "routine_share": _share(th[routine].sum(), total),
        "adhoc_share": _share(th[adhoc].sum(), total),
        "remote_share": _share((th * remote).sum(), total),
        "outsourceable_share": _share((th * outsource).sum(), total),
        "person_dependent_share": _share(th[dependent].sum(), total),
        "undocumented_dependent_share": _share(th[dependent & undocumented].sum(), total),
        "delegable_share": _share(delegable, total),
        "max_utilization": max_util,
        "overloaded_members": overloaded,
        "truck_factor": _truck_factor(p)[0],
    }
    return {k: (int(values[k]) if k in ("overloaded_members", "truck_factor") else float(values[k]))
            for k in schema.KPI_KEYS}


def format_kpi(key: str, value: float) -> str:
    """A KPI value as people read it: shares and utilisation in %, hours with a unit."""
    if key.endswith("_share") or key == "max_utilization":
        return f"{value:.1%}"
    if key in ("overloaded_members", "truck_factor"):
        return f"{int(value)}人"
    if key == "total_hours":
        return f"{value:,.1f}時間/月"
    return f"{value:,.2f}人"


def _direction_label(key: str) -> str:
    if key in ("total_hours", "fte"):
        return "—"
    return "高いほど良い" if schema.kpi_direction(key) == "at_least" else "低いほど良い"


def kpi_table(client: Client) -> pd.DataFrame:
    """The KPIs as a table: key, Japanese label, value, formatted value, goal direction, definition."""
    values = kpis(client)
    rows = []
    for key in schema.KPI_KEYS:
        rows.append(
            {
                "kpi": key,
                "label": schema.KPI_LABELS[key],
                "value": float(values[key]),
                "display": format_kpi(key, values[key]),
                "direction": _direction_label(key),
                "definition": KPI_DEFINITIONS[key],
            }
        )
    return pd.DataFrame(rows)


register({"display": "表示値"})

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

__all__ = ["kpis", "kpi_table", "describe_kpis", "truck_factor", "truck_factor_order", "describe_truck_factor",
           "KPI_DEFINITIONS"]

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
        "direction": "方向",
        "definition": "定義",
    }
)


# --------------------------------------------------------------------------------------------
# Truck factor
# --------------------------------------------------------------------------------------------


#: From this many (member, task) cover pairs on, the greedy loop runs compiled with numba
#: (imported only then, so small clients never pay for numba's start-up).
NUMBA_MIN_PAIRS = 50_000
_COMPILED: list = []


def _compiled_loop():
    """The numba-compiled :func:`_greedy_loop` (None when numba is not installed)."""
    if not _COMPILED:
        try:
            from numba import njit
        except ImportError:  # pragma: no cover - numba is a declared dependency
            _COMPILED.append(None)
        else:
            _COMPILED.append(njit(cache=True, nogil=True)(_greedy_loop))
    return _COMPILED[0]


def _greedy_loop(m_ptr, m_tasks, t_member, t_ptr, t_edge, epos, cnt, h, loads, total, order_out):
    """The greedy truck-factor loop over compact arrays (compiled with numba when available).

    ``m_ptr``/``m_tasks``: each member's covered tasks (edges in member order);
    ``t_ptr``/``t_edge``/``t_member``: each task's edges and their members, the first
    ``cnt[t]`` of which belong to members still present (kept compact by swapping a leaving
    member's edge behind them, ``epos`` = position of each edge in ``t_edge``); ``loads``:
    each member's current load (−inf once gone). Returns how many left.
    """
    n_m = loads.shape[0]
    shift = 6  # blocks of 64 members; block maxima make finding the largest load cheap
    size = 1 << shift
    n_b = (n_m + size - 1) >> shift
    block = np.full(n_b, -np.inf)
    for i in range(n_m):
        if loads[i] > block[i >> shift]:
            block[i >> shift] = loads[i]
    half = total / 2.0
    eps = 1e-9 * total
    orphaned = 0.0
    count = 0
    while orphaned - half <= eps and count < n_m:
        best = -np.inf
        for b in range(n_b):
            if block[b] > best:
                best = block[b]
        tol = 1e-9 * max(abs(best), 1.0)
        who = -1
        for b in range(n_b):  # first member (smallest ID) within the tolerance of the best
            if block[b] >= best - tol:
                for i in range(b * size, min(n_m, (b + 1) * size)):
                    if loads[i] >= best - tol:
                        who = i
                        break
                if who >= 0:
                    break
        loads[who] = -np.inf
        b = who >> shift
        top = -np.inf
        for i in range(b * size, min(n_m, (b + 1) * size)):
            if loads[i] > top:
                top = loads[i]
        block[b] = top
        order_out[count] = who
        count += 1
        for e in range(m_ptr[who], m_ptr[who + 1]):
            t = m_tasks[e]
            old = cnt[t]
            new = old - 1
            cnt[t] = new
            p = epos[e]
            last = t_ptr[t] + new
            other = t_edge[last]
            t_edge[p] = other
            t_member[p] = t_member[last]
            epos[other] = p
            t_edge[last] = e
            t_member[last] = who
            epos[e] = last
            if new == 0:
                orphaned += h[t]
            else:
                delta = h[t] / new - h[t] / old
                for q in range(t_ptr[t], last):
                    j = t_member[q]
                    value = loads[j] + delta
                    loads[j] = value
                    k = j >> shift
                    if value > block[k]:
                        block[k] = value
    return count


def _truck_factor(p: Prepared, *, record: bool = False, engine: str = "auto") -> tuple[int, list[int]]:
    """Greedy truck factor on prepared arrays; returns (count, member positions in leave order).

    Incremental: each member's load is kept in an array. When a member leaves, only the tasks
    they covered change (the remaining coverers' share of a task grows from h/n to h/(n−1)),
    so only those coverers' loads are updated, never the whole survey; each task's list of
    present coverers is kept compact, so a step costs the number of present co-coverers plus
    one pass over block maxima to find the largest load. ``engine``: "auto" (numba from
    :data:`NUMBA_MIN_PAIRS` pairs on), "numba" or "numpy".
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
    pt = p.pair_t.astype(np.int64)
    by_m = np.lexsort((pt, pm))
    pm, pt = pm[by_m], pt[by_m]  # edges in member order
    m_ptr = np.zeros(n_m + 1, dtype=np.int64)
    np.cumsum(np.bincount(pm, minlength=n_m), out=m_ptr[1:])
    t_edge = np.argsort(pt, kind="stable").astype(np.int64)
    t_ptr = np.zeros(n_t + 1, dtype=np.int64)
    cnt = np.bincount(pt, minlength=n_t).astype(np.int64)
    np.cumsum(cnt, out=t_ptr[1:])
    epos = np.empty(len(pt), dtype=np.int64)
    epos[t_edge] = np.arange(len(pt))
    h = p.task_hours.astype(float)
    share = np.where(cnt > 0, h / np.maximum(cnt, 1), 0.0)
    loads = np.bincount(pm, weights=share[pt], minlength=n_m).astype(float)
    left = np.zeros(n_m, dtype=np.int64)
    if engine == "auto":
        engine = "numba" if len(pt) >= NUMBA_MIN_PAIRS else "numpy"
    compiled = _compiled_loop() if engine == "numba" else None
    loop = compiled if compiled is not None else _greedy_numpy
    t_member = pm[t_edge].astype(np.int32)
    count = int(loop(m_ptr, pt, t_member, t_ptr, t_edge, epos, cnt, h, loads, float(total), left))
    return count, [int(order[i]) for i in left[:count]] if record else []


def _greedy_numpy(m_ptr, m_tasks, t_member, t_ptr, t_edge, epos, cnt, h, loads, total, order_out):
    """The same loop as :func:`_greedy_loop`, vectorised per step (used without numba)."""
    n_m = loads.shape[0]
    present = np.ones(n_m, dtype=bool)
    t_members = t_member.copy()
    half, eps = total / 2.0, 1e-9 * total
    orphaned, count = 0.0, 0
    while orphaned - half <= eps and count < n_m:
        best = float(loads.max())
        who = int(np.flatnonzero(loads >= best - 1e-9 * max(abs(best), 1.0))[0])
        loads[who] = -np.inf
        present[who] = False
        order_out[count] = who
        count += 1
        tasks = m_tasks[m_ptr[who]:m_ptr[who + 1]]
        if len(tasks) == 0:
            continue
        old = cnt[tasks]
        new = old - 1
        cnt[tasks] = new
        orphaned += float(h[tasks][new == 0].sum())
        keep = new > 0
        tasks, old, new = tasks[keep], old[keep], new[keep]
        if len(tasks) == 0:
            continue
        delta = h[tasks] / new - h[tasks] / old
        lens = t_ptr[tasks + 1] - t_ptr[tasks]
        offsets = np.repeat(t_ptr[tasks] - np.cumsum(lens) + lens, lens) + np.arange(int(lens.sum()))
        members = t_members[offsets]
        weights = np.repeat(delta, lens)
        ok = present[members]
        loads += np.bincount(members[ok], weights=weights[ok], minlength=n_m)
    return count


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
    """The members in the order the truck-factor greedy lets them leave, with the hours (and
    share of the total) on tasks nobody covers any more once they and those before them have
    left. The last row is the step that passes half of the total hours."""
    p = prepare(client)
    count, left = _truck_factor(p, record=True)
    out = p.members.iloc[left][["member_id", "name"]].reset_index(drop=True)
    out.insert(0, "step", np.arange(1, len(out) + 1))
    # a task is orphaned at the step its last coverer leaves
    step_of = np.full(p.n_members, np.iinfo(np.int64).max, dtype=np.int64)
    step_of[np.asarray(left, dtype=np.int64)] = np.arange(1, len(left) + 1)
    orphan_step = np.zeros(p.n_tasks, dtype=np.int64)
    np.maximum.at(orphan_step, p.pair_t, step_of[p.pair_m])
    done = (orphan_step > 0) & (orphan_step <= len(left))
    per_step = np.bincount(orphan_step[done], weights=p.task_hours[done], minlength=len(left) + 1)[1:]
    out["orphaned_hours"] = np.cumsum(per_step)
    out["orphaned_share"] = _share(out["orphaned_hours"].to_numpy(dtype=float), p.total)
    return out


def describe_truck_factor(order: pd.DataFrame) -> str:
    """Sentences on :func:`truck_factor_order`: how many may leave before half the work stops."""
    if order.empty:
        return "工数の記入がないため、トラックファクターを計算できません。"
    first = order.iloc[0]
    last = order.iloc[-1]
    return (
        f"トラックファクターは{len(order)}人です。負荷の大きい人から順に{len(order)}人が抜けると、"
        f"担当できる人がいなくなる業務の工数が総工数の{last['orphaned_share']:.0%}に達します。"
        f"最初に抜けると想定されるのは{first['name']}で、その時点で総工数の{first['orphaned_share']:.0%}が担当者不在になります。"
    )


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


register({"display": "表示値", "step": "順序"})


def describe_kpis(values: dict[str, float | int], n_members: int | None = None) -> str:
    """Two or three Japanese sentences summarising :func:`kpis` (``n_members``: headcount)."""
    if values["total_hours"] <= 0:
        return "工数の記入がないため、KPIを計算できません。"
    head = f"{n_members}人で" if n_members else ""
    text = (
        f"総務の業務は{head}月{values['total_hours']:,.0f}時間(FTE {values['fte']:.1f}人)で、"
        f"戦略・改善に使われているのは{values['strategic_share']:.0%}、定型業務が{values['routine_share']:.0%}です。"
        f"担当できる人が1人しかいない属人化業務が工数の{values['person_dependent_share']:.0%}を占め、"
        f"トラックファクターは{int(values['truck_factor'])}人です"
    )
    if n_members:
        text += f"({n_members}人中)。"
    else:
        text += "。"
    over = int(values["overloaded_members"])
    if over:
        text += f"所定時間を超えて働いているメンバーが{over}人おり、最大稼働率は{values['max_utilization']:.0%}です。"
    else:
        text += f"所定時間を超えているメンバーはおらず、最大稼働率は{values['max_utilization']:.0%}です。"
    return text

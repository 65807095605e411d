"""業務分掌案: who should do which task, as a mixed-integer programme (scipy.optimize.milp / HiGHS).

Given a client (usually the future state after the measures, ``gyomu.simulate``), the
proposal keeps every task's hours, keeps each member within capacity, gives every task that
carries hours at least ``min_coverers`` covering members, moves easy work (難易度 <= 2) off
the upper grades and otherwise changes as little as possible.

Model (m: member, t: task with hours H_t > 0, x0[m,t]: today's hours):

* variables: x[m,t] >= 0 hours of t given to m; y[m,t] in {0,1} m covers t;
  d[m,t] >= |x[m,t] - x0[m,t]| (hours changed)
* objective: minimise  sum d  +  easy_penalty * sum_{m upper, t easy} x
  + cover_cost * sum_{(m,t) not covering today} y  + 0.001 * sum y
* constraints:
  1. sum_m x[m,t] = H_t                          (業務量の保存)
  2. sum_t x[m,t] <= utilization_cap * capacity_m (稼働上限)
  3. x[m,t] <= H_t * y[m,t]                      (担当しない業務に工数は付かない)
  4. x[m,t] >= min_share * H_t * y[m,t]          (カバー担当者は最低限の工数を担う)
  5. sum_m y[m,t] >= min_coverers                (複数担当)
  6. forbid_easy_upper=True: x[m,t] = 0 for upper m and easy t (上位等級に易しい業務を残さない)

"Upper grades" are those of the upper half of client.yml's grade order (for an odd number of
grades the middle one is not upper), as in the KPI delegable_share. When the model has no
solution, each constraint group is relaxed in turn to say, in plain Japanese, which one
cannot be met.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from . import labels, schema
from .client import Client
from .workload import upper_grades

labels.register(
    {
        "role_before": "現在の役割",
        "hours_current": "現行の工数",
        "hours_proposal": "再配置案の工数",
        "utilization_current": "現行の稼働率",
        "utilization_proposal": "再配置案の稼働率",
        "role_after": "再配置後の役割",
        "capacity_limit": "稼働上限(時間)",
        "moved": "担当変更工数",
    }
)

#: Japanese names of the constraint groups, used in the infeasibility message.
CONSTRAINT_NAMES = {
    "capacity": "各メンバーの稼働上限",
    "coverage": "各業務を複数人でカバーすること",
    "min_share": "カバー担当者の最低工数割合",
    "easy_upper": "上位等級に難易度2以下の業務を残さないこと",
}


@dataclass
class ReallocationParams:
    """Settings of the reallocation model (see the module docstring)."""

    utilization_cap: float = 1.0  #: share of each member's capacity hours that may be used
    min_coverers: int = 2  #: covering members per task with hours
    min_share: float = 0.1  #: share of a task's hours each coverer does at least (0: 対応可 backups)
    easy_penalty: float = 3.0  #: objective cost per hour of easy work on an upper-grade member
    forbid_easy_upper: bool = False  #: True: easy work on upper grades is not allowed at all
    cover_cost: float = 2.0  #: objective cost (hour-equivalents) of a new coverer (training)
    easy_max_difficulty: int = 2  #: 難易度 up to this counts as easy
    time_limit: float = 30.0  #: seconds for HiGHS; the best solution found so far is used
    mip_gap: float = 0.01  #: relative optimality gap at which HiGHS may stop (1 %)


@dataclass
class Reallocation:
    """Result of :func:`reallocate`."""

    feasible: bool
    message: str  #: Japanese: what was solved, or which constraint cannot be met
    params: ReallocationParams
    assignment: pd.DataFrame = field(default_factory=pd.DataFrame)  #: per member x task
    members: pd.DataFrame = field(default_factory=pd.DataFrame)  #: per member load
    client: Client | None = None  #: the proposal as a Client (hours replaced)
    moved_hours: float = float("nan")  #: hours that change hands
    objective: float = float("nan")
    reasons: list[str] = field(default_factory=list)  #: infeasible: the constraints to blame
    optimal: bool = False  #: False when the time limit stopped HiGHS first


@dataclass
class _Model:
    members: pd.DataFrame
    task_ids: list[str]
    H: np.ndarray  # task hours
    x0: np.ndarray  # (n, k) current hours
    y0: np.ndarray  # (n, k) current coverage
    cap: np.ndarray  # (n,) capacity hours
    upper: np.ndarray  # (n,) bool
    easy: np.ndarray  # (k,) bool


def _build(client: Client, p: ReallocationParams) -> _Model:
    h = client.hours
    per_task = h.groupby(h["task_id"].astype(str))["hours"].sum()
    task_ids = [t for t in client.tasks["task_id"].astype(str) if per_task.get(t, 0.0) > 1e-9]
    members = client.members.reset_index(drop=True)
    mids = members["member_id"].astype(str).tolist()
    mi = {m: i for i, m in enumerate(mids)}
    ti = {t: j for j, t in enumerate(task_ids)}
    n, k = len(mids), len(task_ids)
    x0 = np.zeros((n, k))
    y0 = np.zeros((n, k))
    for m, t, hours, role in zip(h["member_id"].astype(str), h["task_id"].astype(str), h["hours"],
                                 h["role"].astype(object), strict=True):
        if m in mi and t in ti:
            x0[mi[m], ti[t]] += float(hours)
            if float(hours) > 0 or role == "対応可":
                y0[mi[m], ti[t]] = 1.0
    H = x0.sum(axis=0)
    upper = members["grade"].astype(str).isin(upper_grades(client.config.grades)).to_numpy()
    diff = client.tasks.set_index(client.tasks["task_id"].astype(str))["difficulty"]
    easy = np.array([float(diff.get(t)) <= p.easy_max_difficulty if pd.notna(diff.get(t)) else False
                     for t in task_ids])
    cap = members["capacity_hours"].astype(float).fillna(client.config.capacity_hours).to_numpy()
    return _Model(members, task_ids, H, x0, y0, cap, upper, easy)


def _solve(model: _Model, p: ReallocationParams, relax: frozenset[str] = frozenset(), integral: bool = True):
    n, k = model.x0.shape
    N = n * k
    H = np.tile(model.H, n)  # index m*k + t
    x0 = model.x0.ravel()
    y0 = model.y0.ravel()
    upper_easy = np.outer(model.upper, model.easy).ravel()
    # variable layout: x [0, N), y [N, 2N), d [2N, 3N)
    c = np.concatenate([
        p.easy_penalty * upper_easy if "easy_upper" not in relax else np.zeros(N),
        p.cover_cost * (1 - y0) + 1e-3,
        np.ones(N),
    ])
    eye = sparse.identity(N, format="csr")
    zero = sparse.csr_matrix((N, N))
    rows, lo, hi = [], [], []
    # 1. task hours preserved
    task_sum = sparse.hstack([sparse.kron(np.ones((1, n)), sparse.identity(k)), sparse.csr_matrix((k, 2 * N))])
    rows.append(task_sum)
    lo.append(model.H)
    hi.append(model.H)
    # 2. capacity
    if "capacity" not in relax:
        cap_rows = sparse.hstack([sparse.kron(sparse.identity(n), np.ones((1, k))), sparse.csr_matrix((n, 2 * N))])
        rows.append(cap_rows)
        lo.append(np.full(n, -np.inf))
        hi.append(p.utilization_cap * model.cap)
    # 3. x <= H y
    rows.append(sparse.hstack([eye, -sparse.diags(H), zero]))
    lo.append(np.full(N, -np.inf))
    hi.append(np.zeros(N))
    # 4. x >= min_share H y
    if p.min_share > 0 and "min_share" not in relax:
        rows.append(sparse.hstack([eye, -sparse.diags(p.min_share * H), zero]))
        lo.append(np.zeros(N))
        hi.append(np.full(N, np.inf))
    # 5. coverage
    need = 1 if "coverage" in relax else p.min_coverers
    rows.append(sparse.hstack([sparse.csr_matrix((k, N)), sparse.kron(np.ones((1, n)), sparse.identity(k)),
                               sparse.csr_matrix((k, N))]))
    lo.append(np.full(k, float(need)))
    hi.append(np.full(k, np.inf))
    # 6. d >= |x - x0|
    rows.append(sparse.hstack([eye, zero, -eye]))
    lo.append(np.full(N, -np.inf))
    hi.append(x0)
    rows.append(sparse.hstack([eye, zero, eye]))
    lo.append(x0)
    hi.append(np.full(N, np.inf))
    A = sparse.vstack(rows, format="csr")
    x_hi = H.copy()
    if p.forbid_easy_upper and "easy_upper" not in relax:
        x_hi[upper_easy] = 0.0
    bounds = Bounds(np.zeros(3 * N), np.concatenate([x_hi, np.ones(N), np.full(N, np.inf)]))
    integrality = np.concatenate([np.zeros(N), np.ones(N) if integral else np.zeros(N), np.zeros(N)])
    res = milp(c, constraints=LinearConstraint(A, np.concatenate(lo), np.concatenate(hi)),
               integrality=integrality, bounds=bounds,
               options={"time_limit": p.time_limit, "disp": False, "mip_rel_gap": p.mip_gap})
    return res


def _fmt(v: float) -> str:
    return f"{v:,.1f}"


def _diagnose(model: _Model, p: ReallocationParams) -> list[str]:
    """Plain-Japanese reasons why the model has no solution."""
    n = len(model.members)
    reasons = []
    total, limit = float(model.H.sum()), float(p.utilization_cap * model.cap.sum())
    if total > limit + 1e-6:
        reasons.append(
            f"{CONSTRAINT_NAMES['capacity']}: 業務の総工数 {_fmt(total)} 時間が、全員の稼働上限の合計 "
            f"{_fmt(limit)} 時間(所定時間 × {p.utilization_cap:.0%})を超えています。"
            "施策で工数を減らすか、稼働上限を上げるか、人員を増やしてください。"
        )
    if n < p.min_coverers and len(model.task_ids):
        reasons.append(
            f"{CONSTRAINT_NAMES['coverage']}: 各業務に {p.min_coverers} 人の担当が必要ですが、"
            f"メンバーが {n} 人しかいません。"
        )
    if p.min_share * p.min_coverers > 1 + 1e-9:
        reasons.append(
            f"{CONSTRAINT_NAMES['min_share']}: 各業務を {p.min_coverers} 人でカバーし、1人あたり最低 "
            f"{p.min_share:.0%} を担うと合計 {p.min_share * p.min_coverers:.0%} になり、業務の工数を超えます。"
            f"最低工数割合を {1 / p.min_coverers:.0%} 以下にしてください。"
        )
    if p.forbid_easy_upper:
        easy_hours = float(model.H[model.easy].sum())
        lower_cap = float(p.utilization_cap * model.cap[~model.upper].sum())
        if easy_hours > lower_cap + 1e-6:
            reasons.append(
                f"{CONSTRAINT_NAMES['easy_upper']}: 難易度{p.easy_max_difficulty}以下の業務 {_fmt(easy_hours)} 時間を、"
                f"上位等級以外のメンバーの稼働上限 {_fmt(lower_cap)} 時間では引き受けきれません。"
            )
        if (~model.upper).sum() < p.min_coverers and model.easy.any():
            reasons.append(
                f"{CONSTRAINT_NAMES['easy_upper']}: 易しい業務を {p.min_coverers} 人でカバーするには、"
                f"上位等級以外のメンバーが {p.min_coverers} 人以上必要です。"
            )
    if reasons:
        return reasons
    groups = ["capacity", "coverage", "min_share"] + (["easy_upper"] if p.forbid_easy_upper else [])
    fixes = [g for g in groups if _solve(model, p, frozenset([g])).x is not None]
    if len(fixes) == 1:
        return [
            f"{CONSTRAINT_NAMES[fixes[0]]}: この制約だけを外せば案が作れます。"
            "ほかの制約と同時には満たせないので、この条件を緩めてください。"
        ]
    if fixes:
        names = "」と「".join(CONSTRAINT_NAMES[g] for g in fixes)
        return [f"「{names}」が両立しません。どれか1つを緩めれば案が作れます。"]
    return [
        "複数の制約が同時に効いているため、1つを外しても案が作れません。"
        "稼働上限、必要カバー人数、最低工数割合を順に緩めて試してください。"
    ]


def _roles(x: np.ndarray, y: np.ndarray, mids: list[str]) -> np.ndarray:
    roles = np.full(x.shape, None, dtype=object)
    for t in range(x.shape[1]):
        covering = [m for m in range(x.shape[0]) if y[m, t] > 0.5 or x[m, t] > 1e-6]
        if not covering:
            continue
        main = min(covering, key=lambda m: (-round(x[m, t], 6), mids[m]))
        for m in covering:
            roles[m, t] = "主担当" if m == main else ("副担当" if x[m, t] > 1e-6 else "対応可")
    return roles


def reallocate(client: Client, params: ReallocationParams | None = None, **kwargs: Any) -> Reallocation:
    """Propose who does which task (業務分掌案); see the module docstring for the model.

    ``kwargs`` override fields of :class:`ReallocationParams` (e.g. ``utilization_cap=0.9``).
    Tasks without hours keep their rows as they are. When no proposal exists, ``feasible`` is
    False and ``message`` / ``reasons`` say which constraint cannot be met.
    """
    p = dataclasses.replace(params or ReallocationParams(), **kwargs)
    model = _build(client, p)
    n, k = model.x0.shape
    if k == 0:
        return Reallocation(False, "工数のある業務がないため、再配置案は作れません。", p, reasons=["工数のある業務がありません。"])
    res = _solve(model, p) if n else None
    if res is None or res.x is None:
        reasons = _diagnose(model, p)
        msg = "条件をすべて満たす業務分掌案はありません。満たせない制約:\n" + "\n".join(f"- {r}" for r in reasons)
        return Reallocation(False, msg, p, reasons=reasons)
    N = n * k
    x = res.x[:N].reshape(n, k)
    x[x < 1e-6] = 0.0
    y = (res.x[N:2 * N] > 0.5).astype(float).reshape(n, k)
    mids = model.members["member_id"].astype(str).tolist()
    roles_after = _roles(x, y, mids)
    tasks = client.tasks.set_index(client.tasks["task_id"].astype(str))
    h = client.hours
    role0 = {(str(m), str(t)): r for m, t, r in zip(h["member_id"], h["task_id"], h["role"].astype(object), strict=True)}
    recs = []
    for i, m in enumerate(mids):
        for j, t in enumerate(model.task_ids):
            if model.x0[i, j] == 0 and x[i, j] == 0 and model.y0[i, j] == 0 and y[i, j] == 0:
                continue
            recs.append({
                "member_id": m, "name": model.members.loc[i, "name"], "grade": model.members.loc[i, "grade"],
                "task_id": t, "task": tasks.loc[t, "task"], "category": tasks.loc[t, "category"],
                "difficulty": tasks.loc[t, "difficulty"],
                "hours_current": model.x0[i, j], "hours_proposal": x[i, j], "change": x[i, j] - model.x0[i, j],
                "role_before": role0.get((m, t)) if model.y0[i, j] else None,
                "role_after": roles_after[i, j],
            })
    assignment = pd.DataFrame(recs)
    # proposal hours: untouched rows of tasks without hours + the solution
    keep = h[~h["task_id"].astype(str).isin(model.task_ids)]
    new = assignment.loc[assignment["role_after"].notna(), ["member_id", "task_id", "hours_proposal", "role_after"]]
    new = new.rename(columns={"hours_proposal": "hours", "role_after": "role"})
    hours = pd.concat([keep[["member_id", "task_id", "hours", "role"]].astype({"role": object}), new],
                      ignore_index=True)
    hours["times_per_month"] = np.nan
    hours["hours_per_time"] = np.nan
    hours["role"] = pd.Categorical(hours["role"], categories=list(schema.ROLE))
    hours = hours[["member_id", "task_id", "hours", "times_per_month", "hours_per_time", "role"]]
    proposal = dataclasses.replace(client, hours=hours)
    load = model.members[["member_id", "name", "grade", "capacity_hours"]].copy()
    load["capacity_limit"] = p.utilization_cap * model.cap
    load["hours_current"] = model.x0.sum(axis=1)
    load["hours_proposal"] = x.sum(axis=1)
    load["moved"] = np.abs(x - model.x0).sum(axis=1)
    cap = load["capacity_hours"].astype(float).replace(0.0, np.nan)
    load["utilization_current"] = load["hours_current"] / cap
    load["utilization_proposal"] = load["hours_proposal"] / cap
    moved = float(np.abs(x - model.x0).sum() / 2)
    optimal = res.status == 0
    msg = (
        f"{n}人 × {k}業務の業務分掌案を作りました。移管する工数は月 {_fmt(moved)} 時間です。"
        + ("" if optimal else f"(計算時間の上限 {p.time_limit:.0f} 秒で打ち切った暫定解です)")
    )
    return Reallocation(True, msg, p, assignment, load, proposal, moved, float(res.fun), [], optimal)


def formulation_markdown(params: ReallocationParams | None = None) -> str:
    """The model's objective and constraints in Japanese Markdown, with the parameter values.

    Plain text with symbols the report font has (Σ ≦ ≧ ×, no LaTeX), so HTML and PDF show it as is.
    """
    p = params or ReallocationParams()
    easy = f"難易度{p.easy_max_difficulty}以下"
    lines = [
        "**業務分掌案の最適化モデル**(混合整数計画、scipy.optimize.milp / HiGHS)",
        "",
        "記号: m = メンバー、t = 工数のある業務、H(t) = 業務 t の月間工数(施策後)、Σ[m] = 全メンバーの合計、Σ[t] = 全業務の合計、"
        "x0(m,t) = 現在の担当工数、C(m) = 月間所定時間。",
        "",
        "決める値: x(m,t) = メンバー m が業務 t に充てる時間(連続値)、"
        "y(m,t) = メンバー m が業務 t をカバーするか(0 か 1)。",
        "",
        "**目的関数**(次の合計を最小にする):",
        "",
        "- 現在の担当からの変更量 Σ |x(m,t) − x0(m,t)|(移管する工数の2倍)",
        f"- 上位等級が{easy}の業務に充てる時間 × {p.easy_penalty:g}"
        + ("(今回は制約として禁止)" if p.forbid_easy_upper else ""),
        f"- 新たにカバー担当になる組み合わせの数 × {p.cover_cost:g}(育成・引き継ぎの手間)",
        "",
        "**制約**:",
        "",
        "1. 業務量の保存: 各業務の工数の合計は施策後の工数のまま(Σ[m] x(m,t) = H(t))",
        f"2. 稼働上限: 各メンバーの合計時間は所定時間の {p.utilization_cap:.0%} 以内"
        f"(Σ[t] x(m,t) ≦ {p.utilization_cap:g} × C(m))",
        "3. カバーしない業務には時間を付けない(x(m,t) ≦ H(t) × y(m,t))",
        (
            f"4. カバー担当者は業務の {p.min_share:.0%} 以上を実際に担う(x(m,t) ≧ {p.min_share:g} × H(t) × y(m,t)。"
            "手を動かさないバックアップは技能が維持できないため)"
            if p.min_share > 0
            else "4. カバー担当者の最低工数は設けない(工数0のカバー担当は「対応可」として扱う)"
        ),
        f"5. 複数担当: 工数のある業務はすべて {p.min_coverers} 人以上がカバーする"
        f"(Σ[m] y(m,t) ≧ {p.min_coverers})",
    ]
    if p.forbid_easy_upper:
        lines.append(f"6. 上位等級(等級順の上半分)のメンバーには{easy}の業務を割り当てない")
    lines += [
        "",
        "上位等級は等級順の上半分(等級数が奇数のときは真ん中の等級を含まない)です。"
        "解がないときは、制約のグループを1つずつ外して解き直し、どの制約が満たせないかを示します。"
        f"計算時間の上限は {p.time_limit:g} 秒、許容する最適性ギャップは {p.mip_gap:.0%} です。",
    ]
    return "\n".join(lines)


#: Role shown for a member who does not cover the task (before or after).
NO_ROLE = "(担当なし)"


def changed_assignments(result: Reallocation, min_change: float = 0.05) -> pd.DataFrame:
    """The rows of the proposal that change: hours moved by at least ``min_change`` or a new role,
    largest change first. A member without the task shows the role ``(担当なし)``."""
    a = result.assignment
    if a.empty:
        return a
    role_changed = a["role_before"].astype(object).fillna("") != a["role_after"].astype(object).fillna("")
    out = a[(a["change"].abs() >= min_change) | role_changed]
    out = out.assign(_abs=out["change"].abs()).sort_values(["_abs", "member_id"], ascending=[False, True]).drop(
        columns="_abs").reset_index(drop=True)
    for col in ("role_before", "role_after"):
        out[col] = out[col].astype(object).where(out[col].notna(), NO_ROLE)
    return out


def reallocation_summary(result: Reallocation, comparison: pd.DataFrame | None = None) -> str:
    """Japanese sentences on a proposal (or why there is none), with its KPIs when
    ``comparison`` (``kpi_comparison(state, result.client, names=("current", "proposal"))``) is given."""
    if not result.feasible:
        return result.message
    text = result.message
    m = result.members
    over = m[m["hours_current"] > m["capacity_limit"] + 1e-6]
    if len(over):
        text += ("稼働上限を超えていた" + "、".join(over["name"].astype(str)) + "の工数は上限内に収まります。")
    changed = changed_assignments(result)
    new_cover = changed[(changed["role_before"] == NO_ROLE) & (changed["role_after"] != NO_ROLE)]
    if len(new_cover):
        text += f"新たに{len(new_cover)}件の業務で担当を追加し、どの業務も{result.params.min_coverers}人以上でカバーします。"
    if comparison is not None and len(comparison):
        rows = comparison.set_index("kpi")
        from .gap import format_kpi

        for key in ("person_dependent_share", "delegable_share", "max_utilization"):
            if key in rows.index:
                r = rows.loc[key]
                text += (f"{r['label']}は {format_kpi(key, r['current'])} から "
                         f"{format_kpi(key, r['proposal'])} になります。")
    return text

"""Future state: apply the 施策 (measures) of vision.yml to the hours.

Each measure selects tasks (by 業務ID or by 大分類) and an action:

* 外部委託 / 自動化 / 廃止: every member's hours on those tasks are scaled by
  ``1 - reduction``; the removed hours leave the department.
* 標準化: the same, and the tasks count as documented afterwards (マニュアル = 有).
* 集約: the same, plus the consolidation model's hand-off cost
  (:func:`gyomu.consolidation.handoff_hours`, computed on the state the measure is applied
  to). The hand-off hours are put on the task's *consolidated desk*: the 主担当 row with the
  most hours on that task (ties: smallest メンバーID); without a 主担当 row, the row with the
  most hours. The remaining hours stay where they are.

Measures apply in order and cumulatively (a later measure sees the hours the earlier ones
left). Rows keep their 役割, so a 対応可 backup stays a backup even when its hours are zero.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from . import labels, schema
from .client import Client, Measure
from .errors import Problem, SurveyError
from .gap import is_achieved

labels.register(
    {
        "step": "順序",
        "measure": "施策",
        "action": "打ち手",
        "owner": "責任者",
        "n_tasks": "業務数",
        "selected_hours": "対象工数(施策前)",
        "removed_hours": "削減工数",
        "handoff_hours": "引き継ぎ工数(時間/月)",
        "freed_hours": "創出工数",
        "cumulative_freed": "累計創出工数",
        "before": "施策前",
        "after": "施策後",
        "change": "変化",
        "hours_before": "施策前工数",
        "hours_after": "施策後工数",
        "freed": "創出工数",
        "utilization_before": "施策前稼働率",
        "utilization_after": "施策後稼働率",
        "achieved_after": "施策後に達成",
    }
)

CUMULATIVE = "全施策(累計)"

ACTION_EFFECTS = {
    "外部委託": "対象業務の工数のうち削減率分を社外へ移す",
    "自動化": "対象業務の工数のうち削減率分をシステム化でなくす",
    "廃止": "対象業務の工数のうち削減率分をやめる",
    "標準化": "削減率分の工数を減らし、対象業務をマニュアル有りにする",
    "集約": "削減率分の工数を減らし、集約窓口に引き継ぎ・調整工数を加える",
}


def _measure_where(i: int, m: Measure) -> str:
    return f"measures {i + 1}件目「{m.name}」"


def measure_problems(client: Client, measures: Iterable[Measure]) -> list[Problem]:
    """Every problem of ``measures`` against the client's tasks, in Japanese (empty when fine)."""
    task_ids = set(client.tasks["task_id"].astype(str).tolist())
    categories = sorted(set(client.tasks["category"].dropna().astype(str).tolist()))
    problems: list[Problem] = []
    for i, m in enumerate(measures):
        where = _measure_where(i, m)
        if m.action not in schema.ACTIONS:
            problems.append(Problem(
                "vision.yml", f"action '{m.action}' は使えません。{' / '.join(schema.ACTIONS)} のいずれかにしてください。",
                sheet=where, column="action", value=m.action))
        if m.reduction is None or not (0.0 <= float(m.reduction) <= 1.0):
            problems.append(Problem(
                "vision.yml", f"reduction '{m.reduction}' は 0〜1 の割合で入力してください(例: 0.6)。",
                sheet=where, column="reduction", value=m.reduction))
        if m.tasks and m.category:
            problems.append(Problem(
                "vision.yml", "tasks と category はどちらか一方だけを指定してください。",
                sheet=where, column="tasks"))
        elif m.tasks:
            missing = [t for t in m.tasks if str(t) not in task_ids]
            if missing:
                sample = "、".join(sorted(task_ids)[:5])
                problems.append(Problem(
                    "vision.yml",
                    f"業務ID {'、'.join(map(str, missing))} は業務一覧にありません。"
                    f"業務一覧の業務IDを指定してください(例: {sample})。",
                    sheet=where, column="tasks", value=missing))
        elif m.category:
            if str(m.category) not in categories:
                problems.append(Problem(
                    "vision.yml",
                    f"大分類 '{m.category}' は業務一覧にありません。"
                    f"次のいずれかを指定してください: {'、'.join(categories)}",
                    sheet=where, column="category", value=m.category))
        else:
            problems.append(Problem(
                "vision.yml", "対象業務がありません。tasks(業務IDのリスト)か category(大分類)を指定してください。",
                sheet=where, column="tasks"))
    return problems


def measure_tasks(client: Client, measure: Measure) -> list[str]:
    """The 業務ID a measure applies to (its ``tasks``, or every task of its ``category``)."""
    problems = measure_problems(client, [measure])
    if problems:
        raise SurveyError(problems)
    return _selected(client, measure)


def _selected(client: Client, measure: Measure) -> list[str]:
    if measure.tasks:
        return [str(t) for t in measure.tasks]
    mask = client.tasks["category"].astype(str) == str(measure.category)
    return client.tasks.loc[mask, "task_id"].astype(str).tolist()


def consolidated_desk(hours: pd.DataFrame, task_id: str) -> Any:
    """Index label of the hours row that takes a consolidated task's hand-off cost (or None).

    The 主担当 row with the most hours on the task (ties: smallest メンバーID); without a
    主担当 row, the row with the most hours. None when the task has no rows.
    """
    rows = hours[hours["task_id"].astype(str) == str(task_id)]
    if rows.empty:
        return None
    main = rows[rows["role"].astype(object) == "主担当"]
    pool = main if not main.empty else rows
    pool = pool.assign(_mid=pool["member_id"].astype(str)).sort_values(
        ["hours", "_mid"], ascending=[False, True], kind="stable"
    )
    return pool.index[0]


@dataclasses.dataclass
class Step:
    """The record of one applied measure."""

    measure: Measure
    task_ids: list[str]
    selected_hours: float
    removed_hours: float
    handoff_hours: float
    client: Client  #: state after this measure

    @property
    def freed_hours(self) -> float:
        return self.removed_hours - self.handoff_hours


def apply_measure(
    client: Client, measure: Measure, *, checked: bool = False, **handoff_params: Any
) -> Step:
    """Apply one measure to ``client`` and return the new state with what it removed and added.

    ``checked=True`` skips validating the measure (the caller has done it).
    """
    task_ids = _selected(client, measure) if checked else measure_tasks(client, measure)
    hours = client.hours
    hours = hours.copy() if hours.index.is_unique else hours.reset_index(drop=True)
    on = hours["task_id"].astype(str).isin(task_ids)
    selected = float(hours.loc[on, "hours"].sum())
    share = float(measure.reduction)
    hours.loc[on, "hours"] = hours.loc[on, "hours"] * (1.0 - share)
    removed = selected * share
    tasks = client.tasks
    added = 0.0
    if measure.action == "標準化":
        tasks = tasks.copy()
        manual = tasks["manual"].astype(object)
        manual[tasks["task_id"].astype(str).isin(task_ids)] = "有"
        tasks["manual"] = pd.Categorical(manual, categories=list(schema.MANUAL))
    elif measure.action == "集約":
        from .consolidation import handoff_hours

        extra = handoff_hours(client, task_ids, **handoff_params)
        for task_id, value in extra.items():
            value = float(value)
            if not value or np.isnan(value):
                continue
            desk = consolidated_desk(hours, str(task_id))
            if desk is None:
                continue
            hours.loc[desk, "hours"] = hours.loc[desk, "hours"] + value
            added += value
    state = dataclasses.replace(client, hours=hours, tasks=tasks)
    return Step(measure, task_ids, selected, removed, added, state)


def _measures(client: Client, measures: Iterable[Measure] | None) -> list[Measure]:
    if measures is not None:
        return list(measures)
    return list(client.vision.measures) if client.vision is not None else []


def run_measures(
    client: Client, measures: Iterable[Measure] | None = None, **handoff_params: Any
) -> list[Step]:
    """Apply ``measures`` (default: vision.yml's) in order; one :class:`Step` per measure.

    Every problem of every measure is reported at once (SurveyError) before anything runs.
    """
    chosen = _measures(client, measures)
    problems = measure_problems(client, chosen)
    if problems:
        raise SurveyError(problems)
    steps = []
    state = client
    for m in chosen:
        step = apply_measure(state, m, checked=True, **handoff_params)
        steps.append(step)
        state = step.client
    return steps


def simulate(
    client: Client, measures: Iterable[Measure] | None = None, **handoff_params: Any
) -> Client:
    """The future-state client after ``measures`` (default: the measures of vision.yml).

    ``simulate(client, [])`` returns the client unchanged. ``handoff_params`` go to
    ``gyomu.consolidation.handoff_hours`` for 集約 measures. See the module docstring for
    what each action does.
    """
    steps = run_measures(client, measures, **handoff_params)
    return steps[-1].client if steps else client


def hours_freed(
    client: Client, measures: Iterable[Measure] | None = None, *, steps: list[Step] | None = None,
    **handoff_params: Any,
) -> pd.DataFrame:
    """Hours each measure frees, in order: one row per measure.

    Columns: step, measure, action, owner, n_tasks, selected_hours (hours on the measure's
    tasks just before it), removed_hours, handoff_hours (集約's added coordination),
    freed_hours (= removed - handoff), cumulative_freed.
    """
    steps = steps if steps is not None else run_measures(client, measures, **handoff_params)
    rows = [
        {
            "step": i,
            "measure": s.measure.name,
            "action": s.measure.action,
            "owner": s.measure.owner,
            "n_tasks": len(s.task_ids),
            "selected_hours": s.selected_hours,
            "removed_hours": s.removed_hours,
            "handoff_hours": s.handoff_hours,
            "freed_hours": s.freed_hours,
        }
        for i, s in enumerate(steps, 1)
    ]
    cols = ["step", "measure", "action", "owner", "n_tasks", "selected_hours", "removed_hours",
            "handoff_hours", "freed_hours"]
    out = pd.DataFrame(rows, columns=cols)
    out = out.astype({c: float for c in cols[5:]})
    out["cumulative_freed"] = out["freed_hours"].cumsum()
    return out


def measure_effects(
    client: Client, measures: Iterable[Measure] | None = None, *, steps: list[Step] | None = None,
    **handoff_params: Any,
) -> pd.DataFrame:
    """Every KPI before and after each measure (cumulative, in order), and after all of them.

    Long format, one row per (measure, KPI): step (1.. per measure; the last block, step
    ``len(measures) + 1`` and measure ``全施策(累計)``, compares the current state with the
    final one), measure, action, freed_hours (hours the step frees), kpi, label, before,
    after, change, target (NaN without a target), direction, achieved_after (after meets the
    target; NaN without a target). "before" of a measure is the state the earlier measures left.
    """
    from .kpi import kpis

    steps = steps if steps is not None else run_measures(client, measures, **handoff_params)
    targets = client.vision.targets if client.vision is not None else {}
    states = [client] + [s.client for s in steps]
    values = [kpis(c) for c in states]
    blocks = [
        (i, s.measure.name, s.measure.action, s.freed_hours, values[i - 1], values[i])
        for i, s in enumerate(steps, 1)
    ]
    total_freed = sum(s.freed_hours for s in steps)
    blocks.append((len(steps) + 1, CUMULATIVE, "", total_freed, values[0], values[-1]))
    rows = []
    for step, name, action, freed, before, after in blocks:
        for key in before:
            tgt = targets.get(key)
            rows.append(
                {
                    "step": step,
                    "measure": name,
                    "action": action,
                    "freed_hours": float(freed),
                    "kpi": key,
                    "label": schema.KPI_LABELS.get(key, key),
                    "before": float(before[key]),
                    "after": float(after[key]),
                    "change": float(after[key]) - float(before[key]),
                    "target": float(tgt.target) if tgt else np.nan,
                    "direction": tgt.direction if tgt else None,
                    "achieved_after": is_achieved(float(after[key]), tgt.target, tgt.direction)
                    if tgt else None,
                }
            )
    return pd.DataFrame(rows)


def kpi_comparison(
    current: Client, future: Client, *, targets: Mapping[str, Any] | None = None,
    names: tuple[str, str] = ("current", "future"),
) -> pd.DataFrame:
    """KPIs of two states side by side with the targets: kpi, label, <current>, <future>,
    change, target, direction, achieved_current, achieved_future.

    ``targets`` default to the current client's vision.yml targets.
    """
    from .kpi import kpis

    if targets is None:
        targets = current.vision.targets if current.vision is not None else {}
    a, b = kpis(current), kpis(future)
    rows = []
    for key in a:
        tgt = targets.get(key)
        rows.append(
            {
                "kpi": key,
                "label": schema.KPI_LABELS.get(key, key),
                names[0]: float(a[key]),
                names[1]: float(b[key]),
                "change": float(b[key]) - float(a[key]),
                "target": float(tgt.target) if tgt else np.nan,
                "direction": tgt.direction if tgt else None,
                f"achieved_{names[0]}": is_achieved(a[key], tgt.target, tgt.direction) if tgt else None,
                f"achieved_{names[1]}": is_achieved(b[key], tgt.target, tgt.direction) if tgt else None,
            }
        )
    return pd.DataFrame(rows)


labels.register(
    {
        "future": "施策後",
        "proposal": "再配置案",
        "achieved_current": "現状で達成",
        "achieved_future": "施策後に達成",
        "achieved_proposal": "再配置案で達成",
    }
)


def freed_by_member(current: Client, future: Client) -> pd.DataFrame:
    """Where the freed hours are: per member, hours before and after, freed, utilisation.

    Columns: member_id, name, grade, capacity_hours, hours_before, hours_after, freed,
    utilization_before, utilization_after; largest ``freed`` first.
    """
    before = current.hours.groupby("member_id", observed=True)["hours"].sum()
    after = future.hours.groupby("member_id", observed=True)["hours"].sum()
    out = current.members[["member_id", "name", "grade", "capacity_hours"]].copy()
    out["hours_before"] = out["member_id"].map(before).fillna(0.0).astype(float)
    out["hours_after"] = out["member_id"].map(after).fillna(0.0).astype(float)
    out["freed"] = out["hours_before"] - out["hours_after"]
    cap = out["capacity_hours"].astype(float).replace(0.0, np.nan)
    out["utilization_before"] = out["hours_before"] / cap
    out["utilization_after"] = out["hours_after"] / cap
    return out.sort_values(["freed", "member_id"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def strategic_potential(current: Client, future: Client) -> dict[str, float]:
    """What the freed hours could mean for strategic work.

    Keys: freed_hours (current total - future total), strategic_hours_now,
    strategic_share_now, strategic_share_after (future state as simulated, share of the
    future total), strategic_share_if_redirected (every freed hour spent on strategic work
    instead, so the department keeps today's total hours).
    """
    from .kpi import kpis

    now, after = kpis(current), kpis(future)
    total_now, total_after = float(now["total_hours"]), float(after["total_hours"])
    s_now = float(now["strategic_share"]) * total_now
    s_after = float(after["strategic_share"]) * total_after
    freed = total_now - total_after
    return {
        "freed_hours": freed,
        "strategic_hours_now": s_now,
        "strategic_share_now": s_now / total_now if total_now else np.nan,
        "strategic_share_after": s_after / total_after if total_after else np.nan,
        "strategic_share_if_redirected": (s_after + freed) / total_now if total_now else np.nan,
    }



def effects_table(
    effects: pd.DataFrame, kpis: list[str] | None = None, *, formatted: bool = False
) -> pd.DataFrame:
    """``measure_effects`` in wide form for reading: one row for today and one per measure
    (cumulative state after it), the hours it frees and the KPIs (default: those with a target),
    and a last row with the targets.

    Columns: measure, action, freed_hours, then one column per KPI key. ``formatted=True``
    gives the KPI values as text (%, 人, 時間/月).
    """
    if effects.empty:
        return pd.DataFrame(columns=["measure", "action", "freed_hours"])
    if kpis is None:
        kpis = list(dict.fromkeys(effects.loc[effects["target"].notna(), "kpi"])) or list(
            dict.fromkeys(effects["kpi"]))
    steps = effects[effects["measure"] != CUMULATIVE]
    first = steps[steps["step"] == steps["step"].min()].set_index("kpi")
    rows = [{"measure": "現状", "action": "", "freed_hours": 0.0, **{k: first.loc[k, "before"] for k in kpis}}]
    for (_, name), block in steps.groupby(["step", "measure"], sort=True):
        b = block.set_index("kpi")
        rows.append({"measure": name, "action": b["action"].iloc[0], "freed_hours": b["freed_hours"].iloc[0],
                     **{k: b.loc[k, "after"] for k in kpis}})
    targets = effects.drop_duplicates("kpi").set_index("kpi")["target"]
    if targets.reindex(kpis).notna().any():
        rows.append({"measure": "目標", "action": "", "freed_hours": np.nan,
                     **{k: targets.get(k, np.nan) for k in kpis}})
    out = pd.DataFrame(rows)
    if formatted:
        from .gap import format_kpi

        for k in kpis:
            out[k] = [format_kpi(k, v) if v == v else "" for v in out[k]]
    return out


def effects_summary(freed: pd.DataFrame, comparison: pd.DataFrame) -> str:
    """Japanese sentences on what the measures achieve, from ``hours_freed`` and
    ``kpi_comparison(current, future)``."""
    if freed.empty:
        return "vision.yml に施策(measures)がないため、将来像は現状と同じです。"
    total = float(freed["freed_hours"].sum())
    best = freed.sort_values("freed_hours", ascending=False).iloc[0]
    current_total = float(comparison.set_index("kpi").loc["total_hours", "current"])
    share = f"(現状の{total / current_total:.1%})" if current_total > 0 else ""
    text = (f"{len(freed)}件の施策で、月{total:,.1f}時間{share}の工数が生まれる見込みです。"
            f"最も効果が大きいのは「{best['measure']}」(月{best['freed_hours']:,.1f}時間)です。")
    adding = freed[freed["freed_hours"] < 0]
    if len(adding):
        text += ("一方、「" + "」「".join(adding["measure"]) + "」は引き継ぎ・調整の工数が削減分を上回り、"
                 "工数がかえって増えます。集約の範囲を見直す余地があります。")
    with_target = comparison.dropna(subset=["target"])
    if len(with_target):
        now = int(with_target["achieved_current"].astype(bool).sum())
        after = int(with_target["achieved_future"].astype(bool).sum())
        text += f"目標のある{len(with_target)}指標のうち、達成数は現状{now}件から施策後{after}件になります。"
        still = with_target[~with_target["achieved_future"].astype(bool)]
        if len(still):
            text += "施策後も未達なのは「" + "」「".join(still["label"]) + "」で、追加の打ち手が必要です。"
    return text


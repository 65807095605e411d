"""Roadmap: the measures of vision.yml on a monthly calendar (start, end, owner).

:func:`roadmap_table` lists the measures with their schedule and, when the survey is given,
the hours each frees; :func:`monthly_plan` spreads them over the months, so a chart or a
workshop can see how many measures each owner carries at once.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from . import labels
from .client import Client, Measure
from .errors import Problem, SurveyError

labels.register(
    {
        "start": "開始",
        "end": "終了",
        "months": "期間(月)",
        "scope": "対象",
        "reduction": "削減率",
        "month": "月",
        "active_measures": "実施中の施策数",
    }
)

ROADMAP_COLUMNS = ["measure", "action", "owner", "start", "end", "months", "scope", "reduction",
                   "freed_hours"]


def _scope(m: Measure) -> str:
    if m.tasks:
        return "業務 " + "、".join(map(str, m.tasks))
    return f"大分類「{m.category}」" if m.category else ""


def schedule_problems(measures: Iterable[Measure]) -> list[Problem]:
    """Measures whose schedule cannot be drawn: a missing start/end or an end before the start."""
    problems = []
    for i, m in enumerate(measures):
        where = f"measures {i + 1}件目「{m.name}」"
        if m.start is None or m.end is None:
            missing = "start" if m.start is None else "end"
            problems.append(Problem("vision.yml", f"{missing} がありません。2027-01 のように年月で入力してください。",
                                    sheet=where, column=missing))
        elif m.end < m.start:
            problems.append(Problem("vision.yml", f"end({m.end})が start({m.start})より前です。",
                                    sheet=where, column="end", value=str(m.end)))
    return problems


def roadmap_table(
    source: Client | Iterable[Measure], *, freed: pd.DataFrame | None = None, strict: bool = False
) -> pd.DataFrame:
    """The measures as a roadmap table, ordered by start (then end, then vision.yml order).

    ``source`` is a client (its vision.yml measures; the hours each frees are simulated) or a
    list of measures. ``freed`` may pass a ``gyomu.simulation.hours_freed`` table instead.
    Columns: measure, action, owner, start, end (monthly Periods), months (inclusive),
    scope (対象の業務), reduction, freed_hours (NaN when not known).
    Measures without a start or end keep NaT; ``strict=True`` raises SurveyError for them
    and for an end before the start.
    """
    if isinstance(source, Client):
        measures = list(source.vision.measures) if source.vision is not None else []
        if freed is None and measures:
            from .simulation import hours_freed

            freed = hours_freed(source, measures)
    else:
        measures = list(source)
    if strict:
        problems = schedule_problems(measures)
        if problems:
            raise SurveyError(problems)
    rows = []
    for i, m in enumerate(measures):
        months = (m.end - m.start).n + 1 if m.start is not None and m.end is not None else None
        rows.append({
            "measure": m.name, "action": m.action, "owner": m.owner or "未定",
            "start": m.start, "end": m.end, "months": months, "scope": _scope(m),
            "reduction": float(m.reduction),
            "freed_hours": float(freed["freed_hours"].iloc[i]) if freed is not None and i < len(freed) else float("nan"),
            "_order": i,
        })
    out = pd.DataFrame(rows, columns=[*ROADMAP_COLUMNS, "_order"])
    out["start"] = pd.PeriodIndex(out["start"], freq="M") if len(out) else pd.Series(dtype="period[M]")
    out["end"] = pd.PeriodIndex(out["end"], freq="M") if len(out) else pd.Series(dtype="period[M]")
    out["months"] = pd.to_numeric(out["months"]).astype("Int64")
    out["freed_hours"] = out["freed_hours"].astype(float)
    out["reduction"] = out["reduction"].astype(float)
    if len(out):
        out = out.assign(_s=out["start"].map(lambda p: p.ordinal if pd.notna(p) else 10**9),
                         _e=out["end"].map(lambda p: p.ordinal if pd.notna(p) else 10**9))
        out = out.sort_values(["_s", "_e", "_order"], kind="stable").drop(columns=["_s", "_e"])
    return out.drop(columns="_order").reset_index(drop=True)


def monthly_plan(roadmap: pd.DataFrame) -> pd.DataFrame:
    """How many measures each owner runs in each month: owner x month counts (0 where none).

    Rows: owners (in roadmap order); columns: monthly Periods from the first start to the last
    end. Measures without dates are left out.
    """
    dated = roadmap.dropna(subset=["start", "end"])
    if dated.empty:
        return pd.DataFrame()
    months = pd.period_range(dated["start"].min(), dated["end"].max(), freq="M")
    owners = list(dict.fromkeys(dated["owner"]))
    out = pd.DataFrame(0, index=pd.Index(owners, name="owner"), columns=months)
    for owner, start, end in zip(dated["owner"], dated["start"], dated["end"], strict=True):
        out.loc[owner, pd.period_range(start, end, freq="M")] += 1
    out.columns.name = "month"
    return out


def roadmap_summary(roadmap: pd.DataFrame) -> str:
    """A few Japanese sentences on a roadmap: period, busiest month and owner, freed hours."""
    if roadmap.empty:
        return "vision.yml に施策(measures)がありません。"
    dated = roadmap.dropna(subset=["start", "end"])
    text = f"施策は{len(roadmap)}件です。"
    if not dated.empty:
        first, last = dated["start"].min(), dated["end"].max()
        text += f"{first.year}年{first.month}月に始まり、{last.year}年{last.month}月に完了する計画です。"
        plan = monthly_plan(roadmap)
        per_month = plan.sum(axis=0)
        peak = per_month.idxmax()
        text += f"同時に動く施策が最も多いのは{peak.year}年{peak.month}月({int(per_month.max())}件)です。"
        busiest = plan.max(axis=1)
        if busiest.max() >= 2:
            who = busiest.idxmax()
            text += f"{who}は最大{int(busiest.max())}件を同時に担当するため、負荷の集中に注意が必要です。"
    if roadmap["freed_hours"].notna().any():
        text += f"全施策で月{roadmap['freed_hours'].sum():,.1f}時間の工数を生み出す見込みです。"
    missing = len(roadmap) - len(dated)
    if missing:
        text += f"開始・終了が未定の施策が{missing}件あります。"
    return text


def roadmap_display(roadmap: pd.DataFrame) -> pd.DataFrame:
    """``roadmap_table`` for people: months as 2027年1月, 未定 where a date is missing."""
    out = roadmap.copy()
    for col in ("start", "end"):
        out[col] = [f"{p.year}年{p.month}月" if pd.notna(p) else "未定" for p in out[col]]
    out["months"] = out["months"].astype(object).where(out["months"].notna(), "")
    return out

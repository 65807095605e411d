"""Periodic review: the KPIs across survey rounds (history/<wave>/) and what changed most.

The current survey is the latest wave; ``client.history`` holds the earlier ones. Waves are
ordered by their labels (e.g. ``2025-10`` < ``2026-10``), the current one last.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels, schema
from .client import Client
from .gap import format_kpi, is_achieved

labels.register(
    {
        "wave": "調査回",
        "status": "状態",
        "change_pct": "増減率",
        "hours_previous": "前回の工数",
        "hours_latest": "今回の工数",
        "members_before": "前回の担当人数",
        "members_after": "今回の担当人数",
        "previous": "前回",
        "latest": "今回",
        "achieved_previous": "前回に達成",
        "achieved_latest": "今回に達成",
    }
)


def waves(client: Client) -> list[tuple[str, Client]]:
    """(wave label, client) for every round, oldest first, the current survey last."""
    current = client.wave or "今回"
    earlier = sorted((w, c) for w, c in client.history.items() if w != current)
    return [*earlier, (current, client)]


def wave_kpis(client: Client) -> pd.DataFrame:
    """KPIs of every survey round: one row per wave (oldest first), columns wave + KPI keys."""
    from .kpi import kpis

    rows = [{"wave": w, **kpis(c)} for w, c in waves(client)]
    return pd.DataFrame(rows, columns=["wave", *schema.KPI_KEYS])


def wave_comparison(client: Client, previous: str | None = None) -> pd.DataFrame:
    """Every KPI in the previous round and now, with the change and the vision.yml targets.

    Columns: kpi, label, previous, latest, change, target, direction, achieved_previous,
    achieved_latest (NaN/None without a target). ``previous`` defaults to the latest
    earlier wave. Empty without history.
    """
    table = wave_kpis(client).set_index("wave")
    if len(table) < 2:
        return pd.DataFrame(columns=["kpi", "label", "previous", "latest", "change", "target", "direction",
                                     "achieved_previous", "achieved_latest"])
    prev = table.loc[previous] if previous is not None else table.iloc[-2]
    last = table.iloc[-1]
    targets = client.vision.targets if client.vision is not None else {}
    rows = []
    for key in schema.KPI_KEYS:
        tgt = targets.get(key)
        rows.append({
            "kpi": key, "label": schema.KPI_LABELS[key],
            "previous": float(prev[key]), "latest": float(last[key]),
            "change": float(last[key]) - float(prev[key]),
            "target": float(tgt.target) if tgt else np.nan,
            "direction": tgt.direction if tgt else None,
            "achieved_previous": is_achieved(float(prev[key]), tgt.target, tgt.direction) if tgt else None,
            "achieved_latest": is_achieved(float(last[key]), tgt.target, tgt.direction) if tgt else None,
        })
    return pd.DataFrame(rows)


def task_changes(client: Client, previous: str | None = None, top: int | None = 10) -> pd.DataFrame:
    """Tasks whose monthly hours changed most since the previous round (matched by 業務ID).

    Columns: task_id, task, category, hours_previous, hours_latest, change, change_pct (NaN for
    new tasks), members_before, members_after (members with hours > 0), status (新規 /
    廃止・未回答 / 増加 / 減少 / 変化なし). Ordered by the size of the change, largest first;
    ``top`` rows (None: all). Empty without history.
    """
    rounds = dict(waves(client))
    cols = ["task_id", "task", "category", "hours_previous", "hours_latest", "change", "change_pct",
            "members_before", "members_after", "status"]
    if len(rounds) < 2:
        return pd.DataFrame(columns=cols)
    labels_ = list(rounds)
    old = rounds[previous] if previous is not None else rounds[labels_[-2]]

    def per_task(c: Client) -> pd.DataFrame:
        h = c.hours.assign(task_id=c.hours["task_id"].astype(str))
        g = h.groupby("task_id")
        return pd.DataFrame({"hours": g["hours"].sum(),
                             "members": h[h["hours"] > 0].groupby("task_id")["member_id"].nunique()})

    before, after = per_task(old), per_task(client)
    names = pd.concat([old.tasks, client.tasks]).assign(task_id=lambda d: d["task_id"].astype(str))
    names = names.drop_duplicates("task_id", keep="last").set_index("task_id")
    ids = list(dict.fromkeys([*client.tasks["task_id"].astype(str), *old.tasks["task_id"].astype(str)]))
    out = pd.DataFrame({"task_id": ids})
    out["task"] = out["task_id"].map(names["task"])
    out["category"] = out["task_id"].map(names["category"])
    out["hours_previous"] = out["task_id"].map(before["hours"]).fillna(0.0).astype(float)
    out["hours_latest"] = out["task_id"].map(after["hours"]).fillna(0.0).astype(float)
    out["change"] = out["hours_latest"] - out["hours_previous"]
    out["change_pct"] = out["change"] / out["hours_previous"].where(out["hours_previous"] > 0)
    out["members_before"] = out["task_id"].map(before["members"]).fillna(0).astype(int)
    out["members_after"] = out["task_id"].map(after["members"]).fillna(0).astype(int)
    old_ids = set(old.tasks["task_id"].astype(str))
    new_ids = set(client.tasks["task_id"].astype(str))
    out["status"] = np.select(
        [~out["task_id"].isin(old_ids), ~out["task_id"].isin(new_ids), out["change"] > 1e-9,
         out["change"] < -1e-9],
        ["新規", "廃止・未回答", "増加", "減少"], default="変化なし",
    )
    out = out.assign(_abs=out["change"].abs()).sort_values(["_abs", "task_id"], ascending=[False, True],
                                                          kind="stable")
    out = out.drop(columns="_abs").reset_index(drop=True)
    return out if top is None else out.head(top)


def wave_summary(client: Client) -> str:
    """Japanese sentences on the trend since the previous round (or why there is none)."""
    comp = wave_comparison(client)
    if comp.empty:
        return ("前回の調査結果(history/<調査回>/)がないため、推移はまだ示せません。"
                "次回の調査では今回の survey.xlsx を history/ に移して比較します。")
    rounds = [w for w, _ in waves(client)]
    rows = comp.set_index("kpi")
    total = rows.loc["total_hours"]
    text = (f"前回({rounds[-2]})から今回({rounds[-1]})までに、総工数は {format_kpi('total_hours', total['previous'])} から "
            f"{format_kpi('total_hours', total['latest'])} に変わりました。")
    with_target = comp.dropna(subset=["target"])
    if not with_target.empty:
        improved = with_target[with_target["achieved_latest"].astype(bool) & ~with_target["achieved_previous"].astype(bool)]
        worse = with_target[~with_target["achieved_latest"].astype(bool) & with_target["achieved_previous"].astype(bool)]
        text += f"目標のある{len(with_target)}指標のうち、今回達成しているのは{int(with_target['achieved_latest'].astype(bool).sum())}件です。"
        if len(improved):
            text += "新たに達成したのは「" + "」「".join(improved["label"]) + "」です。"
        if len(worse):
            text += "前回は達成していたのに今回は未達なのは「" + "」「".join(worse["label"]) + "」です。"
    changes = task_changes(client, top=1)
    if len(changes):
        t = changes.iloc[0]
        text += f"工数の変化が最も大きい業務は「{t['task']}」({t['change']:+,.1f}時間/月、{t['status']})です。"
    return text

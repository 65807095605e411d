"""業務集約 (consolidation) assessment: which tasks to move to one desk, and which to leave in the field.

Consolidating a task pools the work of many members at one desk, which saves time (fewer
people each relearning a little of it), but it also adds hand-off work: requests, handing
over material, checking results. That cost is modelled explicitly by :func:`handoff_hours`,
so a task's net gain can be negative and consolidating everything never comes out best:
every consolidated task pays a fixed coordination cost and a cost per member who now has to
hand it off, which small or judgment-heavy tasks cannot repay.

:func:`assess_consolidation` scores each task (routine, volume, fragmentation, low
difficulty, remote-possible, documented), estimates gross hours saved, hand-off hours and
net gain, and gives a verdict 集約推奨 / 要検討 / 現場に残す with its reasons in Japanese.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .client import Client
from .labels import register
from .workload import _pair_hours, prepare

__all__ = [
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLDS",
    "DEFAULT_HANDOFF",
    "DEFAULT_SAVING",
    "VERDICTS",
    "handoff_hours",
    "assess_consolidation",
    "consolidation_summary",
    "consolidation_scenarios",
    "describe_consolidation",
]

VERDICTS = ("集約推奨", "要検討", "現場に残す")

#: Weights of the score components (each component is between 0 and 1; the score is the
#: weighted mean, so it is between 0 and 1 too).
#: routine: 定型 1, 非定型 0.4, 突発 0 · volume: hours / thresholds["volume_full"], at most 1 ·
#: fragmentation: 1 − HHI of the members' hours (many members each doing a little → near 1) ·
#: ease: (5 − 難易度) / 4 · remote: 可 1, 一部可 0.5, 不可 0 · documented: 有 1, 無 0, blank 0.5.
DEFAULT_WEIGHTS: dict[str, float] = {
    "routine": 0.25,
    "volume": 0.15,
    "fragmentation": 0.20,
    "ease": 0.15,
    "remote": 0.15,
    "documented": 0.10,
}

#: recommend: score at or above which a task with enough net gain is 集約推奨 ·
#: consider: score at or above which a task is 要検討 ·
#: min_net_gain: net hours/month a 集約推奨 task must at least save ·
#: volume_full: hours/month at which the volume component reaches 1 ·
#: judgment_difficulty: 難易度 from which a non-routine task is kept in the field (judgment).
DEFAULT_THRESHOLDS: dict[str, float] = {
    "recommend": 0.6,
    "consider": 0.4,
    "min_net_gain": 1.0,
    "volume_full": 40.0,
    "judgment_difficulty": 4,
}

#: Hand-off model (hours/month a consolidated task adds):
#: fixed + per_member × members doing it today + hours × (rate + the surcharges that apply).
#: fixed: intake, tracking and reporting of one more task at the desk ·
#: per_member: each member who now hands the task over instead of doing it ·
#: rate: back-and-forth on every task · nonroutine / adhoc: extra for 非定型 / 突発 work ·
#: presence / partial_presence: extra when リモート is 不可 / 一部可 (material and people on site) ·
#: judgment: extra for 難易度 ≥ judgment_difficulty · undocumented: extra for マニュアル 無
#: (half of it when not stated).
DEFAULT_HANDOFF: dict[str, float] = {
    "fixed": 2.0,
    "per_member": 0.5,
    "rate": 0.05,
    "nonroutine": 0.15,
    "adhoc": 0.30,
    "presence": 0.25,
    "partial_presence": 0.10,
    "judgment": 0.10,
    "judgment_difficulty": 4,
    "undocumented": 0.05,
}

#: Gross saving rate of a consolidated task: base + fragmentation × (1 − HHI) + routine × routine
#: component. With the defaults a routine task spread evenly over five members saves 36 %.
DEFAULT_SAVING: dict[str, float] = {"base": 0.10, "fragmentation": 0.20, "routine": 0.10}

_ROUTINE = {"定型": 1.0, "非定型": 0.4, "突発": 0.0}
_REMOTE = {"可": 1.0, "一部可": 0.5, "不可": 0.0}
_DOCUMENTED = {"有": 1.0, "無": 0.0}

register(
    {
        "score": "集約適性スコア",
        "verdict": "判定",
        "reasons": "理由",
        "gross_saved": "削減工数(時間/月)",
        "handoff_hours": "引き継ぎ工数(時間/月)",
        "net_gain": "純効果(時間/月)",
        "standardisability": "標準化しやすさ",
        "routine": "定型度",
        "volume": "工数規模",
        "fragmentation": "分散度",
        "ease": "易しさ",
        "remote_score": "リモート適性",
        "documented_score": "文書化",
        "scenario": "シナリオ",
        "n_tasks": "業務数",
    }
)


def _task_features(client: Client) -> pd.DataFrame:
    """Per task: hours, members doing it, HHI of their hours, and the task attributes."""
    p = prepare(client)
    n_t = p.n_tasks
    _, pair_t, pair_hours = _pair_hours(p)
    n_working = np.bincount(pair_t, minlength=n_t)
    th = p.task_hours
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = (pair_hours / th[pair_t]) ** 2
    hhi = np.bincount(pair_t, weights=sq, minlength=n_t)
    hhi = np.where(th > 0, hhi, 1.0)
    tasks = p.tasks
    out = pd.DataFrame(
        {
            "task_id": tasks["task_id"].astype(str),
            "task": tasks["task"].astype(object),
            "category": tasks["category"].astype(object),
            "kind": tasks["kind"].astype(object),
            "difficulty": pd.to_numeric(tasks["difficulty"].astype(object), errors="coerce"),
            "remote": tasks["remote"].astype(object),
            "manual": tasks["manual"].astype(object),
            "hours": th,
            "n_working": n_working,
            "hhi": hhi,
        }
    )
    return out


def _handoff(features: pd.DataFrame, params: dict[str, float]) -> pd.Series:
    kind = features["kind"]
    remote = features["remote"]
    manual = features["manual"]
    surcharge = (
        params["rate"]
        + np.where(kind == "非定型", params["nonroutine"], 0.0)
        + np.where(kind == "突発", params["adhoc"], 0.0)
        + np.where(remote == "不可", params["presence"], 0.0)
        + np.where(remote == "一部可", params["partial_presence"], 0.0)
        + np.where(features["difficulty"].fillna(0) >= params["judgment_difficulty"], params["judgment"], 0.0)
        + np.where(manual == "無", params["undocumented"], np.where(manual == "有", 0.0, params["undocumented"] / 2))
    )
    members = np.maximum(features["n_working"].to_numpy(), 1)
    hours = params["fixed"] + params["per_member"] * members + features["hours"].to_numpy() * surcharge
    return pd.Series(hours, index=pd.Index(features["task_id"], name="task_id"), name="handoff_hours")


def handoff_hours(client: Client, task_ids: Iterable[str] | None = None, **params: float) -> pd.Series:
    """Coordination hours per month that consolidating each task adds (task_id → hours).

    ``hours = fixed + per_member × members doing the task today (at least 1)
    + task hours × (rate + surcharges)``, the surcharges being ``nonroutine`` (非定型),
    ``adhoc`` (突発), ``presence`` (リモート 不可), ``partial_presence`` (リモート 一部可),
    ``judgment`` (難易度 ≥ ``judgment_difficulty``) and ``undocumented`` (マニュアル 無; half of it
    when not stated). Defaults in :data:`DEFAULT_HANDOFF`; pass any of them as keywords to
    override. ``task_ids=None`` gives every task; unknown IDs raise ``KeyError``.
    """
    unknown = set(params) - set(DEFAULT_HANDOFF)
    if unknown:
        raise TypeError(f"handoff_hours: 不明なパラメータ {sorted(unknown)}")
    merged = {**DEFAULT_HANDOFF, **params}
    result = _handoff(_task_features(client), merged)
    if task_ids is not None:
        ids = [str(t) for t in task_ids]
        missing = [t for t in ids if t not in result.index]
        if missing:
            raise KeyError(f"業務一覧にない業務ID: {missing}")
        result = result.loc[ids]
    return result


def _reasons(row: dict, th: dict[str, float]) -> tuple[str, list[str]]:
    """The verdict and its Japanese reasons for one assessed task."""
    keep: list[str] = []
    if row["remote"] == "不可":
        keep.append("現地での対応が必要(リモート不可)")
    if row["difficulty"] >= th["judgment_difficulty"] and row["kind"] != "定型":
        keep.append(f"判断を要する(難易度{int(row['difficulty'])}・{row['kind']})")
    if row["net_gain"] <= 1e-9:
        keep.append(
            f"規模が小さく引き継ぎ工数{row['handoff_hours']:.1f}時間が削減{row['gross_saved']:.1f}時間を上回る"
        )
    good: list[str] = []
    if row["kind"] == "定型":
        good.append("定型業務")
    if row["n_working"] >= 3 and row["fragmentation"] >= 0.5:
        good.append(f"{int(row['n_working'])}名に分散")
    if row["hours"] >= th["volume_full"] / 2:
        good.append(f"月{row['hours']:.0f}時間とまとまった工数")
    if row["difficulty"] <= 2:
        good.append(f"難易度{int(row['difficulty'])}と易しい")
    if row["remote"] == "可":
        good.append("リモート可")
    if row["manual"] == "有":
        good.append("マニュアル有")
    net = f"純効果{row['net_gain'] + 0.0:+.1f}時間/月".replace("-0.0", "±0.0").replace("+0.0", "±0.0")
    if keep:
        return "現場に残す", keep + [net]
    eps = 1e-9  # rounding: 4 − 3 must meet a threshold of 1
    score_ok = row["score"] >= th["recommend"] - eps
    net_ok = row["net_gain"] >= th["min_net_gain"] - eps
    if score_ok and net_ok:
        return "集約推奨", good + [net]
    if row["score"] >= th["consider"] - eps:
        weak = []
        if not score_ok:
            weak.append(f"適性スコア{row['score']:.2f}は推奨水準{th['recommend']:.2f}未満")
        if not net_ok:
            weak.append(f"純効果が基準({th['min_net_gain']:.1f}時間/月)未満")
        if row["kind"] == "突発":
            weak.append("突発業務")
        if row["manual"] == "無":
            weak.append("マニュアル無")
        return "要検討", good + weak + [net]
    return "現場に残す", [f"集約の適性スコアが低い({row['score']:.2f})", net]


def assess_consolidation(
    client: Client,
    *,
    weights: dict[str, float] | None = None,
    thresholds: dict[str, float] | None = None,
    handoff: dict[str, float] | None = None,
    saving: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Consolidation assessment per task, sorted by net gain (largest first).

    Columns: task_id, task, category, kind, difficulty, remote, manual, hours, n_working (members with hours on it),
    the score components (routine, volume, fragmentation, ease, remote_score, documented_score),
    standardisability (mean of routine, ease and documented), score (weighted mean of the
    components), gross_saved, handoff_hours, net_gain (= gross_saved − handoff_hours),
    verdict and reasons (Japanese).

    Verdict: 現場に残す when the task needs presence (リモート 不可), needs judgment (難易度 ≥
    ``judgment_difficulty`` and not 定型) or its net gain is not positive; otherwise 集約推奨
    when score ≥ ``recommend`` and net gain ≥ ``min_net_gain``; 要検討 when score ≥
    ``consider``; else 現場に残す. Any key of :data:`DEFAULT_WEIGHTS`,
    :data:`DEFAULT_THRESHOLDS`, :data:`DEFAULT_HANDOFF` or :data:`DEFAULT_SAVING` may be
    overridden by the matching argument.
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    th = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    ho = {**DEFAULT_HANDOFF, **(handoff or {})}
    sv = {**DEFAULT_SAVING, **(saving or {})}
    f = _task_features(client)
    f["routine"] = f["kind"].map(_ROUTINE).fillna(0.0).astype(float)
    volume_full = float(th["volume_full"]) or 1.0
    f["volume"] = np.minimum(f["hours"] / volume_full, 1.0)
    f["fragmentation"] = np.where(f["hours"] > 0, 1.0 - f["hhi"], 0.0)
    f["ease"] = ((5 - f["difficulty"]) / 4).clip(0, 1).fillna(0.5)
    f["remote_score"] = f["remote"].map(_REMOTE).fillna(0.0).astype(float)
    f["documented_score"] = f["manual"].map(_DOCUMENTED).fillna(0.5).astype(float)
    f["standardisability"] = (f["routine"] + f["ease"] + f["documented_score"]) / 3
    components = {
        "routine": "routine", "volume": "volume", "fragmentation": "fragmentation",
        "ease": "ease", "remote": "remote_score", "documented": "documented_score",
    }
    weight_sum = sum(float(w[k]) for k in components) or 1.0
    f["score"] = sum(float(w[k]) * f[col] for k, col in components.items()) / weight_sum
    rate = sv["base"] + sv["fragmentation"] * f["fragmentation"] + sv["routine"] * f["routine"]
    f["gross_saved"] = f["hours"] * rate
    f["handoff_hours"] = _handoff(f, ho).to_numpy()
    f["net_gain"] = f["gross_saved"] - f["handoff_hours"]
    verdicts = [_reasons(row, th) for row in f.to_dict("records")]
    f["verdict"] = pd.Categorical([v for v, _ in verdicts], categories=list(VERDICTS))
    f["reasons"] = ["、".join(r) for _, r in verdicts]
    f = f.drop(columns=["hhi"])
    return f.sort_values(["net_gain", "task_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def consolidation_summary(assessment: pd.DataFrame) -> pd.DataFrame:
    """Per verdict: number of tasks, hours, gross saved, hand-off hours and net gain."""
    g = assessment.groupby("verdict", observed=False)
    out = pd.DataFrame(
        {
            "n_tasks": g.size(),
            "hours": g["hours"].sum(),
            "gross_saved": g["gross_saved"].sum(),
            "handoff_hours": g["handoff_hours"].sum(),
            "net_gain": g["net_gain"].sum(),
        }
    ).reindex(list(VERDICTS)).fillna(0)
    out["n_tasks"] = out["n_tasks"].astype(int)
    out.index.name = "verdict"
    return out


def consolidation_scenarios(assessment: pd.DataFrame) -> pd.DataFrame:
    """Net gain of three scenarios: 集約推奨 only, 集約推奨 + 要検討, and every task.

    Shows why consolidating everything is not the best plan: tasks that cannot repay their
    hand-off cost pull the total down.
    """
    rows = []
    for label, verdicts in (
        ("集約推奨のみ集約", ("集約推奨",)),
        ("集約推奨と要検討を集約", ("集約推奨", "要検討")),
        ("全業務を集約", VERDICTS),
    ):
        part = assessment[assessment["verdict"].isin(verdicts)]
        rows.append(
            {
                "scenario": label,
                "n_tasks": len(part),
                "hours": float(part["hours"].sum()),
                "gross_saved": float(part["gross_saved"].sum()),
                "handoff_hours": float(part["handoff_hours"].sum()),
                "net_gain": float(part["net_gain"].sum()),
            }
        )
    return pd.DataFrame(rows)


def describe_consolidation(assessment: pd.DataFrame) -> str:
    """Two or three Japanese sentences on the assessment, written from its numbers."""
    if assessment.empty:
        return "評価対象の業務がありません。"
    s = consolidation_summary(assessment)
    sc = consolidation_scenarios(assessment)
    rec = s.loc["集約推奨"]
    text = [
        f"{len(assessment)}業務のうち集約推奨は{int(rec['n_tasks'])}業務(月{rec['hours']:,.0f}時間)で、"
        f"引き継ぎ工数を差し引いた純効果は月{rec['net_gain']:,.1f}時間です。"
    ]
    consider, keep = s.loc["要検討"], s.loc["現場に残す"]
    text.append(
        f"要検討は{int(consider['n_tasks'])}業務、現場に残す業務は{int(keep['n_tasks'])}業務"
        f"(月{keep['hours']:,.0f}時間)です。"
    )
    best = sc.loc[sc["net_gain"].idxmax()]
    everything = sc.iloc[-1]
    text.append(
        f"全業務を集約すると純効果は月{everything['net_gain']:,.1f}時間となり、"
        f"最も効果が大きいのは「{best['scenario']}」(月{best['net_gain']:,.1f}時間)です。"
    )
    return "".join(text)

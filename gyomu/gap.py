"""Vision against the current state: KPI gaps and maturity gaps.

The targets of vision.yml are compared with the KPIs the survey gives (``gyomu.kpi``).
A target's ``direction`` says what "achieved" means:

* ``at_least`` (e.g. strategic_share): achieved when current >= target,
  gap = target - current;
* ``at_most`` (e.g. person_dependent_share): achieved when current <= target,
  gap = current - target.

So ``gap`` is always the shortfall: positive means still to close, zero or negative means the
target is met (with a margin of ``-gap``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from . import labels, schema
from .client import Client, Target, Vision
from .errors import Problem, SurveyError

GAP_COLUMNS = ["kpi", "label", "current", "target", "direction", "gap", "achieved"]
MATURITY_COLUMNS = ["rank", "dimension", "current", "target", "gap", "achieved"]

#: Japanese wording of a target direction.
DIRECTION_LABELS = {"at_least": "以上を目指す", "at_most": "以下に抑える"}

#: Tolerance for "achieved" so 0.30000000004 counts as reaching 0.30.
TOLERANCE = 1e-9

labels.register(
    {
        "kpi": "KPI",
        "label": "指標",
        "current": "現状",
        "target": "目標",
        "direction": "方向",
        "gap": "ギャップ",
        "achieved": "達成",
        "dimension": "観点",
        "rank": "順位",
    }
)


def shortfall(current: float, target: float, direction: str) -> float:
    """How far ``current`` is from ``target`` in the direction of the goal (positive = short)."""
    if direction == "at_least":
        return float(target) - float(current)
    if direction == "at_most":
        return float(current) - float(target)
    raise ValueError(f"direction は at_least か at_most です: {direction!r}")


def is_achieved(current: float, target: float, direction: str) -> bool:
    """Whether ``current`` meets ``target`` in ``direction`` (NaN current: not achieved)."""
    if current is None or (isinstance(current, float) and math.isnan(current)):
        return False
    return shortfall(current, target, direction) <= TOLERANCE


def evaluate_targets(values: Mapping[str, float], targets: Mapping[str, Target]) -> pd.DataFrame:
    """Compare KPI ``values`` (a ``kpis()`` dict) with ``targets``; one row per target.

    Columns: kpi, label, current, target, direction, gap, achieved (see the module docstring).
    A target whose KPI the survey does not give raises :class:`SurveyError` naming vision.yml.
    """
    unknown = [key for key in targets if key not in values]
    if unknown:
        known = "、".join(schema.KPI_KEYS)
        raise SurveyError(
            [
                Problem(
                    "vision.yml",
                    f"KPI '{key}' は計算できません。targets に書けるのは次のキーです: {known}",
                    sheet="targets",
                    column=key,
                    value=key,
                )
                for key in unknown
            ]
        )
    rows = []
    for key, tgt in targets.items():
        current = float(values[key])
        rows.append(
            {
                "kpi": key,
                "label": schema.KPI_LABELS.get(key, key),
                "current": current,
                "target": float(tgt.target),
                "direction": tgt.direction,
                "gap": shortfall(current, tgt.target, tgt.direction),
                "achieved": is_achieved(current, tgt.target, tgt.direction),
            }
        )
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return out.astype({"current": float, "target": float, "gap": float, "achieved": bool})


def _vision(client: Client) -> Vision:
    return client.vision if client.vision is not None else Vision()


def gap_table(client: Client, values: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Every KPI target of the client's vision.yml against the current KPI.

    ``values`` defaults to ``gyomu.kpis(client)``; pass them when already computed (or to
    compare a simulated future state). A client without vision.yml gives an empty table.
    """
    targets = _vision(client).targets
    if not targets:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _GAP_DTYPES.items()})
    if values is None:
        from .kpi import kpis

        values = kpis(client)
    return evaluate_targets(values, targets)


_GAP_DTYPES = {
    "kpi": "str", "label": "str", "current": "float", "target": "float", "direction": "str",
    "gap": "float", "achieved": "bool",
}


def maturity_gaps(client: Client) -> pd.DataFrame:
    """The maturity self-assessment, gaps ranked largest first.

    Columns: rank (1 = largest gap), dimension, current, target, gap (= target - current),
    achieved (current >= target). Ties keep the vision.yml order. Empty without vision.yml.
    """
    mat = _vision(client).maturity
    if mat is None or len(mat) == 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            MATURITY_COLUMNS, ["int", "str", "float", "float", "float", "bool"], strict=True
        )})
    out = mat[["dimension", "current", "target"]].copy()
    out["current"] = pd.to_numeric(out["current"]).astype(float)
    out["target"] = pd.to_numeric(out["target"]).astype(float)
    out["gap"] = out["target"] - out["current"]
    out["achieved"] = out["gap"] <= TOLERANCE
    out = out.sort_values("gap", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def gap_summary(table: pd.DataFrame) -> str:
    """One Japanese sentence on a :func:`gap_table`: how many targets are met, the largest gap."""
    if table.empty:
        return "vision.yml に KPI の目標がありません。"
    met = int(table["achieved"].sum())
    text = f"{len(table)}件の目標のうち{met}件を達成しています。"
    open_ = table[~table["achieved"]]
    if not open_.empty:
        rel = open_.assign(rel=open_["gap"] / open_["target"].abs().where(open_["target"] != 0, 1))
        worst = rel.sort_values("rel", ascending=False).iloc[0]
        text += (
            f"相対的に最も遠いのは「{worst['label']}」で、現状 {format_kpi(worst['kpi'], worst['current'])}"
            f"、目標 {format_kpi(worst['kpi'], worst['target'])}"
            f"({DIRECTION_LABELS[worst['direction']]})です。"
        )
    return text


def format_kpi(key: str, value: float) -> str:
    """A KPI value as people read it (``gyomu.kpi.format_kpi``; NaN shows as a dash)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    from .kpi import format_kpi as _format

    return _format(key, value)


def vision_help_markdown(client: Client) -> str:
    """Japanese Markdown for a client without vision.yml: what to add, with an example that
    works for this survey (its current KPIs, its task IDs and categories)."""
    from .kpi import kpis

    values = kpis(client)
    strategic = max(round(values["strategic_share"] + 0.1, 2), 0.1)
    dependent = max(round(values["person_dependent_share"] / 2, 2), 0.05)
    ids = client.tasks["task_id"].astype(str).tolist()[:2] or ["T01", "T02"]
    cats = client.tasks["category"].dropna().astype(str).unique().tolist() or ["庶務"]
    example = f"""vision: 目の前の業務に追われず、会社の変化に先回りして動ける総務になる
targets:                          # KPI の目標(現状は調査から自動で計算)
  strategic_share: {strategic}           # 戦略業務比率(以上を目指す。現状 {values['strategic_share']:.1%})
  person_dependent_share: {dependent}    # 属人化業務比率(以下に抑える。現状 {values['person_dependent_share']:.1%})
maturity:                         # ワークショップでの自己評価 1〜5
  - {{dimension: 業務標準化, current: 2, target: 4}}
  - {{dimension: 属人化の解消, current: 1, target: 3}}
measures:                         # ギャップを埋める施策
  - name: 定型業務の外部委託
    tasks: [{', '.join(ids)}]             # 業務ID のリスト(または category: {cats[0]})
    action: 外部委託              # 外部委託 / 集約 / 自動化 / 廃止 / 標準化
    reduction: 0.5                # 対象業務の工数のうち部署から外れる割合
    start: 2027-01
    end: 2027-03
    owner: 総務課長"""
    return (
        f"**{client.name}** のフォルダには **vision.yml** がありません。"
        "このノートブックの後半(目標とのギャップ、施策の効果、ロードマップ)は vision.yml を元に計算します。\n\n"
        "ワークショップで決めた内容を、クライアントフォルダ"
        + (f"(`{client.path}`)" if client.path else "")
        + "に `vision.yml` として保存し、ノートブックを再実行してください。"
        "書けるキーは targets(KPI の目標)、maturity(成熟度の自己評価)、measures(施策)です。"
        "この調査の業務IDと現状値を使った例:\n\n```yaml\n" + example + "\n```\n\n"
        "それまでの間も、現状の KPI、業務分掌案、前回調査からの推移は表示します。"
    )


def kpi_display(table: pd.DataFrame, value_columns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """A KPI table (gap_table, kpi_comparison, wave_comparison …) formatted for people: the
    value columns as text by each row's KPI (%, 人, 時間/月), directions in Japanese and the
    achieved flags as 達成 / 未達. The ``kpi`` column is dropped."""
    out = table.copy()
    if value_columns is None:
        value_columns = [c for c in out.columns if c in
                         ("current", "target", "future", "proposal", "previous", "latest", "gap", "change")]
    def fmt(key: str, value: float, delta: bool) -> str:
        if value is None or value != value:
            return ""
        if delta and (key.endswith("share") or key == "max_utilization"):
            return f"{value * 100:+.1f}pt"  # a difference of shares is in percentage points
        return ("+" if delta and value > 0 else "") + format_kpi(key, value)

    for col in value_columns:
        delta = col in ("gap", "change")
        out[col] = [fmt(k, v, delta) for k, v in zip(out["kpi"], out[col], strict=True)]
    if "direction" in out:
        out["direction"] = out["direction"].map(lambda d: DIRECTION_LABELS.get(d, "") if isinstance(d, str) else "")
    for col in [c for c in out.columns if str(c).startswith("achieved")]:
        out[col] = out[col].map(lambda a: "" if a is None or a != a else ("達成" if a else "未達"))
    return out.drop(columns="kpi").astype({c: object for c in value_columns})


def maturity_display(table: pd.DataFrame) -> pd.DataFrame:
    """``maturity_gaps`` for people: scores as integers and 達成 / 未達."""
    out = table.copy()
    for col in ("current", "target", "gap"):
        out[col] = out[col].round().astype(int)
    out["achieved"] = out["achieved"].map({True: "達成", False: "未達"})
    return out


#: Interview codes (default codebook) that speak to each KPI, for the qualitative evidence of a gap.
GAP_EVIDENCE_CODES: dict[str, tuple[str, ...]] = {
    "total_hours": ("業務過多",),
    "fte": ("業務過多",),
    "strategic_share": ("戦略的取組の不足", "業務過多", "期待される役割"),
    "routine_share": ("集約・標準化", "業務過多"),
    "adhoc_share": ("業務過多", "他部門連携"),
    "remote_share": ("働き方", "IT・DX"),
    "outsourceable_share": ("集約・標準化",),
    "person_dependent_share": ("属人化", "情報共有不足", "人材育成"),
    "undocumented_dependent_share": ("属人化", "集約・標準化"),
    "delegable_share": ("人材育成", "期待される役割"),
    "max_utilization": ("業務過多", "離職・定着"),
    "overloaded_members": ("業務過多", "離職・定着"),
    "truck_factor": ("属人化", "人材育成"),
}

labels.register({"evidence": "インタビューでの言及", "quote": "代表的な発言"})


def gap_evidence(
    gaps: pd.DataFrame, issues: pd.DataFrame, mapping: Mapping[str, tuple[str, ...]] | None = None
) -> pd.DataFrame:
    """The open gaps of a :func:`gap_table` with the interview issues that speak to them.

    ``issues`` is ``gyomu.interview_analysis.issue_list(client)`` (code, interviewees, quote).
    One row per target not yet achieved: label, current, target (as text), evidence
    (e.g. ``属人化(7人)・人材育成(3人)``, the related codes that interviewees raised, most
    raised first) and quote (the first quote of the most raised related code; empty when none).
    """
    mapping = GAP_EVIDENCE_CODES if mapping is None else mapping
    raised = issues.set_index("code") if len(issues) else pd.DataFrame(columns=["interviewees", "quote"])
    rows = []
    for _, g in gaps[~gaps["achieved"].astype(bool)].iterrows():
        codes = [c for c in mapping.get(g["kpi"], ()) if c in raised.index]
        codes.sort(key=lambda c: -int(raised.loc[c, "interviewees"]))
        quote = ""
        if codes and isinstance(raised.loc[codes[0], "quote"], str):
            quote = raised.loc[codes[0], "quote"].split(" / ")[0]
        rows.append({
            "label": g["label"],
            "current": format_kpi(g["kpi"], g["current"]),
            "target": format_kpi(g["kpi"], g["target"]),
            "evidence": "・".join(f"{c}({int(raised.loc[c, 'interviewees'])}人)" for c in codes),
            "quote": quote,
        })
    return pd.DataFrame(rows, columns=["label", "current", "target", "evidence", "quote"])

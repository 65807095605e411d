"""Charts of the workload analysis, seaborn-style: ``plot_x(data, *, ax=None, ...) -> Axes``.

``data`` is the table of the matching function in :mod:`gyomu.workload` or
:mod:`gyomu.consolidation`; every title, axis and legend is Japanese.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from . import plotting  # Japanese font and theme; heatmap
from .plotting import PALETTE, VERDICT_COLORS

__all__ = [
    "plot_hours_by_grade_category",
    "plot_utilization",
    "plot_pareto",
    "plot_member_category_heatmap",
    "plot_person_dependency",
    "plot_resignation_risk",
    "plot_grade_difficulty",
    "plot_consolidation_map",
]

DOCUMENTED_COLORS = {"無": "#e76f51", "不明": "#f4a261", "有": "#8ab17d"}
OVER_COLOR, UNDER_COLOR = "#e76f51", "#2a9d8f"


def _ax(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _short(text: object, width: int = 18) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def plot_hours_by_grade_category(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Stacked bars: hours per grade (x), split by 大分類 (``workload.grade_category_hours``)."""
    ax = _ax(ax, (8, 4.5))
    colors = sns.color_palette(PALETTE, max(len(data.columns), 1))
    bottom = np.zeros(len(data))
    x = np.arange(len(data))
    for color, col in zip(colors, data.columns, strict=False):
        values = data[col].to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, label=str(col), color=color, width=0.65)
        bottom += values
    ax.set_xticks(x, [str(i) for i in data.index])
    ax.set_xlabel("等級")
    ax.set_ylabel("工数(時間/月)")
    ax.set_title("等級別・大分類別の工数")
    if len(data.columns):
        ax.legend(title="大分類", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return ax


def plot_utilization(data: pd.DataFrame, *, ax: Axes | None = None, top: int = 40) -> Axes:
    """Horizontal bars of each member's utilisation with the capacity line at 100 %
    (``workload.utilization``; the ``top`` most utilised members)."""
    d = data.dropna(subset=["utilization"]).head(top).iloc[::-1]
    ax = _ax(ax, (8, max(2.5, 0.35 * len(d) + 1)))
    colors = [OVER_COLOR if o else UNDER_COLOR for o in d["overloaded"]]
    ax.barh(d["name"].astype(str), d["utilization"].to_numpy(dtype=float), color=colors)
    ax.axvline(1.0, color="#264653", linestyle="--", linewidth=1.2)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("稼働率(工数 ÷ 月間所定時間)")
    ax.set_ylabel("")
    ax.set_title("メンバー別の稼働率")
    ax.legend(
        handles=[Patch(color=OVER_COLOR, label="所定時間超過"), Patch(color=UNDER_COLOR, label="所定時間内"),
                 plt.Line2D([], [], color="#264653", linestyle="--", label="所定時間(100%)")],
        loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
    )
    return ax


def plot_pareto(data: pd.DataFrame, *, ax: Axes | None = None, top: int = 30) -> Axes:
    """Pareto chart (``workload.pareto``): the ``top`` largest tasks as bars, the cumulative
    share of all hours as a line on the right axis. Returns the bar Axes."""
    d = data.head(top)
    ax = _ax(ax, (10, 4.8))
    x = np.arange(len(d))
    colors = [UNDER_COLOR if t else "#a8dadc" for t in d["top_group"]]
    ax.bar(x, d["hours"].to_numpy(dtype=float), color=colors)
    ax.set_xticks(x, [_short(t, 12) for t in d["task"]], rotation=75, ha="right", fontsize=8)
    ax.set_ylabel("工数(時間/月)")
    ax.set_title(f"工数の大きい業務(上位{len(d)}件)と累積構成比")
    right = ax.twinx()
    right.plot(x, d["cum_share"].to_numpy(dtype=float), color="#e76f51", marker="o", markersize=3)
    right.set_ylim(0, 1.05)
    right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    right.set_ylabel("累積構成比")
    right.grid(False)
    ax.legend(
        handles=[Patch(color=UNDER_COLOR, label="工数上位20%の業務"), Patch(color="#a8dadc", label="その他の業務"),
                 plt.Line2D([], [], color="#e76f51", marker="o", label="累積構成比")],
        loc="center right", frameon=True,
    )
    return ax


def plot_member_category_heatmap(data: pd.DataFrame, *, ax: Axes | None = None, top: int = 40) -> Axes:
    """Heatmap of hours per member (rows, the ``top`` busiest) and 大分類
    (``workload.member_category_hours``)."""
    d = data.head(top)
    ax = _ax(ax, (max(6, 0.9 * len(d.columns) + 3), max(3, 0.35 * len(d) + 1.5)))
    plotting.heatmap(
        d, ax=ax, cmap="YlOrRd", annot=len(d) <= 25, fmt=".0f", linewidths=0.5,
        cbar_kws={"label": "工数(時間/月)"},
    )
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=30)
    ax.set_xlabel("大分類")
    ax.set_ylabel("メンバー")
    ax.set_title("メンバー別・大分類別の工数")
    return ax


def plot_person_dependency(data: pd.DataFrame, *, ax: Axes | None = None, top: int = 20) -> Axes:
    """Horizontal bars of the person-dependent tasks' hours, coloured by whether a manual
    exists (``workload.person_dependent_tasks``; the ``top`` largest)."""
    d = data.head(top).iloc[::-1]
    ax = _ax(ax, (9, max(2.5, 0.35 * len(d) + 1.2)))
    if d.empty:
        ax.text(0.5, 0.5, "属人化業務はありません", ha="center", va="center", transform=ax.transAxes)
    else:
        labels = [f"{_short(t, 16)}({_short(m, 10)})" for t, m in zip(d["task"], d["members"], strict=True)]
        colors = [DOCUMENTED_COLORS.get(x, "#999999") for x in d["documented"]]
        ax.barh(labels, d["hours"].to_numpy(dtype=float), color=colors)
        shown = set(d["documented"])  # only the kinds that have a bar
        ax.legend(handles=[Patch(color=c, label=f"マニュアル{k}")
                           for k, c in DOCUMENTED_COLORS.items() if k in shown],
                  loc="lower right", frameon=True)
    ax.set_xlabel("工数(時間/月)")
    ax.set_title("属人化業務(担当できる人が1人の業務)")
    return ax


def plot_resignation_risk(data: pd.DataFrame, *, ax: Axes | None = None, top: int = 20) -> Axes:
    """Stacked horizontal bars per member: hours left with nobody if they leave, split into
    undocumented and other (``workload.resignation_risk``; members with any risk)."""
    d = data[data["orphaned_hours"] > 0].head(top).iloc[::-1]
    ax = _ax(ax, (8, max(2.5, 0.4 * len(d) + 1.2)))
    if d.empty:
        ax.text(0.5, 0.5, "誰が抜けても担当者不在になる業務はありません", ha="center", va="center",
                transform=ax.transAxes)
    else:
        names = d["name"].astype(str)
        undocumented = d["undocumented_hours"].to_numpy(dtype=float)
        rest = d["orphaned_hours"].to_numpy(dtype=float) - undocumented
        ax.barh(names, undocumented, color=DOCUMENTED_COLORS["無"], label="マニュアル無")
        ax.barh(names, rest, left=undocumented, color="#8ab17d", label="マニュアル有・不明")
        for y, (hours, tasks) in enumerate(zip(d["orphaned_hours"], d["orphaned_tasks"], strict=True)):
            ax.text(hours, y, f" {int(tasks)}業務", va="center", fontsize=8)
        ax.legend(loc="lower right", frameon=True)
    ax.set_xlabel("退職時に担当者不在になる工数(時間/月)")
    ax.set_title("退職リスク:抜けると止まる業務の工数")
    return ax


def plot_grade_difficulty(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heatmap of hours per grade and 難易度 (``workload.grade_difficulty_hours``)."""
    ax = _ax(ax, (7, max(3, 0.5 * len(data) + 1.5)))
    plotting.heatmap(data.iloc[::-1], ax=ax, cmap="Blues", annot=True, fmt=".0f", linewidths=0.5,
                cbar_kws={"label": "工数(時間/月)"})
    ax.tick_params(axis="y", labelrotation=0)
    ax.set_xlabel("難易度(1 易 〜 5 熟練)")
    ax.set_ylabel("等級")
    ax.set_title("等級×難易度の工数")
    return ax


def plot_consolidation_map(data: pd.DataFrame, *, ax: Axes | None = None, annotate: int = 6) -> Axes:
    """Consolidation map (``consolidation.assess_consolidation``): volume (hours, x) against
    standardisability (y), coloured by verdict, sized by members doing the task; the
    ``annotate`` tasks with the largest net gain are labelled."""
    ax = _ax(ax, (9, 5.5))
    d = data[data["hours"] > 0]
    for verdict, color in VERDICT_COLORS.items():
        part = d[d["verdict"] == verdict]
        ax.scatter(part["hours"], part["standardisability"], s=30 + 25 * part["n_working"], color=color,
                   alpha=0.8, edgecolor="white", linewidth=0.6, label=f"{verdict}({len(part)}件)")
    for _, row in d.sort_values("net_gain", ascending=False).head(annotate).iterrows():
        ax.annotate(_short(row["task"], 14), (row["hours"], row["standardisability"]), fontsize=8,
                    xytext=(4, 4), textcoords="offset points")
    if len(d) and d["hours"].max() / max(d["hours"].min(), 1e-9) > 50:
        ax.set_xscale("log")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("工数(時間/月)")
    ax.set_ylabel("標準化しやすさ(定型・易しさ・マニュアル)")
    ax.set_title("業務集約マップ")
    ax.legend(title="判定(円の大きさ=実施人数)", loc="lower right", frameon=True)
    return ax


"""Charts of the gap analysis: KPIs against targets, maturity radar, hours freed by measure
(waterfall), roadmap Gantt, member x category heatmaps before/after and the wave trend.

Every function takes the table the library computes (data first) and returns the Axes or
Figure it drew on. Texts are Japanese (IPAexGothic via :mod:`gyomu.plotting`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from . import plotting, schema
from .client import Client
from .gap import DIRECTION_LABELS, format_kpi

MET, SHORT, FUTURE = "#2a9d8f", "#e76f51", "#8ab6d6"


def plot_kpi_targets(
    data: pd.DataFrame, *, future: str | None = None, current: str = "current", ncols: int = 4,
    figsize_per: tuple[float, float] = (2.4, 2.3),
) -> Figure:
    """One small panel per KPI: the current value (and ``future`` column, when given) as bars
    and the target as a dashed line. Bars are green when the target is met, orange when not.

    ``data`` is a ``gap_table`` or a ``kpi_comparison`` (rows without a target are skipped).
    """
    rows = data.dropna(subset=["target"]).reset_index(drop=True)
    n = max(len(rows), 1)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(figsize_per[0] * ncols, figsize_per[1] * nrows),
                             squeeze=False)
    for ax in axes.ravel()[len(rows):]:
        ax.set_visible(False)
    if rows.empty:
        axes[0, 0].set_visible(True)
        axes[0, 0].text(0.5, 0.5, "目標が設定されていません", ha="center", va="center")
        axes[0, 0].set_axis_off()
        return fig
    for ax, (_, row) in zip(axes.ravel(), rows.iterrows(), strict=False):
        names = ["現状"] + (["施策後"] if future else [])
        values = [row[current]] + ([row[future]] if future else [])
        ok = [_met(v, row["target"], row["direction"]) for v in values]
        colors = [MET if o else SHORT for o in ok]
        if future:
            colors[1] = colors[1] if ok[1] else FUTURE
        bars = ax.bar(names, values, color=colors, width=0.6)
        ax.axhline(row["target"], color="#264653", ls="--", lw=1.2)
        top = max([*values, row["target"]]) or 1.0
        ax.set_ylim(0, top * 1.3)
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, v, format_kpi(row["kpi"], v), ha="center",
                    va="bottom", fontsize=8)
        # just above the dashed line, on a light patch: legible over a bar too
        ax.annotate(f"目標 {format_kpi(row['kpi'], row['target'])}", (0.98, row["target"]),
                    xycoords=ax.get_yaxis_transform(), xytext=(0, 2), textcoords="offset points",
                    ha="right", va="bottom", fontsize=8, color="#264653",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})
        ax.set_title(f"{row['label']}\n({DIRECTION_LABELS.get(row['direction'], '')})", fontsize=9)
        if row["kpi"].endswith("share") or row["kpi"] == "max_utilization":
            ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
        elif format_kpi(row["kpi"], 1.0).endswith("人"):  # a count of people: whole ticks
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=8)
    fig.legend(handles=[Patch(color=MET, label="目標達成"), Patch(color=SHORT, label="未達"),
                        *([Patch(color=FUTURE, label="施策後も未達")] if future else [])],
               loc="lower center", ncol=3, frameon=False, bbox_to_anchor=(0.5, -0.02))
    # fixed spacing (two-line panel titles, tick labels) instead of tight_layout, which
    # measures every text of every panel; saving with bbox_inches="tight" trims the margins
    height = figsize_per[1] * nrows
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.55 / height, top=1 - 0.65 / height,
                        wspace=0.4, hspace=0.6)
    fig.suptitle("KPI の現状と目標", fontsize=12, y=1 - 0.1 / height)
    return fig


def _met(value: float, target: float, direction: str) -> bool:
    from .gap import is_achieved

    return is_achieved(float(value), float(target), direction)


def plot_maturity_radar(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Maturity self-assessment (1–5) as a radar chart: current and target per dimension.

    ``data`` is ``maturity_gaps(client)`` (or any frame with dimension, current, target).
    ``ax``, when given, must be a polar Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 5.5), subplot_kw={"projection": "polar"})
    dims = data["dimension"].astype(str).tolist()
    if not dims:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "成熟度の自己評価がありません", transform=ax.transAxes, ha="center")
        return ax
    angles = np.linspace(0, 2 * np.pi, len(dims), endpoint=False).tolist()
    closed = [*angles, angles[0]]
    for col, name, color in (("target", "目標", MET), ("current", "現状", SHORT)):
        values = data[col].astype(float).tolist()
        ax.plot(closed, [*values, values[0]], color=color, lw=2, label=name)
        ax.fill(closed, [*values, values[0]], color=color, alpha=0.15)
    ax.set_xticks(angles)
    ax.set_xticklabels(dims, fontsize=9)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_yticklabels(["1", "2", "3", "4", "5"], fontsize=7)
    ax.set_title("成熟度(自己評価 1〜5): 現状と目標", pad=18)
    ax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.1), frameon=False)
    return ax


def plot_hours_waterfall(data: pd.DataFrame, *, total: float, ax: Axes | None = None) -> Axes:
    """Waterfall from today's total hours through each measure to the future total.

    ``data`` is ``gyomu.simulation.hours_freed(client)``; ``total`` today's total hours.
    A measure that adds hours (集約 whose hand-off cost exceeds its savings) goes up, in red.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.3 * (len(data) + 2)), 4.5))
    names = ["現状", *data["measure"].astype(str), "施策後"]
    level = float(total)
    bottoms, heights, colors = [0.0], [level], ["#8d99ae"]
    for freed in data["freed_hours"].astype(float):
        new = level - freed
        bottoms.append(min(level, new))
        heights.append(abs(freed))
        colors.append(MET if freed >= 0 else SHORT)
        level = new
    bottoms.append(0.0)
    heights.append(level)
    colors.append("#264653")
    x = np.arange(len(names))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6)
    for i, (b, h) in enumerate(zip(bottoms, heights, strict=True)):
        if i in (0, len(names) - 1):
            label = f"{h:,.0f}"
        else:
            freed = float(data["freed_hours"].iloc[i - 1])
            label = f"{-freed:+,.1f}"
        ax.text(i, b + h, label, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([_wrap(n) for n in names], fontsize=8)
    low = min(bottoms[1:-1] + [level]) if len(names) > 2 else level
    floor = max(0.0, low - (total - low) * 1.5 - 0.05 * total)
    ax.set_ylim(floor, max(total, max(b + h for b, h in zip(bottoms, heights, strict=True))) * 1.04)
    ax.set_ylabel("月間工数(時間)" + (f"\n※縦軸は{floor:,.0f}時間から" if floor > 0 else ""))
    ax.set_title("施策ごとの工数の増減(ウォーターフォール)")
    ax.legend(handles=[Patch(color=MET, label="工数を削減"), Patch(color=SHORT, label="工数が増加(引き継ぎ等)")],
              frameon=False, fontsize=8, loc="upper right")
    return ax


def _wrap(text: str, width: int = 8) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


def plot_roadmap(data: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Gantt chart of the measures: one bar per measure from its start month to its end month,
    coloured by owner, labelled with the action. ``data`` is ``roadmap_table(...)``.
    """
    dated = data.dropna(subset=["start", "end"]).reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.55 * max(len(dated), 2) + 1.5))
    if dated.empty:
        ax.text(0.5, 0.5, "日程のある施策がありません", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    origin = dated["start"].min()
    owners = list(dict.fromkeys(dated["owner"].astype(str)))
    palette = dict(zip(owners, sns.color_palette(plotting.PALETTE, len(owners)), strict=True))
    for i, row in dated.iterrows():
        left = (row["start"] - origin).n
        width = (row["end"] - row["start"]).n + 1
        ax.barh(i, width, left=left, color=palette[str(row["owner"])], height=0.6)
        ax.text(left + 0.1, i, row["action"], va="center", fontsize=8, color="white")
    months = pd.period_range(origin, dated["end"].max(), freq="M")
    ax.set_xticks(np.arange(len(months)) + 0.5)
    ax.set_xticklabels([f"{p.year}年\n{p.month}月" if p.month == 1 or i == 0 else f"{p.month}月"
                        for i, p in enumerate(months)], fontsize=8)
    ax.set_xlim(0, len(months))
    ax.set_yticks(range(len(dated)))
    ax.set_yticklabels(dated["measure"], fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(handles=[Patch(color=c, label=o) for o, c in palette.items()], title="責任者",
              frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("ロードマップ(施策の実施期間と責任者)")
    return ax


def member_category_hours(client: Client, *, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Monthly hours per member (rows, by name in メンバーID order) and 大分類 (columns)."""
    h = client.hours.merge(client.tasks[["task_id", "category"]], on="task_id", how="left")
    table = h.pivot_table(index="member_id", columns="category", values="hours", aggfunc="sum",
                          fill_value=0.0, observed=True)
    members = client.members.sort_values("member_id", kind="stable")
    table = table.reindex(members["member_id"], fill_value=0.0)
    table.index = pd.Index(
        [f"{n}({g})" for n, g in zip(members["name"].astype(str), members["grade"].astype(str), strict=True)],
        name="メンバー")
    cats = list(order) if order is not None else list(dict.fromkeys(client.tasks["category"].astype(str)))
    table = table.reindex(columns=[c for c in cats if c in table.columns] or table.columns, fill_value=0.0)
    table.columns.name = "大分類"
    return table


def plot_member_category_heatmaps(
    before: Client, after: Client, *, titles: tuple[str, str] = ("現状", "施策後"),
) -> Figure:
    """Two member x 大分類 heatmaps of monthly hours, one above the other on one colour
    scale (stacked, so the figure keeps a page's proportions and its labels stay legible
    when printed)."""
    order = list(dict.fromkeys([*before.tasks["category"].astype(str), *after.tasks["category"].astype(str)]))
    a = member_category_hours(before, order=order)
    b = member_category_hours(after, order=order).reindex(index=a.index, columns=a.columns, fill_value=0.0)
    vmax = float(max(a.to_numpy().max(initial=0), b.to_numpy().max(initial=0))) or 1.0
    height = 1.6 + 2 * (0.3 + 0.3 * len(a))
    fig = plt.figure(figsize=(2.4 + 0.75 * len(a.columns), height))
    # fixed margins (no tight_layout, which cannot place the shared colour bar); saving
    # with bbox_inches="tight" keeps the member names that reach past the left edge
    grid = fig.add_gridspec(2, 2, width_ratios=[1, 0.03], wspace=0.04, hspace=0.25,
                            left=0.2, right=0.9, top=1 - 0.75 / height, bottom=0.95 / height)
    top = fig.add_subplot(grid[0, 0])
    axes = [top, fig.add_subplot(grid[1, 0], sharex=top)]
    scale = fig.add_subplot(grid[:, 1])
    for ax, table, title in zip(axes, (a, b), titles, strict=True):
        plotting.heatmap(table, ax=ax, cmap="YlOrRd", vmin=0, vmax=vmax, annot=True, fmt=".0f",
                         annot_kws={"fontsize": 8}, cbar=ax is axes[1], cbar_ax=scale,
                         cbar_kws={"label": "月間工数(時間)"}, linewidths=0.5, linecolor="white")
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("メンバー")
        ax.tick_params(axis="y", labelsize=8)
    top.set_xlabel("")
    top.tick_params(axis="x", labelbottom=False)
    axes[1].set_xlabel("大分類")
    axes[1].tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.suptitle("メンバー × 大分類の工数", y=1 - 0.15 / height)
    return fig


def plot_wave_trend(data: pd.DataFrame, *, kpis: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Share KPIs across survey rounds as lines. ``data`` is ``gyomu.waves.wave_kpis(client)``."""
    keys = list(kpis) if kpis is not None else [
        "strategic_share", "routine_share", "person_dependent_share", "undocumented_dependent_share",
        "delegable_share", "remote_share",
    ]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    long = data.melt(id_vars="wave", value_vars=keys, var_name="kpi", value_name="value")
    long["指標"] = long["kpi"].map(schema.KPI_LABELS)
    sns.lineplot(long, x="wave", y="value", hue="指標", marker="o", ax=ax, palette=plotting.PALETTE)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("調査回")
    ax.set_ylabel("総工数に占める割合")
    ax.set_title("調査回ごとの主な KPI の推移")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax

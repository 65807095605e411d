"""Charts of the interview coding (Japanese, seaborn-style: data first, ``ax=None``)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from . import plotting  # Japanese font; heatmap
from .labels import label


def _integer_colorbar(ax: Axes) -> None:
    colorbar = ax.collections[0].colorbar if ax.collections else None
    if colorbar is not None:
        colorbar.locator = MaxNLocator(integer=True)
        colorbar.update_ticks()


def _ax(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_code_by_role(freq: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None,
                      unit: str = "発言数", cmap: str = "Blues") -> Axes:
    """Heatmap of a code × role table from :func:`~gyomu.interview_analysis.code_frequency_by_role`."""
    ax = _ax(ax, (1.6 + 1.1 * max(len(freq.columns), 1), 1.2 + 0.42 * max(len(freq), 1)))
    data = freq if len(freq) and len(freq.columns) else pd.DataFrame([[0]], index=["(なし)"], columns=["(なし)"])
    plotting.heatmap(data, annot=True, fmt="d", cmap=cmap, cbar_kws={"label": unit}, linewidths=0.5, ax=ax)
    _integer_colorbar(ax)
    ax.set_xlabel("立場")
    ax.set_ylabel("コード")
    ax.set_title(title or f"立場別のコード出現({unit})")
    ax.tick_params(axis="x", labelrotation=0)
    return ax


def plot_cooccurrence(matrix: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None,
                      hide_empty: bool = True) -> Axes:
    """Heatmap of code co-occurrence (lower triangle; diagonal = segments with the code)."""
    m = matrix
    if hide_empty and len(m):
        keep = np.diag(m.to_numpy()) > 0
        m = m.loc[keep, keep]
    n = max(len(m), 1)
    ax = _ax(ax, (2.0 + 0.55 * n, 1.5 + 0.5 * n))
    if not len(m):
        m = pd.DataFrame([[0]], index=["(なし)"], columns=["(なし)"])
    mask = np.triu(np.ones(m.shape, dtype=bool), k=1)
    plotting.heatmap(m, mask=mask, annot=True, fmt="d", cmap="Oranges", cbar_kws={"label": "同じ発言に付いた数"},
                linewidths=0.5, ax=ax)
    _integer_colorbar(ax)
    ax.set_xlabel("コード")
    ax.set_ylabel("コード")
    ax.set_title(title or "コードの共起(同じ発言に付いたコードの組)")
    return ax


def plot_issue_list(issues: pd.DataFrame, *, ax: Axes | None = None, top: int = 10,
                    title: str | None = None) -> Axes:
    """Horizontal bars: how many interviewees raised each issue (from
    :func:`~gyomu.interview_analysis.issue_list`), stacked by nothing, labelled with the share."""
    data = issues.head(top)
    ax = _ax(ax, (7.5, 1.0 + 0.45 * max(len(data), 1)))
    if len(data):
        colors = sns.color_palette(plotting.PALETTE, n_colors=max(data["parent"].nunique(), 1))
        parents = list(dict.fromkeys(data["parent"].fillna("その他")))
        color = dict(zip(parents, colors, strict=False))
        ax.barh(data["code"], data["interviewees"], color=[color[p] for p in data["parent"].fillna("その他")])
        for y, (n, share) in enumerate(zip(data["interviewees"], data["interviewee_share"], strict=True)):
            ax.text(n, y, f" {n}人({share:.0%})", va="center", fontsize=9)
        ax.invert_yaxis()
        handles = [plt.Rectangle((0, 0), 1, 1, color=color[p]) for p in parents]
        ax.legend(handles, parents, title=label("parent"), loc="lower right", fontsize=8)
        ax.set_xlim(0, data["interviewees"].max() * 1.3 + 0.5)
    ax.set_xlabel("言及した回答者数(人)")
    ax.set_ylabel("")
    ax.set_title(title or "インタビューで挙がった課題(定性課題)")
    return ax


def plot_agreement(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Bars of Cohen's kappa per code (from :func:`~gyomu.agreement.agreement`) with the usual
    reading bands (0.4 まずまず, 0.6 かなり一致, 0.8 ほぼ一致)."""
    data = table.dropna(subset=["kappa"])
    ax = _ax(ax, (7.0, 1.0 + 0.4 * max(len(data), 1)))
    ax.barh(data["code"], data["kappa"], color=sns.color_palette(plotting.PALETTE)[0])
    for x, text in ((0.4, "まずまず"), (0.6, "かなり一致"), (0.8, "ほぼ一致")):
        ax.axvline(x, color="grey", linestyle="--", linewidth=0.8)
        ax.text(x, -0.7, text, fontsize=8, color="grey", ha="center")
    ax.invert_yaxis()
    ax.set_xlim(min(-0.1, float(data["kappa"].min()) - 0.05) if len(data) else -0.1, 1.05)
    ax.set_xlabel("κ係数(コードごと、発言単位)")
    ax.set_title(title or "コーダー間の一致度")
    return ax


def plot_precision_recall(table: pd.DataFrame, *, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Grouped bars of precision and recall of the auto-codes per code (from
    :func:`~gyomu.agreement.auto_vs_human`)."""
    data = table.melt(id_vars="code", value_vars=["precision", "recall"], var_name="指標", value_name="値")
    data["指標"] = data["指標"].map({"precision": "適合率", "recall": "再現率"})
    ax = _ax(ax, (7.0, 1.0 + 0.5 * max(len(table), 1)))
    sns.barplot(data=data.dropna(), y="code", x="値", hue="指標", palette=plotting.PALETTE, ax=ax,
                order=list(table["code"]))
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("割合(1 = 完全)")
    ax.set_ylabel("コード")
    ax.set_title(title or "自動コードの精度(人手コーディングとの比較)")
    return ax

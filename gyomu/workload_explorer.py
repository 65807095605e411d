"""The interactive part of notebooks/02_workload.ipynb: filters and thresholds as ipywidgets.

:func:`workload_explorer` returns a widget box: team, grade and category filters, the 属人化
threshold (tasks covered by at most N members) and the consolidation thresholds. Every
change redraws the charts and summary sentences in place, in one HTML widget (not an Output
widget, whose display routing can hang a headless papermill run).
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from . import plotting  # Japanese font and theme
from . import workload as w
from . import workload_plots as wp
from .client import Client
from .consolidation import DEFAULT_THRESHOLDS, assess_consolidation, describe_consolidation

__all__ = ["explorer_controls", "render_explorer", "workload_explorer"]


def _options(values: pd.Series) -> list[str]:
    return [str(v) for v in pd.unique(values.dropna().astype(str))]


def explorer_controls(client: Client) -> dict[str, Any]:
    """The explorer's widgets by name: teams, grades, categories (SelectMultiple; nothing
    selected = all), dependency (IntSlider), recommend / consider (FloatSlider, score) and
    min_net_gain (FloatSlider, hours/month)."""
    import ipywidgets as widgets

    layout = widgets.Layout(width="240px")
    style = {"description_width": "initial"}
    categories = w.hours_by_category(client).index.tolist()
    teams = _options(client.members["team"]) if "team" in client.members else []
    return {
        "teams": widgets.SelectMultiple(options=teams, description="所属", rows=min(6, max(2, len(teams))),
                                        layout=layout, style=style),
        "grades": widgets.SelectMultiple(options=[str(g) for g in client.config.grades], description="等級",
                                         rows=min(6, len(client.config.grades)), layout=layout, style=style),
        "categories": widgets.SelectMultiple(options=[str(c) for c in categories], description="大分類",
                                             rows=min(6, max(2, len(categories))), layout=layout, style=style),
        "dependency": widgets.IntSlider(value=1, min=1, max=5, description="属人化の基準(担当可能人数)",
                                        style=style, continuous_update=False),
        "recommend": widgets.FloatSlider(value=DEFAULT_THRESHOLDS["recommend"], min=0, max=1, step=0.05,
                                         description="集約推奨スコア", style=style, continuous_update=False),
        "consider": widgets.FloatSlider(value=DEFAULT_THRESHOLDS["consider"], min=0, max=1, step=0.05,
                                        description="要検討スコア", style=style, continuous_update=False),
        "min_net_gain": widgets.FloatSlider(value=DEFAULT_THRESHOLDS["min_net_gain"], min=0, max=20, step=0.5,
                                            description="最低純効果(時間/月)", style=style,
                                            continuous_update=False),
    }


def render_explorer(
    client: Client,
    *,
    teams: tuple[str, ...] = (),
    grades: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    dependency: int = 1,
    recommend: float = DEFAULT_THRESHOLDS["recommend"],
    consider: float = DEFAULT_THRESHOLDS["consider"],
    min_net_gain: float = DEFAULT_THRESHOLDS["min_net_gain"],
) -> tuple[str, plt.Figure]:
    """The explorer's view for one setting: a Japanese summary and a 2 × 2 figure
    (grade × category, utilisation, person dependency, consolidation map)."""
    sub = w.filter_client(client, teams=list(teams), grades=list(grades), categories=list(categories))
    p = w.prepare(sub)
    dependent = w.person_dependent_tasks(sub, max_coverers=int(dependency))
    assessment = assess_consolidation(
        sub, thresholds={"recommend": recommend, "consider": consider, "min_net_gain": min_net_gain}
    )
    scope = "、".join(x for x in ("・".join(teams), "・".join(grades), "・".join(categories)) if x) or "全体"
    basis = "1人" if dependency == 1 else f"{int(dependency)}人以下"
    text = (
        f"**対象: {scope}**(メンバー{len(sub.members)}人、業務{len(sub.tasks)}件、月{p.total:,.0f}時間)  \n"
        f"担当できる人が{basis}の業務は{len(dependent)}件、月{dependent['hours'].sum():,.0f}時間"
        f"(対象工数の{w._share(float(dependent['hours'].sum()), p.total):.0%})です。  \n"
        + describe_consolidation(assessment)
    )
    fig, axes = plt.subplots(2, 2, figsize=(15, 10))
    wp.plot_hours_by_grade_category(w.grade_category_hours(sub), ax=axes[0, 0])
    wp.plot_utilization(w.utilization(sub), ax=axes[0, 1], top=15)
    wp.plot_person_dependency(dependent, ax=axes[1, 0], top=12)
    axes[1, 0].set_title(f"担当できる人が{basis}の業務")
    wp.plot_consolidation_map(assessment, ax=axes[1, 1])
    fig.tight_layout()
    return text, fig


def workload_explorer(client: Client) -> Any:
    """The interactive explorer: controls on top, summary and charts below, redrawn in place
    whenever a control changes."""
    import ipywidgets as widgets
    import mistune

    controls = explorer_controls(client)
    output = widgets.HTML()

    def update(*_: Any) -> None:
        text, fig = render_explorer(client, **{name: c.value for name, c in controls.items()})
        output.value = mistune.html(text) + plotting.figure_html(fig)
        plt.close(fig)

    for control in controls.values():
        control.observe(update, names="value")
    update()
    filters = widgets.HBox([controls["teams"], controls["grades"], controls["categories"]])
    sliders = widgets.VBox([controls["dependency"], controls["recommend"], controls["consider"],
                            controls["min_net_gain"]])
    help_text = widgets.HTML("所属・等級・大分類は複数選択できます(未選択はすべて)。Ctrl/⌘ キーを押しながらクリックで選択を解除します。")
    box = widgets.VBox([help_text, filters, sliders, output])
    box.controls = controls  # for tests and for scripting the explorer
    return box

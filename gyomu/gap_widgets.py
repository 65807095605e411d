"""Interactive what-if for the workshop: switch measures on and off, change their reduction,
and see the future state recompute (ipywidgets, used by notebooks/03_gap_analysis.ipynb)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from .client import Client, Measure
from .plotting import figure_html
from .simulation import hours_freed, kpi_comparison, run_measures


def chosen_measures(measures: list[Measure], active: list[bool], reductions: list[float]) -> list[Measure]:
    """The measures switched on, each with its (possibly changed) reduction."""
    return [
        dataclasses.replace(m, reduction=float(r))
        for m, on, r in zip(measures, active, reductions, strict=True)
        if on
    ]


def future_tables(client: Client, measures: list[Measure]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hours_freed, kpi_comparison current vs future) for ``measures`` — what the widget shows."""
    steps = run_measures(client, measures)
    future = steps[-1].client if steps else client
    return hours_freed(client, steps=steps), kpi_comparison(client, future)


def explorer_html(client: Client, measures: list[Measure]) -> str:
    """The HTML the widget shows for ``measures``: KPIs now / after / target and the waterfall."""
    import matplotlib.pyplot as plt

    from .gap import kpi_display
    from .gap_plots import plot_hours_waterfall
    from .labels import to_japanese

    freed, comp = future_tables(client, measures)
    shown = comp.dropna(subset=["target"]) if comp["target"].notna().any() else comp
    table = to_japanese(kpi_display(shown[["kpi", "label", "current", "future", "target", "achieved_future"]]))
    parts = [f"<p>選択した施策 {len(measures)}件 / 創出工数 月{freed['freed_hours'].sum():,.1f}時間</p>",
             table.to_html(index=False)]
    if len(freed):
        ax = plot_hours_waterfall(freed, total=float(client.hours["hours"].sum()))
        parts.append(figure_html(ax.figure))
        plt.close(ax.figure)
    return "\n".join(parts)


def measure_explorer(client: Client, measures: list[Measure] | None = None) -> Any:
    """A widget: one checkbox and one reduction slider per measure; below, the KPIs now, after
    the chosen measures and the targets, and the waterfall of hours freed. Returns the widget
    (display it); ``.update()`` on it recomputes (called once at creation).

    The result is an HTML widget (not an Output widget), so running the notebook headless
    (papermill) never has to route outputs through a widget.
    """
    import ipywidgets as widgets

    base = list(measures if measures is not None else (client.vision.measures if client.vision else []))
    checks = [widgets.Checkbox(value=True, description=m.name, indent=False,
                               layout=widgets.Layout(width="320px")) for m in base]
    sliders = [widgets.FloatSlider(value=float(m.reduction), min=0.0, max=1.0, step=0.05,
                                   description="削減率", readout_format=".0%", continuous_update=False)
               for m in base]
    result = widgets.HTML()

    def update(*_: Any) -> None:
        chosen = chosen_measures(base, [c.value for c in checks], [s.value for s in sliders])
        result.value = explorer_html(client, chosen)

    for w in [*checks, *sliders]:
        w.observe(update, names="value")
    rows = [widgets.HBox([c, s]) for c, s in zip(checks, sliders, strict=True)]
    box = widgets.VBox([widgets.HTML("<b>施策の選択と削減率</b>"), *rows, result])
    box.update = update  # type: ignore[attr-defined]
    update()
    return box

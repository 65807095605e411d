"""Workload charts: Japanese labels, the numbers drawn are the table's, verdict colours."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from _workload_fixture import fixture_client  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

import gyomu  # noqa: E402
from gyomu import workload as w  # noqa: E402
from gyomu import workload_plots as wp  # noqa: E402
from gyomu.consolidation import assess_consolidation  # noqa: E402
from gyomu.plotting import VERDICT_COLORS  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample"


def _render(ax) -> None:
    """Draw the figure, turning any missing-glyph warning into a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax.figure.canvas.draw()


def _bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches]


@pytest.fixture
def client():
    return fixture_client()


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_grade_category_stacked(client):
    table = w.grade_category_hours(client)
    ax = wp.plot_hours_by_grade_category(table)
    _render(ax)
    assert ax.get_title() == "等級別・大分類別の工数"
    assert ax.get_ylabel() == "工数(時間/月)"
    heights = [p.get_height() for p in ax.patches]
    assert sorted(heights) == sorted(table.to_numpy().T.ravel().tolist())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["庶務", "総務企画", "施設管理"]


def test_utilization_has_capacity_line(client):
    ax = wp.plot_utilization(w.utilization(client))
    _render(ax)
    assert sorted(_bar_widths(ax)) == pytest.approx(sorted([1.25, 0.5625, 0.5625, 0.25]))
    assert any(np.allclose(line.get_xdata(), [1.0, 1.0]) for line in ax.get_lines())
    overloaded = [p for p in ax.patches if to_hex(p.get_facecolor()) == wp.OVER_COLOR]
    assert len(overloaded) == 1 and overloaded[0].get_width() == pytest.approx(1.25)


def test_pareto_bars_and_cumulative_line(client):
    table = w.pareto(client)
    ax = wp.plot_pareto(table)
    _render(ax)
    assert [p.get_height() for p in ax.patches] == [100, 60, 60, 30, 20]
    right = [a for a in ax.figure.axes if a is not ax][0]
    assert right.get_lines()[0].get_ydata()[-1] == pytest.approx(1.0)
    assert "累積構成比" in ax.get_title()


def test_heatmaps(client):
    ax = wp.plot_member_category_heatmap(w.member_category_hours(client))
    _render(ax)
    assert ax.get_title() == "メンバー別・大分類別の工数"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "青木 一郎"
    ax = wp.plot_grade_difficulty(w.grade_difficulty_hours(client))
    _render(ax)
    assert "90" not in [t.get_text() for t in ax.texts]  # the grid of cells, not row totals
    assert sorted(float(t.get_text()) for t in ax.texts) == sorted(
        w.grade_difficulty_hours(client).to_numpy().ravel().tolist())


def test_dependency_and_resignation_risk(client):
    ax = wp.plot_person_dependency(w.person_dependent_tasks(client))
    _render(ax)
    assert sorted(_bar_widths(ax)) == [60, 60]
    colors = {to_hex(p.get_facecolor()) for p in ax.patches}
    assert colors == {wp.DOCUMENTED_COLORS["無"], wp.DOCUMENTED_COLORS["不明"]}
    # the legend names only the kinds drawn (no "マニュアル有" without such a bar)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["マニュアル無", "マニュアル不明"]
    ax = wp.plot_resignation_risk(w.resignation_risk(client))
    _render(ax)
    # 井上 (M2): 60 h, all undocumented; 青木 (M1): 60 h, manual blank → second segment
    assert sorted(_bar_widths(ax)) == [0, 0, 60, 60]
    assert ax.get_title().startswith("退職リスク")


def test_empty_dependency_chart_says_so():
    members, tasks, hours = __import__("_workload_fixture").fixture_frames()
    empty = gyomu.make_client(members, tasks, hours.iloc[0:0], grades=["G1", "G2", "G3"])
    ax = wp.plot_person_dependency(w.person_dependent_tasks(empty))
    _render(ax)
    assert ax.texts[0].get_text() == "属人化業務はありません"


def test_consolidation_map_uses_verdict_colours(client):
    a = assess_consolidation(client)
    ax = wp.plot_consolidation_map(a)
    _render(ax)
    assert ax.get_title() == "業務集約マップ"
    used = {to_hex(c.get_facecolor()[0]) for c in ax.collections if len(c.get_offsets())}
    assert used == {VERDICT_COLORS["集約推奨"], VERDICT_COLORS["現場に残す"]}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["集約推奨(1件)", "要検討(0件)", "現場に残す(4件)"]


@pytest.mark.parametrize("sample", ["kasou-denki", "project-office"])
def test_every_chart_renders_for_the_samples(sample):
    client = gyomu.load_client(SAMPLES / sample)
    t = w.all_tables(client)
    for ax in (
        wp.plot_hours_by_grade_category(t["grade_category_hours"]),
        wp.plot_utilization(t["utilization"]),
        wp.plot_pareto(t["pareto"]),
        wp.plot_member_category_heatmap(t["member_category_hours"]),
        wp.plot_person_dependency(t["person_dependent_tasks"]),
        wp.plot_resignation_risk(t["resignation_risk"]),
        wp.plot_grade_difficulty(t["grade_difficulty_hours"]),
        wp.plot_consolidation_map(assess_consolidation(client)),
    ):
        _render(ax)
        assert ax.get_title()

"""Gap charts draw what the tables say, in Japanese, without missing glyphs."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from gap_fixtures import client  # noqa: E402

import gyomu  # noqa: E402
from gyomu.gap import maturity_gaps  # noqa: E402
from gyomu.gap_plots import (  # noqa: E402
    member_category_hours,
    plot_hours_waterfall,
    plot_kpi_targets,
    plot_maturity_radar,
    plot_member_category_heatmaps,
    plot_roadmap,
    plot_wave_trend,
)
from gyomu.roadmap import roadmap_table  # noqa: E402
from gyomu.simulation import hours_freed, kpi_comparison  # noqa: E402
from gyomu.waves import wave_kpis  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def kasou_denki():
    """The fictional sample client data/sample/kasou-denki."""
    return gyomu.load_client(Path(__file__).resolve().parents[1] / "data" / "sample" / "kasou-denki")


def texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_kpi_panels_one_per_target_with_future():
    c = client()
    fig = plot_kpi_targets(kpi_comparison(c, gyomu.simulate(c)), future="future")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3  # three targets in the fixture
    s = texts(fig)
    assert "戦略業務比率" in s and "以上を目指す" in s and "目標" in s and "施策後" in s
    fig.canvas.draw()  # renders every glyph (missing glyphs would warn -> error)


def test_kpi_panels_count_people_in_whole_numbers_and_keep_titles_apart():
    sample = kasou_denki()
    fig = plot_kpi_targets(gyomu.gap_table(sample))
    fig.canvas.draw()
    panels = {ax.get_title().split("\n")[0]: ax for ax in fig.axes if ax.get_visible()}
    for name in ("過負荷メンバー数", "トラックファクター"):
        ticks = [t for t in panels[name].get_yticks() if panels[name].get_ylim()[0] <= t <= panels[name].get_ylim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), (name, ticks)
    renderer = fig.canvas.get_renderer()  # no panel title runs into the panel above it
    boxes = [(ax.title.get_window_extent(renderer), ax.get_window_extent(renderer)) for ax in panels.values()]
    for title, _ in boxes:
        for _, panel in boxes:
            assert not title.overlaps(panel)


def test_kpi_target_labels_sit_clear_of_the_dashed_line():
    sample = kasou_denki()
    table = gyomu.gap_table(sample).dropna(subset=["target"]).reset_index(drop=True)
    fig = plot_kpi_targets(table)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(table)
    for ax, target in zip(panels, table["target"], strict=True):
        (label,) = [t for t in ax.texts if t.get_text().startswith("目標")]
        (line,) = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
        line_top = ax.transData.transform((0, target))[1] + line.get_linewidth() / 2 * fig.dpi / 72
        assert label.get_window_extent(renderer).y0 > line_top, ax.get_title()


def test_kpi_panels_without_targets_say_so():
    fig = plot_kpi_targets(gyomu.gap_table(client(with_vision=False)))
    assert "目標が設定されていません" in texts(fig)


def test_radar_has_current_and_target():
    ax = plot_maturity_radar(maturity_gaps(client()))
    lines = ax.get_lines()
    assert len(lines) == 2
    target = list(lines[0].get_ydata())
    assert target == [4.0, 4.0, 3.0, 4.0]  # ranked order 戦略性, 業務標準化, 情報共有 + closing point
    assert {t.get_text() for t in ax.get_xticklabels()} == {"戦略性", "業務標準化", "情報共有"}


def test_waterfall_steps_follow_the_freed_hours():
    c = client()
    ax = plot_hours_waterfall(hours_freed(c), total=200.0)
    bars = ax.patches
    assert len(bars) == 4  # 現状, two measures, 施策後
    assert bars[0].get_height() == pytest.approx(200.0)
    assert bars[1].get_height() == pytest.approx(30.0) and bars[1].get_y() == pytest.approx(170.0)
    assert bars[2].get_height() == pytest.approx(12.0) and bars[2].get_y() == pytest.approx(158.0)
    assert bars[3].get_height() == pytest.approx(158.0)
    assert ax.get_xticklabels()[0].get_text() == "現状"


def test_gantt_bars_span_the_months():
    ax = plot_roadmap(roadmap_table(client()))
    widths = [p.get_width() for p in ax.patches]
    lefts = [p.get_x() for p in ax.patches]
    assert widths == [3, 5] and lefts == [0, 1]  # 2027-01..03 and 2027-02..06
    assert "責任者" in texts(ax.figure)


def test_heatmaps_before_after_share_scale():
    c = client()
    table = member_category_hours(c)
    assert table.to_numpy().sum() == pytest.approx(200.0)
    assert table.loc["青木 一郎(G1)", "庶務"] == pytest.approx(70.0)
    fig = plot_member_category_heatmaps(c, gyomu.simulate(c))
    assert "施策後" in texts(fig) and "大分類" in texts(fig)
    fig.canvas.draw()


def printed_min_pt(fig) -> float:
    """The smallest text of ``fig`` in pt once the figure is fitted to the A4 text width
    of the handouts (182 mm)."""
    scale = min(1.0, 182 / 25.4 / fig.get_size_inches()[0])
    fig.canvas.draw()
    return scale * min(t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
                       if t.get_visible() and t.get_text())


def test_gap_charts_print_legibly_on_a4():
    """No text of the gap charts prints below 5.5 pt in the handouts."""
    sample = kasou_denki()
    future = gyomu.simulate(sample)
    heatmaps = plot_member_category_heatmaps(sample, future)
    assert printed_min_pt(heatmaps) >= 5.5
    rows = {t.get_text() for ax in heatmaps.axes[:2] for t in ax.get_yticklabels()}
    assert len(rows) == len(sample.members)  # both panels name every member
    assert printed_min_pt(plot_kpi_targets(gyomu.gap_table(sample))) >= 5.5
    assert printed_min_pt(plot_kpi_targets(kpi_comparison(sample, future), future="future")) >= 5.5


def test_wave_trend_draws_one_line_per_kpi():
    c = client()
    ax = plot_wave_trend(wave_kpis(c), kpis=["strategic_share", "person_dependent_share"])
    assert "調査回" in ax.get_xlabel()
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"戦略業務比率", "属人化業務比率"}

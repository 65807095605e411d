"""Charts draw Japanese with the bundled font: no tofu boxes."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from gyomu import plotting  # noqa: E402

LABELS = ["庶務", "施設管理", "契約・購買", "人事労務", "総務企画"]


def _draw(path):
    fig, ax = plt.subplots()
    sns.barplot(x=LABELS, y=[5, 4, 3, 2, 1], ax=ax)
    ax.set_title("大分類別の月間工数（時間）")
    ax.set_xlabel("大分類")
    ax.set_ylabel("工数 −時間")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path)
    plt.close(fig)
    return [str(w.message) for w in caught]


def test_japanese_labels_render_without_missing_glyphs(tmp_path):
    assert matplotlib.rcParams["font.family"] == [plotting.FONT_NAME]
    assert _draw(tmp_path / "chart.png") == []


def test_font_survives_set_theme_and_a_missing_glyph_is_caught(tmp_path):
    plotting.set_theme(style="ticks")
    assert matplotlib.rcParams["font.family"] == [plotting.FONT_NAME]
    assert _draw(tmp_path / "chart.png") == []
    # the check above can fail: seaborn's own set_theme drops the Japanese font
    sns.set_theme()
    try:
        messages = _draw(tmp_path / "tofu.png")
        assert any("missing from font" in m for m in messages)
    finally:
        plotting.set_theme()


def _chart(facecolor: str = "white"):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2), facecolor=facecolor)
    ax = fig.subplots()
    ax.bar(["庶務", "施設"], [3, 5], color=["#2a9d8f", "#e76f51"])
    ax.set_title("大分類別の工数")
    return fig


def test_opaque_png_is_rgb_with_the_same_pixels_as_matplotlibs_png():
    import io

    import numpy as np
    from PIL import Image

    from gyomu.plotting import OPAQUE_PNG

    fig = _chart()
    ours, theirs = io.BytesIO(), io.BytesIO()
    fig.savefig(ours, format=OPAQUE_PNG, dpi=150, bbox_inches="tight")
    fig.savefig(theirs, format="png", dpi=150, bbox_inches="tight")
    a, b = Image.open(io.BytesIO(ours.getvalue())), Image.open(io.BytesIO(theirs.getvalue()))
    assert (a.format, a.mode, b.mode) == ("PNG", "RGB", "RGBA")
    assert a.size == b.size
    assert np.array_equal(np.asarray(a), np.asarray(b)[..., :3])
    assert a.info["dpi"] == pytest.approx((150, 150), abs=0.1)


def test_rgb_png_decodes_to_the_same_pixels(tmp_path):
    """Random pixels exercise the Up filter's wrap-around (differences modulo 256)."""
    import io

    import numpy as np
    from PIL import Image

    from gyomu.plotting import OPAQUE_PNG, rgb_png

    pixels = np.random.default_rng(7).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    decoded = Image.open(io.BytesIO(rgb_png(pixels, dpi=220)))
    assert decoded.mode == "RGB"
    assert np.array_equal(np.asarray(decoded), pixels)
    assert decoded.info["dpi"] == pytest.approx((220, 220), abs=0.1)
    # a figure saved to a path, not a file object
    _chart().savefig(tmp_path / "chart.png", format=OPAQUE_PNG, dpi=90)
    assert Image.open(tmp_path / "chart.png").mode == "RGB"


def test_opaque_png_keeps_alpha_for_a_see_through_figure():
    import io

    from PIL import Image

    from gyomu.plotting import OPAQUE_PNG

    buf = io.BytesIO()
    _chart(facecolor="none").savefig(buf, format=OPAQUE_PNG, dpi=80)
    assert Image.open(io.BytesIO(buf.getvalue())).mode == "RGBA"


def _heatmap_png(draw) -> bytes:
    import io

    import pandas as pd

    data = pd.DataFrame([[12, 3, 0], [4, 25, 7]], index=["山田(G3)", "佐藤(G2)"],
                        columns=["総務企画", "庶務", "施設管理"])
    fig, axes = plt.subplots(1, 2, figsize=(6, 2.5))
    for ax in axes:
        draw(data, ax=ax, annot=True, fmt="d", cmap="YlOrRd", cbar=ax is axes[1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return buf.getvalue()


def test_heatmap_skips_seaborns_trial_draw_and_looks_the_same():
    from seaborn import matrix

    original = matrix._draw_figure
    drawn = []
    matrix._draw_figure = drawn.append  # counts seaborn's whole-figure trial draws
    try:
        ours = _heatmap_png(plotting.heatmap)
        assert drawn == [] and matrix._draw_figure == drawn.append  # skipped, then put back
        theirs = _heatmap_png(lambda d, **kw: sns.heatmap(d, **kw))
        assert len(drawn) == 2
    finally:
        matrix._draw_figure = original
    assert ours == _heatmap_png(lambda d, **kw: sns.heatmap(d, **kw))  # with the real trial draw
    assert theirs  # the counting stand-in drew nothing, yet the chart is complete
    with pytest.raises(ValueError):
        plotting.heatmap([[1, 2], [3]])  # a ragged table: seaborn raises ...
    assert matrix._draw_figure is original  # ... and the trial draw is back all the same


def test_titles_sit_where_matplotlibs_automatic_placement_puts_them():
    """The theme fixes the title's height (no tick-label measuring at every drawing);
    for charts with their labels below the axes the pixels are the same."""
    import io

    assert matplotlib.rcParams["axes.titley"] == 1.0

    def png(auto: bool) -> bytes:
        with matplotlib.rc_context({"axes.titley": None} if auto else {}):
            fig, axes = plt.subplots(1, 2, figsize=(6, 2.5))
            sns.barplot(x=LABELS, y=[5, 4, 3, 2, 1], ax=axes[0])
            axes[0].set_title("大分類別の月間工数（時間）")
            plotting.heatmap([[12, 3], [4, 25]], ax=axes[1], annot=True)
            axes[1].set_title("メンバー × 大分類", loc="left")
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
            plt.close(fig)
            return buf.getvalue()

    assert png(auto=False) == png(auto=True)

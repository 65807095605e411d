"""Japanese-ready matplotlib/seaborn setup shared by every plot module.

Importing this module registers the IPAexGothic font that ``matplotlib-fontja`` installs
with pip and makes it the default family, so charts never show tofu boxes. Use
:func:`set_theme` instead of ``seaborn.set_theme`` (which would reset the font family).
"""

from __future__ import annotations

import struct
from pathlib import Path

import matplotlib
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic on import)
import numpy as np
import seaborn as sns
from matplotlib import font_manager
from matplotlib.backend_bases import register_backend
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba

FONT_NAME = "IPAexGothic"
FONT_PATH = Path(matplotlib_fontja.get_font_ttf_path())

#: Colours used across the reports, so a verdict or a grade keeps its colour everywhere.
PALETTE = "Set2"
VERDICT_COLORS = {"集約推奨": "#2a9d8f", "要検討": "#e9c46a", "現場に残す": "#8d99ae"}


def heatmap(data, **kwargs):
    """``seaborn.heatmap`` without its trial drawing of the whole figure.

    Before checking whether tick labels overlap, seaborn draws the entire figure (every
    panel, every annotation) only to have a renderer; matplotlib measures the labels
    without it, so the chart comes out pixel for pixel the same, 0.1–0.2 s sooner per
    heatmap. Returns the Axes, as seaborn does.
    """
    try:
        from seaborn import matrix

        original = matrix._draw_figure
    except (ImportError, AttributeError):  # another seaborn: its own way
        return sns.heatmap(data, **kwargs)
    matrix._draw_figure = lambda fig: None
    try:
        return sns.heatmap(data, **kwargs)
    finally:
        matrix._draw_figure = original


def set_theme(style: str = "whitegrid", context: str = "notebook", **kwargs) -> None:
    """Set the seaborn theme and keep the Japanese font (seaborn's own call resets it).

    Titles sit just above the axes (``axes.titley=1.0``). matplotlib's automatic title
    position measures every tick label of both axes at each drawing, because the theme's
    hidden ticks leave their position "unknown"; gyomu's charts keep their x labels below
    the axes, so the title lands on the same pixel anyway, sooner. For a chart with labels
    on top, pass ``rc={"axes.titley": None}``.
    """
    rc = {"axes.unicode_minus": False, "figure.dpi": 110, "savefig.dpi": 200,
          "axes.titley": 1.0}
    rc.update(kwargs.pop("rc", {}))
    sns.set_theme(style=style, context=context, font=FONT_NAME, rc=rc, **kwargs)
    matplotlib.rcParams["font.family"] = [FONT_NAME]
    matplotlib.rcParams["font.sans-serif"] = [FONT_NAME, "DejaVu Sans"]
    matplotlib.rcParams["pdf.fonttype"] = 42  # embed TrueType, so text stays text in PDFs
    matplotlib.rcParams["svg.fonttype"] = "none"


def figure_html(fig, dpi: int = 90) -> str:
    """A figure as an ``<img>`` with an embedded PNG (for HTML widgets, which redraw in place
    without routing display messages through an Output widget)."""
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=dpi)
    return f"<img src='data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()}'/>"


def font_css() -> str:
    """A CSS ``@font-face`` rule for the bundled Japanese font (HTML and PDF exports)."""
    return (
        "@font-face { font-family: 'IPAexGothic'; "
        f"src: url('{FONT_PATH.as_uri()}') format('truetype'); }}"
    )


def rgb_png(pixels, dpi: float | None = None) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (height x width x 3 ``uint8``), written directly.

    Every row uses PNG's "Up" filter (the difference to the row above), compressed by zlib
    at level 1: charts are mostly flat colour, so this is about as small as Pillow's
    adaptive filtering and three times faster to encode. ``dpi`` goes into ``pHYs``.
    """
    import zlib

    rows = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width, _ = rows.shape
    flat = rows.reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), dtype=np.uint8)
    filtered[:, 0] = 2  # Up
    filtered[0, 0] = 0  # the first row has no row above: None
    filtered[0, 1:] = flat[0]
    np.subtract(flat[1:], flat[:-1], out=filtered[1:, 1:])

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    phys = b""
    if dpi:
        per_metre = round(dpi / 0.0254)
        phys = chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + phys
            + chunk(b"IDAT", zlib.compress(filtered.tobytes(), 1)) + chunk(b"IEND", b""))


class _OpaquePngCanvas(FigureCanvasAgg):
    """Agg canvas for the ``opaque_png`` savefig format (see :data:`OPAQUE_PNG`)."""

    def print_opaque_png(self, filename_or_obj, *, metadata=None, pil_kwargs=None,
                         **_: object) -> None:  # dpi, colours: set on the figure by savefig
        if to_rgba(self.figure.patch.get_facecolor())[3] < 1.0:  # see-through: keep alpha
            self.print_png(filename_or_obj, metadata=metadata, pil_kwargs=pil_kwargs)
            return
        FigureCanvasAgg.draw(self)
        data = rgb_png(np.asarray(self.buffer_rgba())[:, :, :3], dpi=self.figure.dpi)
        if hasattr(filename_or_obj, "write"):
            filename_or_obj.write(data)
        else:
            Path(filename_or_obj).write_bytes(data)


#: A savefig format: a PNG without alpha channel for figures with an opaque background
#: (``fig.savefig(path, format=OPAQUE_PNG)``). It encodes faster than matplotlib's RGBA
#: PNG, and WeasyPrint embeds it in a PDF as it is (an RGBA PNG must be split into colour
#: and mask and both re-compressed). The report run's kernels display figures with it.
OPAQUE_PNG = "opaque_png"
register_backend(OPAQUE_PNG, _OpaquePngCanvas, "PNG without alpha channel")


font_manager.fontManager.addfont(str(FONT_PATH))
set_theme()

"""Japanese-ready matplotlib/seaborn setup shared by every plot module.

Importing this module registers the IPAexGothic font that ``matplotlib-fontja`` installs
with pip and makes it the default family, so charts never show tofu boxes. Use
:func:`set_theme` instead of ``seaborn.set_theme`` (which would reset the font family).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic on import)
import seaborn as sns
from matplotlib import font_manager

FONT_NAME = "IPAexGothic"
FONT_PATH = Path(matplotlib_fontja.get_font_ttf_path())

#: Colours used across the reports, so a verdict or a grade keeps its colour everywhere.
PALETTE = "Set2"
VERDICT_COLORS = {"集約推奨": "#2a9d8f", "要検討": "#e9c46a", "現場に残す": "#8d99ae"}


def set_theme(style: str = "whitegrid", context: str = "notebook", **kwargs) -> None:
    """Set the seaborn theme and keep the Japanese font (seaborn's own call resets it)."""
    rc = {"axes.unicode_minus": False, "figure.dpi": 110, "savefig.dpi": 200}
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


font_manager.fontManager.addfont(str(FONT_PATH))
set_theme()

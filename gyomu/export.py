"""Executed notebook → HTML handout (no code) → PDF (WeasyPrint) → combined workshop PDF.

Everything runs in-process (nbconvert's API, one WeasyPrint font configuration per process)
so the report run never pays a CLI start per file:

* :func:`notebook_to_html` — the outputs and Markdown of an executed notebook, without code,
  prompts, the parameters cells, stderr or papermill banners, as a standalone HTML page.
* :func:`html_to_pdf` — an A4 PDF with the bundled Japanese font embedded (``@font-face``),
  a footer and "n / N" page numbers.
* :func:`combine_pdfs` — the workshop PDF: cover (client name, wave, date), table of contents
  with page numbers, every handout, one continuous page numbering and a PDF outline.

Page numbers are stamped onto the finished pages (a tiny overlay per page), so every handout
is laid out by WeasyPrint only once and reused for the combined PDF.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import html as html_lib
import io
import re
import struct
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: Cell tags whose cells never reach a handout.
REMOVE_TAGS = frozenset({
    "parameters", "injected-parameters", "remove", "remove_cell", "remove-cell", "hide",
    "papermill-error-cell-tag",
})


@dataclass
class Heading:
    """A heading of a rendered PDF: level (1, 2 …), text and 0-based page index."""

    level: int
    text: str
    page: int


@dataclass
class RenderedPdf:
    """A PDF written by :func:`html_to_pdf`: its path, page count and headings."""

    path: Path
    title: str
    pages: int
    headings: list[Heading] = field(default_factory=list)
    raw: bytes = field(default=b"", repr=False)  #: the PDF without stamped page numbers


# ----------------------------------------------------------------------------- HTML


@functools.cache
def _css(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


@functools.cache
def _exporter():
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    class HandoutExporter(HTMLExporter):
        """nbconvert's HTML exporter without its final BeautifulSoup pass (alt texts and
        tabindex for JupyterLab's screen readers), which costs most of the conversion of a
        notebook full of tables and is of no use in a handout."""

        def from_notebook_node(self, nb, resources=None, **kw):
            try:
                from nbconvert.filters.highlight import Highlight2HTML
                from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

                lang = nb.metadata.get("language_info", {})
                lexer = lang.get("pygments_lexer", lang.get("name", None))
                resources = self._init_resources(resources)
                self.register_filter("highlight_code", self.filters.get(
                    "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
                self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            except (ImportError, AttributeError):  # another nbconvert: take the long way
                return super().from_notebook_node(nb, resources, **kw)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return HandoutExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True,
        exclude_output_prompt=True, anchor_link_text="",
    )


def clean_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` holding only what a handout shows.

    Drops cells tagged ``parameters``/``injected-parameters``/``remove``…, papermill's error
    banners, code cells' stderr streams and error outputs, and papermill metadata.
    """
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & REMOVE_TAGS:
            continue
        if cell.cell_type == "raw":
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.get("outputs", [])
                if o.output_type in ("display_data", "execute_result")
                or (o.output_type == "stream" and o.get("name") == "stdout")
            ]
            if not cell.outputs:
                continue
            cell.source = ""
        cell.metadata.pop("papermill", None)
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("papermill", None)
    return nb


def notebook_title(nb: nbformat.NotebookNode, default: str = "") -> str:
    """The first Markdown ``# heading`` of the notebook (or ``default``)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return default


_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*?(/>|>\s*</a>)')
_CHARREF = re.compile(r"&#(x[0-9a-fA-F]+|\d+);")


def _char(m: re.Match) -> str:
    code = m.group(1)
    n = int(code[1:], 16) if code[0] in "xX" else int(code)
    return chr(n) if n > 127 else m.group(0)  # non-ASCII has no markup meaning


def notebook_body(nb: nbformat.NotebookNode) -> str:
    """The inner HTML of a cleaned notebook (nbconvert's ``basic`` template, in-process).

    Headings' anchor links are dropped and their non-ASCII character references written as
    characters (nbconvert serialises headings through ElementTree), so the HTML reads — and
    searches — as plain Japanese.
    """
    body, _ = _exporter().from_notebook_node(clean_notebook(nb))
    return _CHARREF.sub(_char, _ANCHOR_LINK.sub("", body))


_TABLE = re.compile(r"(<table\b[^>]*>)(\s*<caption\b.*?</caption>)?(.*?</table>)", re.S | re.I)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_CELL_ATTRS = re.compile(r'<(tr|th|td)(?:\s+(?:id|class)="[^"]*")+(?=[\s>])', re.I)
#: A header ending in its unit, "削減工数(時間/月)": the unit is printed whole, on a line of
#: its own when the column is narrow, rather than broken as "(時 / 間/ / 月)".
_UNIT_TEXT = r"[(（][^()（）<>]{1,8}[)）]"
_UNIT = re.compile(rf"^(.*\S)\s*({_UNIT_TEXT})$", re.S)
_THEAD = re.compile(r"<thead\b.*?</thead>", re.S | re.I)
_UNIT_HEADER = re.compile(rf"(<th\b[^>]*>)(\s*[^<]*?\S)\s*({_UNIT_TEXT})(\s*</th>)", re.I)
#: What every column of a too-wide table gets first (em: two Japanese characters and padding).
MIN_WIDE_EM = 3.7
#: Left plus right padding of a PDF table cell (em), as in print.css.
CELL_PAD_EM = 1.2
#: Text at most this wide (em) is a short value that should not wrap in a PDF table.
SHORT_EM = 7.0
#: A4 minus the page margins, in em of the PDF tables' 8 pt font (182 mm = 64.5 em).
TABLE_EM = 63.0


class _TableCells(HTMLParser):
    """Collects the text of each row's cells (with colspan) of one HTML table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int]]] = []
        self.head = 0  # how many of the rows are header rows (<thead>)
        self._cell: list[str] | None = None
        self._span = 1
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self.rows.append([])
            self.head += self._in_head
        elif tag in ("td", "th"):
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(("".join(self._cell).strip(), self._span))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@functools.cache
def _advance(ch: str) -> float:
    """The width of ``ch`` in em in the bundled Japanese font (its advance width); for a
    character the font lacks, 1 em if East Asian wide, else 0.6 em."""
    font = _font_metrics()
    if font is not None:
        upem, cmap, hmtx = font
        glyph = cmap.get(ord(ch))
        if glyph is not None:
            return hmtx[glyph][0] / upem
    import unicodedata

    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


@functools.cache
def _font_metrics():
    """The bundled font's units per em, character map and advance widths (None if unreadable)."""
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(str(font_path()), lazy=True)
        return font["head"].unitsPerEm, font.getBestCmap(), font["hmtx"]
    except Exception:  # noqa: BLE001 - estimates then
        return None


def _text_em(text: str) -> float:
    """Width of the longest line of ``text`` in em, as the bundled font sets it."""
    return max((sum(map(_advance, line)) for line in text.splitlines() or [""]), default=0.0)


def column_widths(rows: list[list[tuple[str, int]]], available: float = TABLE_EM, *,
                  head: int = 1) -> list[float]:
    """Column widths (em) for a fixed-layout table that fits ``available`` em.

    ``rows`` are the cells' (text, colspan), the first ``head`` of them header rows. Each
    column wants its widest cell (capped at 60 em, plus padding); when they all fit, that
    is the answer. Otherwise every column gets up to :data:`MIN_WIDE_EM` (headers never
    stack a character per line), or the width of its header's unit such as "(時間/月)",
    which :func:`fit_tables` keeps whole, and the rest of the page goes, a little at a time, to the
    column where it saves the most printed lines: a row is as tall as its tallest cell, so
    widening a column of long text only pays where that column sets the height, and a
    value that would wrap (such as "100.0%") is kept whole when the room allows
    (:func:`_widths_for_fewest_lines`).
    """
    ncols = max((sum(span for _, span in row) for row in rows), default=0)
    want = [2.0] * ncols
    lines: list[list[list[float]]] = []  # per row, per column: the width of each text line
    for r, row in enumerate(rows[:300]):
        cells: list[list[float]] = [[] for _ in range(ncols)]
        col = 0
        for text, span in row:
            if span == 1 and col < ncols:
                cells[col] = [sum(map(_advance, ln)) for ln in (text.splitlines() or [""])]
                want[col] = max(want[col], min(max(cells[col]), 60.0) + CELL_PAD_EM)
                found = _UNIT.match(text) if r < head else None
                if found:  # wrapped, the unit goes to a line of its own
                    cells[col] = [_text_em(found.group(1)), _text_em(found.group(2))]
            col += span
        lines.append(cells)
    unit = _unit_widths(rows[:head], ncols)
    if sum(want) <= available or not want:
        return want
    floor = [min(w, max(MIN_WIDE_EM, u)) for w, u in zip(want, unit, strict=True)]
    if sum(floor) >= available:
        return [f * available / sum(floor) for f in floor]
    widths = _widths_for_fewest_lines(lines, floor, want, available, head=head)
    room = available - sum(widths)
    more = [w - x for w, x in zip(want, widths, strict=True)]
    if room > 1e-9 and sum(more) > 0:  # nothing saves a line any more: share what is left
        widths = [x + room * m / sum(more) for x, m in zip(widths, more, strict=True)]
    return widths


def _unit_widths(head: list[list[tuple[str, int]]], ncols: int) -> list[float]:
    """Per column, the width (em, with padding) of the unit its header rows end in, printed
    whole ("(時間/月)"); 0 for a column without."""
    need = [0.0] * ncols
    for row in head:
        col = 0
        for text, span in row:
            found = _UNIT.match(text)
            if span == 1 and col < ncols and found:
                need[col] = max(need[col], _text_em(found.group(2)) + CELL_PAD_EM)
            col += span
    return need


def _widths_for_fewest_lines(lines: list[list[list[float]]], floor: list[float],
                             want: list[float], available: float, *, head: int = 1
                             ) -> list[float]:
    """Widen columns from ``floor`` towards ``want`` within ``available`` em, each time
    buying the widening that removes the most printed lines per em. A row's height is its
    tallest cell; on top, each line of a short value (at most :data:`SHORT_EM` wide: a
    number, a code, a verdict) counts once more, so "100.0%" or "現場に残す" is not broken
    when some room keeps it whole, and each line of long text a hundredth. Header rows count a tenth: a
    header may wrap, the body rows make the pages. Returns the widths where no widening
    saves anything or the room is used up.
    """
    import numpy as np

    nrows, ncols = len(lines), len(floor)
    depth = max((len(c) for row in lines for c in row), default=1) or 1
    em = np.zeros((nrows, ncols, depth))
    for r, row in enumerate(lines):
        for c, cell in enumerate(row):
            em[r, c, : len(cell)] = cell
    weight = np.ones(nrows)
    weight[: min(head, nrows)] = 0.1
    widest = em.max(axis=2)
    per_line = weight[:, None] * np.where((widest > 0) & (widest <= SHORT_EM), 1.0, 0.01)
    widths = np.array(floor, dtype=float)
    top = np.array(want, dtype=float)

    def count(col: int, width: np.ndarray) -> np.ndarray:
        """Lines of each cell of column ``col`` at each of ``width`` (widths x rows)."""
        usable = np.maximum(width - CELL_PAD_EM, 0.5)[:, None, None]
        return np.maximum(np.ceil(em[None, :, col, :] / usable - 1e-6).sum(axis=2), 1)

    def breakpoints(c: int) -> tuple[np.ndarray, np.ndarray]:
        """The widths (on a grid of a quarter em) at which some cell of column ``c`` loses
        a line, nearest first, and the column's lines at each (widths x rows)."""
        usable = max(widths[c] - CELL_PAD_EM, 0.5)
        steps = em[:, c, :][em[:, c, :] > usable + 1e-9]
        ahead = np.unique(np.minimum(np.ceil(4 * (np.concatenate(
            [steps / np.maximum(np.ceil(steps / usable - 1e-6) - 1, 1), [top[c] - CELL_PAD_EM]]
        ) + CELL_PAD_EM) - 1e-6) / 4, top[c]))
        ahead = ahead[ahead > widths[c] + 1e-9][:12]
        return ahead, count(c, ahead)

    counts = np.stack([count(c, widths[c : c + 1])[0] for c in range(ncols)], axis=1)
    options = [breakpoints(c) for c in range(ncols)]
    room = available - widths.sum()
    while room > 1e-6:
        height = counts.max(axis=1)
        order = np.argsort(-counts, axis=1, kind="stable")
        tallest, second = order[:, 0], counts[np.arange(nrows), order[:, 1]] if ncols > 1 else 0
        best: tuple[float, int, float, np.ndarray] | None = None
        for c, (ahead, lines_at) in enumerate(options):
            fits = ahead <= widths[c] + room + 1e-9
            if not fits.any():
                continue
            ahead, new = ahead[fits], lines_at[fits]
            others = np.where(tallest == c, second, height)  # the row's height without column c
            gain = ((weight * (height - np.maximum(others, new))).sum(axis=1)
                    + ((counts[:, c] - new) * per_line[:, c]).sum(axis=1))
            rate = gain / (ahead - widths[c])
            k = int(np.argmax(rate))
            if gain[k] > 1e-9 and (best is None or rate[k] > best[0]):
                best = (float(rate[k]), c, float(ahead[k]), new[k])
        if best is None:
            break
        _, c, width, counts[:, c] = best
        room -= width - widths[c]
        widths[c] = width
        options[c] = breakpoints(c)
    return [float(w) for w in widths]


#: Tables with at most this many body rows are kept on one page (moved whole, not split).
SHORT_TABLE_ROWS = 12


def fit_tables(body: str) -> str:
    """Give every table a fixed layout with estimated column widths that fit an A4 page.

    WeasyPrint's automatic table layout measures every cell's min/max content width, which
    costs most of a handout's rendering time; estimated widths lay out about twice as fast
    and keep long tables inside the page.

    Rows and cells also lose the ``id``/``class`` attributes pandas' Styler gives each of
    them (unless a ``<style>`` rule of the page names them): matching every cell against the
    style sheets costs a quarter of the PDF's rendering, and the handout CSS styles by tag.
    """
    styled = " ".join(_STYLE_BLOCK.findall(body))

    def fit(m: re.Match) -> str:
        parser = _TableCells()
        parser.feed(m.group(0))
        head = parser.head or 1
        widths = column_widths(parser.rows, head=head)
        if not widths:
            return m.group(0)
        cols = "".join(f'<col style="width:{w:.2f}em">' for w in widths)
        keep_units = all(w >= u - 1e-6 for w, u in  # not so if squeezed below them
                         zip(widths, _unit_widths(parser.rows[:head], len(widths)), strict=True))
        style = f"table-layout:fixed;width:{sum(widths):.2f}em"
        if len(parser.rows) - head <= SHORT_TABLE_ROWS:  # a short table moves whole
            style += ";break-inside:avoid"
        open_tag = m.group(1)
        if "style=" in open_tag:
            open_tag = re.sub(r'style="', f'style="{style};', open_tag, count=1)
        else:
            open_tag = open_tag[:-1] + f' style="{style}">'
        rest = m.group(3)
        if keep_units:  # a unit wraps as a whole: "削減工数 / (時間/月)"
            rest = _THEAD.sub(lambda t: _UNIT_HEADER.sub(
                r'\1\2<span style="white-space:nowrap">\3</span>\4', t.group(0)), rest)
        table_id = re.search(r'\bid="([^"]+)"', open_tag)
        if not (table_id and table_id.group(1) in styled):
            rest = _CELL_ATTRS.sub(r"<\1", rest)
        return f"{open_tag}{m.group(2) or ''}<colgroup>{cols}</colgroup>{rest}"

    return _TABLE.sub(fit, body)


def page_html(body: str, *, title: str, footer: str = "", print_css: bool = False,
              font_css: str = "") -> str:
    """Wrap ``body`` into a standalone Japanese HTML page with the handout CSS."""
    css = _css("handout.css") + ("\n" + _css("print.css") if print_css else "")
    if footer:
        text = footer.replace("\\", "").replace('"', "'").replace("\n", " ")
        css += f'\n@page {{ @bottom-left {{ content: "{text}"; }} }}'
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(title)}</title>"
        f"<style>{font_css}\n{css}</style></head>"
        f"<body>{body}</body></html>"
    )


def notebook_to_html(nb: nbformat.NotebookNode | str | Path, *, title: str | None = None,
                     footer: str = "", print_css: bool = False) -> str:
    """A standalone HTML page of an executed notebook's outputs (no code, no prompts)."""
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(str(nb), as_version=4)
    title = title or notebook_title(nb, "レポート")
    body = notebook_body(nb)
    return page_html(fit_tables(body) if print_css else body, title=title, footer=footer,
                     print_css=print_css,
                     font_css=_font_face() if print_css else "")


# ----------------------------------------------------------------------------- PDF


@functools.cache
def font_path() -> Path:
    """The bundled IPAexGothic file (as :data:`gyomu.plotting.FONT_PATH`), found without
    importing matplotlib/seaborn, which the report process does not otherwise need."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
        if candidate.exists():
            return candidate
    from .plotting import FONT_PATH

    return FONT_PATH


@functools.cache
def _font_face() -> str:
    """``@font-face`` for the bundled Japanese font (same rule as plotting.font_css())."""
    return (
        "@font-face { font-family: 'IPAexGothic'; "
        f"src: url('{font_path().as_uri()}') format('truetype'); }}"
        # pandas' Styler gives every cell an id; as PDF anchors they would cost thousands of
        # named destinations per handout (slow to write and to merge) and serve no link.
        ' table, table * { -weasy-anchor: ""; }'
    )


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    _embed_pngs_as_they_are()
    return FontConfiguration()


def png_idat(data: bytes) -> tuple[int, int, int, bytes] | None:
    """``(width, height, colours, compressed pixels)`` of an 8-bit, non-interlaced RGB or
    grey PNG — exactly what a PDF image stream with ``/FlateDecode`` and a PNG predictor
    holds — or None for any other PNG (palette, alpha, 16-bit, interlaced) or non-PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if depth != 8 or interlace or colour not in (0, 2):
        return None
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        elif kind == b"IEND":
            break
        pos += 12 + length
    return width, height, 3 if colour == 2 else 1, b"".join(chunks)


def _embed_pngs_as_they_are() -> None:
    """Let WeasyPrint put RGB/grey PNGs into the PDF without re-encoding them.

    WeasyPrint decodes every PNG and compresses it again (twice for RGBA: colour and mask),
    which costs more than laying out the page. The report run's figures are opaque RGB PNGs
    (:data:`gyomu.plotting.OPAQUE_PNG`), whose compressed pixels a PDF can hold as they are.
    Any other image, or a WeasyPrint whose internals differ, takes WeasyPrint's own path.
    """
    from weasyprint import images

    cls = images.RasterImage
    if getattr(cls, "_gyomu_as_is", False):
        return
    original = cls.get_x_object

    def get_x_object(self, interpolate, dpi_ratio):
        try:
            found = (png_idat(self.image_data.data)
                     if dpi_ratio == 1 and self.format == "PNG" else None)
        except Exception:  # noqa: BLE001 - anything unexpected: WeasyPrint's own way
            found = None
        if found is None or found[:2] != (self.width, self.height):
            return original(self, interpolate, dpi_ratio)
        import pydyf

        width, height, colours, pixels = found
        extra = pydyf.Dictionary({
            "Type": "/XObject", "Subtype": "/Image", "Width": width, "Height": height,
            "ColorSpace": "/DeviceRGB" if colours == 3 else "/DeviceGray",
            "BitsPerComponent": 8, "Interpolate": "true" if interpolate else "false",
            "Filter": "/FlateDecode",
            "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Columns": width,
                                             "Colors": colours}),
        })
        return pydyf.Stream([self.cache_image_data(pixels, slot="stream")], extra)

    cls.get_x_object = get_x_object
    cls._gyomu_as_is = True


def _render(html: str, base_url: str | None = None):
    from weasyprint import CSS, HTML

    fonts = _font_config()
    css = CSS(string=_font_face(), font_config=fonts)
    return HTML(string=html, base_url=base_url).render(stylesheets=[css], font_config=fonts)


def _headings(document) -> list[Heading]:
    """Headings (h1…h6 bookmarks) with their CSS level and page index."""
    return [
        Heading(int(level), str(label), i)
        for i, page in enumerate(document.pages)
        for level, label, *_ in page.bookmarks
    ]


def html_to_pdf(html: str, path: str | Path, *, title: str = "", numbers: bool = True,
                base_url: str | None = None) -> RenderedPdf:
    """Render ``html`` (from :func:`notebook_to_html` with ``print_css=True``) to an A4 PDF.

    ``numbers`` stamps "n / N" at the bottom right of every page.
    """
    path = Path(path)
    document = _render(html, base_url)
    raw = document.write_pdf()
    pages = len(document.pages)
    path.write_bytes(stamp_page_numbers(raw, first=1, total=pages) if numbers else raw)
    return RenderedPdf(path=path, title=title, pages=pages, headings=_headings(document), raw=raw)


@functools.cache
def _overlay(total: int) -> bytes:
    """``total`` A4 pages; page n shows "n / total" at the bottom right (cached per total)."""
    css = (
        "@page { size: A4; margin: 15mm 14mm 17mm 14mm; @bottom-right { "
        f"content: counter(page) ' / {total}'; font-family: 'IPAexGothic'; "
        "font-size: 7.5pt; color: #777; } }"
    )
    body = '<div style="break-after: page"></div>' * (total - 1) + "<div></div>"
    html = f"<html><head><style>{css}</style></head><body>{body}</body></html>"
    return _render(html).write_pdf()


def _stamp(writer, *, first: int, total: int, skip: int = 0) -> None:
    """Merge "n / total" overlays onto ``writer``'s pages from index ``skip`` on."""
    from pypdf import PdfReader

    count = len(writer.pages) - skip
    if count <= 0:
        return
    overlay = PdfReader(io.BytesIO(_overlay(total)))
    for i in range(count):
        writer.pages[skip + i].merge_page(overlay.pages[first - 1 + i])


def stamp_page_numbers(pdf: bytes, *, first: int = 1, total: int | None = None,
                       skip: int = 0) -> bytes:
    """Stamp page numbers onto ``pdf``: page ``skip + i`` gets "first+i / total"."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    count = len(writer.pages) - skip
    if count <= 0:
        return pdf
    _stamp(writer, first=first, total=total if total is not None else first + count - 1,
           skip=skip)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _cover_html(client_name: str, wave: str, date: str, toc: list[tuple[int, str, int]],
                note: str = "") -> str:
    items = "".join(
        f'<li class="l{level}"><span class="t">{html_lib.escape(text)}</span>'
        f'<span class="dots"></span><span class="p">{page}</span></li>'
        for level, text, page in toc
    )
    body = (
        '<section class="cover">'
        '<div class="kind">業務調査 ワークショップ資料</div>'
        f"<h1>{html_lib.escape(client_name)}</h1>"
        '<div class="meta">'
        f"<div>調査回: {html_lib.escape(wave or '-')}</div>"
        f"<div>作成日: {html_lib.escape(date)}</div>"
        "</div>"
        + (f'<div class="note">{html_lib.escape(note)}</div>' if note else "")
        + "</section>"
        f'<section class="toc"><h1>目次</h1><ol>{items}</ol></section>'
    )
    return page_html(body, title=f"{client_name} ワークショップ資料", print_css=True,
                     font_css=_font_face())


def combine_pdfs(parts: list[RenderedPdf], path: str | Path, *, client_name: str,
                 wave: str = "", date: str | None = None, note: str = "") -> int:
    """Write the combined workshop PDF; returns its page count.

    Cover and table of contents (notebook titles and their ``##`` sections, with page
    numbers) come first, then every part, numbered continuously from the first page after
    the cover. ``raw_parts`` may give the parts' PDF bytes *without* stamped numbers (the
    runner keeps them), otherwise the parts are read from disk as they are.
    """
    from pypdf import PdfReader, PdfWriter

    date = date or dt.date.today().strftime("%Y年%m月%d日")
    front_pages = 2
    for _ in range(3):  # the TOC's own length decides where the parts start
        toc, start = [], front_pages + 1
        for part in parts:
            toc.append((1, part.title, start))
            toc += [(2, h.text, start + h.page) for h in part.headings if h.level == 2]
            start += part.pages
        front = _render(_cover_html(client_name, wave, date, toc, note))
        if len(front.pages) == front_pages:
            break
        front_pages = len(front.pages)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front.write_pdf())), import_outline=False)
    for part in parts:
        data = part.raw or part.path.read_bytes()
        titled = any(h.level == 1 and h.page == 0 for h in part.headings)
        # the part's own headings become the outline; add its title only when it has no <h1>
        writer.append(PdfReader(io.BytesIO(data)), outline_item=None if titled else part.title)
    total = len(writer.pages)
    _stamp(writer, first=2, total=total, skip=1)
    with open(path, "wb") as f:
        writer.write(f)
    return total

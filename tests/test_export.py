"""Notebook → HTML (no code) → PDF → combined workshop PDF, and tables.xlsx.

Built on small hand-made *executed* notebooks (outputs written here), rendered by the real
nbconvert and WeasyPrint; texts are read back with pypdf and openpyxl.
"""

from __future__ import annotations

import base64
import io
import re

import nbformat
import openpyxl
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from gyomu import export
from gyomu.tables_xlsx import sheet_name, write_tables_xlsx


def _png() -> str:
    from matplotlib.figure import Figure

    import gyomu.plotting  # noqa: F401  (Japanese font)

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.bar(["庶務", "施設"], [3, 5])
    ax.set_title("大分類別の工数")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return base64.b64encode(buf.getvalue()).decode()


def executed_notebook(title: str = "業務量の分析") -> nbformat.NotebookNode:
    params = new_code_cell("client_dir = 'x'\noutput_dir = None", execution_count=1)
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell("# Parameters\nclient_dir = '/secret/path'", execution_count=2)
    injected.metadata["tags"] = ["injected-parameters"]
    banner = new_markdown_cell("<span style='color:red'>An Exception was encountered</span>")
    banner.metadata["tags"] = ["papermill-error-cell-tag"]
    table_html = ("<h4 class='gyomu-table-title'>メンバー別の工数</h4><table><thead><tr><th>氏名</th>"
                  "<th>月間工数</th></tr></thead><tbody><tr><td>担当A</td><td>120.0</td></tr>"
                  "</tbody></table>")
    cells = [
        params,
        injected,
        banner,
        new_markdown_cell(f"# {title}\n\n総務の業務量を見ます。"),
        new_code_cell("import gyomu\nprint('hello')", execution_count=3, outputs=[
            new_output("stream", name="stdout", text="合計 160 時間\n"),
            new_output("stream", name="stderr", text="FutureWarning: internal detail\n"),
        ]),
        new_markdown_cell("## 大分類別の工数"),
        new_code_cell("fig", execution_count=4, outputs=[
            new_output("display_data", data={"image/png": _png(), "text/plain": "<Figure>"}),
        ]),
        new_code_cell("out.table(df)", execution_count=5, outputs=[
            new_output("display_data", data={"text/html": table_html, "text/plain": "df"}),
        ]),
        new_code_cell("x = 1", execution_count=6, outputs=[]),
    ]
    return new_notebook(cells=cells)


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_clean_notebook_keeps_only_what_a_handout_shows():
    nb = export.clean_notebook(executed_notebook())
    sources = [c.source for c in nb.cells]
    assert not any("client_dir" in s for s in sources)
    assert not any("Exception" in s for s in sources)
    assert not any("import gyomu" in s for s in sources)
    streams = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream"]
    assert [o.name for o in streams] == ["stdout"]
    assert len([c for c in nb.cells if c.cell_type == "code"]) == 3  # x = 1 had no output


def test_notebook_to_html_has_no_code_or_prompts():
    html = export.notebook_to_html(executed_notebook())
    assert "業務量の分析" in html and "大分類別の工数" in html and "合計 160 時間" in html
    assert "data:image/png;base64," in html
    for code in ("import gyomu", "In&nbsp;[", "In [", "client_dir", "/secret/path",
                 "FutureWarning", "papermill", "An Exception"):
        assert code not in html, code
    assert export.notebook_title(executed_notebook("工数の全体像")) == "工数の全体像"


def test_pdf_has_japanese_text_embedded_font_and_page_numbers(tmp_path):
    nb = executed_notebook()
    html = export.notebook_to_html(nb, footer="架空商事 ｜ 業務量の分析", print_css=True)
    pdf = export.html_to_pdf(html, tmp_path / "a.pdf", title="業務量の分析")
    assert pdf.pages == 1
    assert [(h.level, h.text) for h in pdf.headings][:2] == [(1, "業務量の分析"), (2, "大分類別の工数")]
    text = pdf_text(tmp_path / "a.pdf")
    assert "総務の業務量を見ます。" in text and "担当A" in text and "月間工数" in text
    assert "架空商事 ｜ 業務量の分析" in text
    assert "1 / 1" in text
    assert "import" not in text and "In [" not in text
    reader = PdfReader(str(tmp_path / "a.pdf"))
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts.add(str(f["/BaseFont"]))
            if "/DescendantFonts" in f:
                desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in desc or "/FontFile3" in desc  # embedded
    assert any("IPAexGothic" in f for f in fonts)


def test_combined_pdf_has_cover_toc_and_continuous_page_numbers(tmp_path):
    parts = []
    for i, title in enumerate(["インタビューの分析", "業務量の分析"]):
        html = export.notebook_to_html(executed_notebook(title), print_css=True)
        parts.append(export.html_to_pdf(html, tmp_path / f"{i}.pdf", title=title))
    total = export.combine_pdfs(parts, tmp_path / "all.pdf", client_name="架空電気工事株式会社",
                                wave="2026-10", date="2026年11月24日", note="氏名は仮名です。")
    reader = PdfReader(str(tmp_path / "all.pdf"))
    assert total == len(reader.pages) == 4
    pages = [p.extract_text() for p in reader.pages]
    assert "架空電気工事株式会社" in pages[0] and "2026-10" in pages[0] and "2026年11月24日" in pages[0]
    assert "1 / 4" not in pages[0]  # the cover carries no number
    assert "目次" in pages[1] and "インタビューの分析 3" in pages[1] and "業務量の分析 4" in pages[1]
    assert "2 / 4" in pages[1] and "3 / 4" in pages[2] and "4 / 4" in pages[3]
    assert "1 / 1" not in pages[2]  # the handout's own number is not stamped twice
    assert [o["/Title"] for o in reader.outline if not isinstance(o, list)] == [
        "インタビューの分析", "業務量の分析"]


@pytest.mark.parametrize(("title", "expected"), [
    ("メンバー別の工数", "メンバー別の工数"),
    ("比率[%]: 定型/非定型?*", "比率［%］： 定型・非定型"),
    ("あ" * 40, "あ" * 31),
    ("'引用符'", "引用符"),
    ("", "表"),
])
def test_sheet_name_rules(title, expected):
    assert sheet_name(title) == expected


def test_sheet_names_are_unique_within_31_characters():
    taken: set[str] = set()
    names = [sheet_name("あ" * 40, taken) for _ in range(3)] + [sheet_name("Total", taken),
                                                              sheet_name("total", taken)]
    assert names[0] == "あ" * 31
    assert names[1] == "あ" * 28 + "(2)" and names[2] == "あ" * 28 + "(3)"
    assert names[4] == "total(2)"
    assert len(set(n.lower() for n in names)) == 5 and all(len(n) <= 31 for n in names)


def test_tables_xlsx_one_sheet_per_table_with_japanese_headers(tmp_path):
    by_grade = pd.DataFrame({"月間工数": [10.0, 20.0]},
                            index=pd.Index(["G1", "G2"], name="等級"))
    matrix = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("庶務", "定型"), ("庶務", "突発")]))
    cat = pd.DataFrame({"業務種別": pd.Categorical(["定型", "突発"]), "月": pd.period_range("2027-01", periods=2, freq="M")})
    tables = [("02_workload", "等級別の工数", by_grade), ("02_workload", "等級別の工数", matrix),
              ("03_gap", "種別/月", cat)]
    names = write_tables_xlsx(tables, tmp_path / "tables.xlsx")
    assert names == ["等級別の工数", "等級別の工数(2)", "種別・月"]
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    assert book.sheetnames == names
    rows = list(book["等級別の工数"].values)
    assert rows == [("等級", "月間工数"), ("G1", 10.0), ("G2", 20.0)]
    assert list(book["等級別の工数(2)"].values)[0] == ("庶務 / 定型", "庶務 / 突発")
    assert list(book["種別・月"].values)[1] == ("定型", "2027-01")


def _figure_png(fmt: str) -> bytes:
    from matplotlib.figure import Figure

    from gyomu.plotting import OPAQUE_PNG

    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.bar(["庶務", "施設"], [3, 5], color=["#2a9d8f", "#e76f51"])
    buf = io.BytesIO()
    fig.savefig(buf, format=OPAQUE_PNG if fmt == "rgb" else "png", dpi=100)
    return buf.getvalue()


def _pdf_image(pdf_path):
    import numpy as np

    images = PdfReader(str(pdf_path)).pages[0].images
    assert len(images) == 1
    return np.asarray(images[0].image.convert("RGB"))


@pytest.mark.parametrize("fmt", ["rgb", "rgba"])
def test_figures_reach_the_pdf_pixel_for_pixel(tmp_path, fmt):
    import numpy as np
    from PIL import Image

    data = _figure_png(fmt)
    html = export.page_html(f'<h1>図</h1><img src="data:image/png;base64,{base64.b64encode(data).decode()}">',
                            title="図", print_css=True, font_css=export._font_face())
    export.html_to_pdf(html, tmp_path / "f.pdf", title="図")
    original = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert np.array_equal(_pdf_image(tmp_path / "f.pdf"), original)
    idat = export.png_idat(data)
    if fmt == "rgb":  # embedded as it is: the compressed pixels are in the PDF unchanged
        assert idat is not None and idat[:3] == (*original.shape[1::-1], 3)
        assert idat[3] in (tmp_path / "f.pdf").read_bytes()
    else:  # alpha: WeasyPrint's own path
        assert idat is None


def test_fit_tables_drops_stylers_cell_ids_unless_a_style_rule_names_them():
    plain = pd.DataFrame({"工数": [1.5, 2.0]}).style.to_html()
    styled = pd.DataFrame({"工数": [1.5, 2.0]}).style.highlight_max(color="yellow").to_html()
    fitted = export.fit_tables(plain)
    assert "<table" in fitted and "<colgroup>" in fitted
    assert not re.search(r"<t[dhr]\s+(id|class)=", fitted)
    assert ">1.500000<" in fitted or ">1.5" in fitted
    kept = export.fit_tables(styled)  # its colours are rules on the cells' ids: keep them
    assert re.search(r'<td id="T_\w+_row1_col0"', kept)


def test_column_widths_fit_the_page_and_keep_short_columns_readable():
    long_text = "日々の依頼や定型作業で手一杯になり、見直しや新しい取組に使う時間が残っていない状態"
    rows = [[("コード", 1), ("分類", 1), ("定義", 1), ("キーワード", 1), ("除外キーワード", 1), ("正規表現", 1)]]
    rows += [[("ミス・トラブル", 1), ("課題", 1), (long_text, 1), (long_text * 2, 1), ("ミスター", 1), ("", 1)]] * 5
    widths = export.column_widths(rows)
    want = export.column_widths(rows, available=1e9)  # room enough: what each column wants
    assert sum(widths) == pytest.approx(export.TABLE_EM)
    assert all(w >= min(n, export.MIN_WIDE_EM) - 1e-9 for w, n in zip(widths, want, strict=True))
    assert widths[3] > widths[2] > widths[0]  # the long texts share the room by length
    many = [[("集約適性スコア", 1)] * 11 + [("理由", 1)]]  # 12 columns, one of long text
    many += [[("集約推奨", 1)] * 11 + [(long_text * 2, 1)]] * 3
    widths = export.column_widths(many)
    assert sum(widths) == pytest.approx(export.TABLE_EM)
    assert min(widths) >= export.MIN_WIDE_EM - 1e-9 and widths[-1] == max(widths)
    small = [[("ID", 1), ("氏名", 1)], [("M01", 1), ("山田 一郎", 1)]]
    assert export.column_widths(small) == pytest.approx(  # as wide as they need
        [export._text_em("M01") + 1.2, export._text_em("山田 一郎") + 1.2])


def test_table_columns_are_measured_in_the_fonts_own_widths(tmp_path):
    """Digits and % are wider than half an em in IPAexGothic: a column sized for them by a
    rule of thumb wrapped "120.9%" as "120.9 / %"."""
    assert export._text_em("120.9%") == pytest.approx(4 * 0.63 + 0.264 + 0.85, abs=0.01)
    assert export._text_em("総務") == 2.0
    cells = "".join(f"<tr><td>{v}</td><td>{v}</td><td>以上を目指す</td></tr>"
                    for v in ("120.9%", "100.0%", "1,234.5", "8.2%"))
    body = f"<table><thead><tr><th>現状</th><th>目標</th><th>方向</th></tr></thead><tbody>{cells}</tbody></table>"
    html = export.page_html(export.fit_tables(body), title="幅", print_css=True,
                            font_css=export._font_face())
    pdf = export.html_to_pdf(html, tmp_path / "widths.pdf", numbers=False)
    lines = PdfReader(str(pdf.path)).pages[0].extract_text().splitlines()
    for value in ("120.9%", "100.0%", "1,234.5"):
        assert any(value in line for line in lines), (value, lines)


def test_short_values_stay_on_one_line_in_a_table_too_wide_for_the_page(tmp_path):
    """The interview issue list (ten columns, long quotes) wrapped 言及率 "100.0%" as
    "100.0 / %": a column of short values keeps them whole, long text shares the rest."""
    quote = "「いや、たぶん無理だと思います。15分の車検の手配や保険の条件は、私のエクセルにしか入っていないので。」" * 3
    header = ["順位", "コード", "分類", "定義", "言及した回答者数", "言及率", "言及した発言数",
              "言及した立場", "代表的な発言", "コードの出所"]
    values = ["1", "属人化", "課題", "特定の人しか手順や判断基準を知らず、その人が不在だと仕事が止まる状態",
              "7", "100.0%", "9", "総務メンバー3・(役割未記入)1・他部署1・組織長1・経営1", quote, "人手"]
    rows = [[(h, 1) for h in header]] + [[(v, 1) for v in values]] * 4
    widths = export.column_widths(rows)
    assert sum(widths) == pytest.approx(export.TABLE_EM)
    rate = header.index("言及率")
    assert widths[rate] >= export._text_em("100.0%") + 1.2 - 1e-9
    assert widths[header.index("代表的な発言")] == max(widths)
    assert widths[header.index("言及した回答者数")] >= export.MIN_WIDE_EM - 1e-9  # header wraps, no stacking
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>" for _ in range(4))
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    html = export.page_html(export.fit_tables(table), title="幅", print_css=True,
                            font_css=export._font_face())
    pdf = export.html_to_pdf(html, tmp_path / "issues.pdf", numbers=False)
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf.path)).pages)
    assert text.count("100.0%") == 4, text


def test_a_headers_unit_is_printed_whole_in_a_table_too_wide_for_the_page(tmp_path):
    """The consolidation table printed "削減工数(時間/月)" as "削減 / 工数 / (時 / 間/ /
    月)": in a narrow column a header's unit goes to a line of its own, whole."""
    reason = "定型業務、月31時間とまとまった工数、難易度2と易しい、リモート可、マニュアル有、純効果+4.2時間/月"
    header = ["業務ID", "業務名", "大分類", "月間工数", "実施人数", "集約適性スコア",
              "削減工数(時間/月)", "引き継ぎ工数(時間/月)", "純効果(時間/月)", "判定", "理由"]
    values = ["T32", "勤怠データの集計・確認", "人事労務", "30.8", "2", "0.8", "8.7", "4.5", "4.2",
              "集約推奨", reason]
    rows = [[(h, 1) for h in header]] + [[(v, 1) for v in values]] * 6
    widths = export.column_widths(rows)
    assert sum(widths) == pytest.approx(export.TABLE_EM)
    for i in (6, 7, 8):
        assert widths[i] >= export._text_em("(時間/月)") + export.CELL_PAD_EM - 1e-9
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>" for _ in range(6))
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    fitted = export.fit_tables(table)
    assert fitted.count('<span style="white-space:nowrap">(時間/月)</span>') == 3
    html = export.page_html(fitted, title="単位", print_css=True, font_css=export._font_face())
    pdf = export.html_to_pdf(html, tmp_path / "units.pdf", numbers=False)
    text = PdfReader(str(pdf.path)).pages[0].extract_text()
    assert text.count("(時間/月)") == 3, text
    assert text.count("集約推奨") == 6, text  # the verdicts stay whole too
    # where the columns all fit, a header keeps its unit on its line
    small = [[("工数(時間/月)", 1)], [("1.0", 1)]]
    assert export.column_widths(small) == [export._text_em("工数(時間/月)") + export.CELL_PAD_EM]


def test_a_short_table_moves_whole_to_the_next_page_and_a_long_one_splits(tmp_path):
    """A table of a few rows that starts near the foot of a page is not cut after its first
    rows; a table longer than a page still flows over pages."""
    filler = "".join(f"<p>{'業務の棚卸しの結果を説明する文章です。' * 6}</p>" for _ in range(10))

    def rows(tag: str, n: int) -> str:
        return "".join(f"<tr><td>{tag}{i:02d}</td><td>総務課長</td></tr>" for i in range(n))

    head = "<thead><tr><th>施策</th><th>責任者</th></tr></thead>"
    short = f"<table>{head}<tbody>{rows('短', export.SHORT_TABLE_ROWS)}</tbody></table>"
    long = f"<table>{head}<tbody>{rows('長', 60)}</tbody></table>"
    html = export.page_html(export.fit_tables(filler + short + long), title="表", print_css=True,
                            font_css=export._font_face())
    pdf = export.html_to_pdf(html, tmp_path / "tables.pdf", numbers=False)
    pages = [p.extract_text() for p in PdfReader(str(pdf.path)).pages]
    short_pages = {i for i, text in enumerate(pages) if "短" in text}
    long_pages = {i for i, text in enumerate(pages) if "長" in text}
    assert "短" not in pages[0]  # page 1 has room for 9 of its rows only (split without the rule)
    assert len(short_pages) == 1, short_pages
    assert len(long_pages) > 1, long_pages

"""notebooks/03_gap_analysis.ipynb runs under papermill: both sample clients and one without vision.yml."""

from __future__ import annotations

import pytest
from notebook_support import (
    ROOT,
    assert_clean,
    copy_sample,
    execute,
    image_count,
    tables_of,
)

pytestmark = pytest.mark.slow


def run(tmp_path, parameters, cwd=ROOT):
    nb, out = execute("03_gap_analysis.ipynb", tmp_path, parameters, cwd)
    return nb, tables_of(out)


def test_kasou_denki_from_the_notebooks_folder_with_default_client(tmp_path):
    # no client_dir: the default "data/sample/kasou-denki" must resolve from JupyterLab's cwd
    nb, tables = run(tmp_path, {"interactive": False, "anonymize": True}, cwd=ROOT / "notebooks")
    text = assert_clean(nb)
    gaps = tables["KPI の現状と目標(ギャップ = 目標までの残り)"]
    assert set(gaps["達成"]) <= {"達成", "未達"} and len(gaps) == 8
    assert "戦略業務比率" in gaps["指標"].tolist()
    assert len(tables["施策ごとの創出工数(時間/月)"]) == 6
    effects = tables["施策ごとの KPI の推移(累積)"]
    assert effects["施策"].iloc[0] == "現状" and effects["施策"].iloc[-1] == "目標"
    assert len(tables["ロードマップ(施策の日程と責任者)"]) == 6
    assert any(t.startswith("業務分掌案: 担当が変わる業務") for t in tables)
    maturity = tables["成熟度のギャップ(大きい順)"]
    assert maturity["順位"].tolist() == list(range(1, len(maturity) + 1))
    assert set(maturity["達成"]) <= {"達成", "未達"}
    assert "前回と今回の KPI" in tables and "工数の変化が大きい業務(上位10件)" in tables
    assert "インタビューで多く挙がった課題(上位5件)" in tables
    evidence = tables["未達の目標と関連するインタビューの声"]
    assert len(evidence) == (gaps["達成"] == "未達").sum() and (evidence["インタビューでの言及"] != "").any()
    assert "目的関数" in text and "制約" in text and "2025-10" in text
    assert "担当A" in text or "担当B" in text  # anonymised names in tables
    assert image_count(nb) >= 8
    members = tables["業務分掌案: メンバー別の工数"]
    assert (members["再配置案の工数"] <= members["稼働上限(時間)"] + 1e-6).all()
    assert members["再配置案の工数"].sum() == pytest.approx(members["現行の工数"].sum())


def test_project_office_interactive(tmp_path):
    folder = copy_sample(tmp_path, "project-office")
    nb, tables = run(tmp_path, {"client_dir": str(folder), "interactive": True})
    text = assert_clean(nb)
    assert len(tables["施策ごとの創出工数(時間/月)"]) == 5
    assert "前回と今回の KPI" not in tables  # no history
    assert "前回の調査結果" in text
    widget_outputs = [o for c in nb.cells for o in c.get("outputs", [])
                      if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_outputs, "interactive=True で施策の試算ウィジェットが表示されていません"


def test_client_without_vision_gets_an_explanation(tmp_path):
    folder = copy_sample(tmp_path, "kasou-denki")
    (folder / "vision.yml").unlink()
    nb, tables = run(tmp_path, {"client_dir": str(folder), "interactive": True})
    text = assert_clean(nb)
    assert "vision.yml** がありません" in text and "```yaml" in text and "measures:" in text
    assert "現状の KPI" in tables and "KPI の現状と目標(ギャップ = 目標までの残り)" not in tables
    assert "施策(measures)がない" in text
    assert "業務分掌案: メンバー別の工数" in tables  # the proposal still runs on today's hours
    assert "試算する施策がありません" in text

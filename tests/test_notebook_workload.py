"""notebooks/02_workload.ipynb runs under papermill for both sample clients, static and interactive."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from notebook_support import (  # noqa: E402
    ROOT,
    SAMPLES,
    assert_clean,
    copy_sample,
    execute,
    image_count,
    tables_of,
)

import gyomu  # noqa: E402
from gyomu.outputs import read_tables  # noqa: E402
from gyomu.workload_explorer import explorer_controls, render_explorer  # noqa: E402

STATIC_CHARTS = 8


def run(tmp_path, parameters: dict, cwd=ROOT):
    return execute("02_workload.ipynb", tmp_path, parameters, cwd)


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("interactive", [False, True])
def test_notebook_runs_for_sample_clients(tmp_path, sample, interactive):
    folder = copy_sample(tmp_path, sample)
    nb, out = run(tmp_path, {"client_dir": str(folder), "interactive": interactive})
    text = assert_clean(nb)
    client = gyomu.load_client(folder)
    values = gyomu.kpis(client)
    tables = tables_of(out)
    assert len(tables) == 15
    order = tables["トラックファクター:抜ける順と担当者不在になる工数"]
    assert len(order) == values["truck_factor"] and order["担当者不在になる工数の比率"].iloc[-1] > 0.5
    kpi = tables["KPI一覧"].set_index("指標")
    assert kpi.loc["トラックファクター", "表示値"] == f"{values['truck_factor']}人"
    assert tables["等級別の工数"]["月間工数"].sum() == pytest.approx(values["total_hours"])
    assert tables["大分類別の工数"]["構成比"].sum() == pytest.approx(1.0)
    assert set(tables["業務集約の評価"]["判定"]) <= {"集約推奨", "要検討", "現場に残す"}
    assert "工数上位20%の業務" in text and "トラックファクターは" in text
    assert image_count(nb) == STATIC_CHARTS
    assert ("application/vnd.jupyter.widget-view+json" in text) == interactive


@pytest.mark.slow
def test_default_client_dir_works_from_the_notebooks_folder_and_anonymizes(tmp_path):
    nb, out = run(tmp_path, {"anonymize": True}, cwd=ROOT / "notebooks")
    text = assert_clean(nb)
    names = gyomu.load_client(ROOT / "data" / "sample" / "kasou-denki").members["name"].astype(str)
    shown = "".join(df.to_csv() for _, _, df in read_tables(out)) + text
    assert "担当A" in shown
    leaked = [n for n in names if n in shown or n.split()[0] in shown]
    assert not leaked, leaked


@pytest.mark.parametrize("sample", SAMPLES)
def test_explorer_view_follows_filters_and_thresholds(sample):
    client = gyomu.load_client(ROOT / "data" / "sample" / sample)
    controls = explorer_controls(client)
    assert set(controls) == {"teams", "grades", "categories", "dependency", "recommend", "consider",
                             "min_net_gain"}
    assert list(controls["grades"].options) == client.config.grades
    text, fig = render_explorer(client)
    assert "**対象: 全体**" in text and f"メンバー{len(client.members)}人" in text
    assert len(fig.axes) >= 4
    grade = client.config.grades[0]
    n = int((client.members["grade"].astype(str) == grade).sum())
    text, _ = render_explorer(client, grades=(grade,), dependency=2, recommend=0.9)
    assert f"**対象: {grade}**(メンバー{n}人" in text and "担当できる人が2人以下の業務" in text
    plt.close("all")

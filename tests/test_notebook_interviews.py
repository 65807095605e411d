"""notebooks/01_interview_coding.ipynb runs under papermill for both sample clients."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest

import gyomu
from gyomu.outputs import read_tables

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_interview_coding.ipynb"
SAMPLES = ["kasou-denki", "project-office"]

pytestmark = pytest.mark.slow


def run(tmp_path: Path, client: str, interactive: bool, anonymize: bool = False, cwd: Path = ROOT):
    folder = tmp_path / client  # a copy, so a run can never touch the committed sample
    shutil.copytree(ROOT / "data" / "sample" / client, folder)
    before = (folder / "coding.csv").read_bytes()
    out = tmp_path / "out"
    executed = tmp_path / f"{client}.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK), str(executed), kernel_name="python3", cwd=str(cwd), progress_bar=False,
        parameters={"client_dir": str(folder), "output_dir": str(out), "coder": "coder_a",
                    "anonymize": anonymize, "interactive": interactive},
    )
    assert (folder / "coding.csv").read_bytes() == before  # running the report changes no input
    return nbformat.read(executed, as_version=4), out


def text_of(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            parts.append(str(data.get("text/markdown", "")) + str(data.get("text/html", "")) + str(o.get("text", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("client", SAMPLES)
@pytest.mark.parametrize("interactive", [False, True])
def test_notebook_runs_for_sample_clients(tmp_path, client, interactive):
    nb, out = run(tmp_path, client, interactive)
    tables = {title: df for _, title, df in read_tables(out)}
    assert "インタビュー対象者" in tables and "定性課題一覧" in tables
    issues = tables["定性課題一覧"]
    assert issues["順位"].tolist()[0] == 1 and issues["代表的な発言"].str.startswith("「").all()
    coders = set(gyomu.load_client(ROOT / "data" / "sample" / client).coding["coder"])
    text = text_of(nb)
    if {"coder_a", "coder_b"} <= coders:
        kappa = tables["コーダー間の一致度(coder_a と coder_b)"]
        assert kappa["κ係数"].dropna().between(-1, 1).all() and len(kappa) == len(tables["コードブック"])
        assert "Krippendorff" in text
    else:
        assert not any(t.startswith("コーダー間の一致度") for t in tables)
        assert "コーダーが2人そろっていない" in text
    assert "自動コードと人手コード(coder_a)の比較" in tables
    assert "適合率" in text
    assert ("application/vnd.jupyter.widget-view+json" in str(nb.cells)) == interactive
    assert (out / "interview_coding.xlsx").is_file()
    assert sum("image/png" in str(c.get("outputs", "")) for c in nb.cells) == (5 if len(coders) > 1 else 4)


def test_anonymized_run_hides_member_names_in_quotes(tmp_path):
    client = "kasou-denki"
    names = gyomu.load_client(ROOT / "data" / "sample" / client).members["name"].astype(str)
    nb, out = run(tmp_path, client, interactive=False, anonymize=True, cwd=ROOT / "notebooks")
    tables = {title: df for _, title, df in read_tables(out)}
    shown = "".join(tables[t].to_csv() for t in ("コードごとの代表的な発言", "定性課題一覧", "インタビュー対象者"))
    assert "担当" in shown
    family = {n.split()[0] for n in names if n.strip()}
    leaked = [n for n in family if n in shown]
    assert not leaked, leaked


def test_default_client_dir_resolves_from_notebooks_folder(tmp_path):
    out = tmp_path / "out"
    pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "nb.ipynb"), kernel_name="python3",
                        cwd=str(ROOT / "notebooks"), progress_bar=False, parameters={"output_dir": str(out)})
    assert any(title == "定性課題一覧" for _, title, _ in read_tables(out))

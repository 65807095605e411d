"""notebooks/01_interview_coding.ipynb runs under papermill for both sample clients."""

from __future__ import annotations

import pytest
from notebook_support import ROOT, SAMPLES, assert_clean, copy_sample, execute, tables_of

import gyomu

pytestmark = pytest.mark.slow


def run(tmp_path, client: str, interactive: bool, anonymize: bool = False, cwd=ROOT):
    folder = copy_sample(tmp_path, client)
    before = (folder / "coding.csv").read_bytes()
    nb, out = execute("01_interview_coding.ipynb", tmp_path, {
        "client_dir": str(folder), "coder": "coder_a", "anonymize": anonymize, "interactive": interactive,
    }, cwd)
    assert (folder / "coding.csv").read_bytes() == before  # running the report changes no input
    return nb, out


@pytest.mark.parametrize("client", SAMPLES)
@pytest.mark.parametrize("interactive", [False, True])
def test_notebook_runs_for_sample_clients(tmp_path, client, interactive):
    nb, out = run(tmp_path, client, interactive)
    tables = tables_of(out)
    assert "インタビュー対象者" in tables and "定性課題一覧" in tables
    issues = tables["定性課題一覧"]
    assert issues["順位"].tolist()[0] == 1 and issues["代表的な発言"].str.startswith("「").all()
    coders = set(gyomu.load_client(ROOT / "data" / "sample" / client).coding["coder"])
    text = assert_clean(nb)
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
    tables = tables_of(out)
    shown = "".join(tables[t].to_csv() for t in ("コードごとの代表的な発言", "定性課題一覧", "インタビュー対象者"))
    assert "担当" in shown
    family = {n.split()[0] for n in names if n.strip()}
    leaked = [n for n in family if n in shown]
    assert not leaked, leaked


def test_default_client_dir_resolves_from_notebooks_folder(tmp_path):
    _, out = execute("01_interview_coding.ipynb", tmp_path, {}, ROOT / "notebooks")
    assert "定性課題一覧" in tables_of(out)

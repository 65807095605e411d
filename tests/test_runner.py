"""The report run, end to end: real kernels (papermill), real nbconvert, WeasyPrint and pypdf.

Two pipelines run once per module:

* the small fixture notebooks (tests/fixtures/notebooks) on copies of the fixture clients,
  through worker processes (``jobs=2``) — outputs, texts, anonymization, failure isolation;
* the project's notebooks (notebooks/) on the sample clients (data/sample), anonymized —
  every output, the notebooks' Japanese headings in the PDF, no code, no member name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import nbformat
import openpyxl
import pytest
from pypdf import PdfReader

import gyomu
from gyomu import runner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_NOTEBOOKS = sorted((FIXTURES / "notebooks").glob("*.ipynb"))
PROJECT_NOTEBOOKS = runner.find_notebooks(ROOT / "notebooks")
SAMPLES = [ROOT / "data" / "sample" / "kasou-denki", ROOT / "data" / "sample" / "project-office"]
CODE_MARKERS = ("import gyomu", "import pandas", "In [", "In&nbsp;[", "papermill", "client_dir",
                "output_dir", "Traceback")

pytestmark = pytest.mark.slow


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    return "\n".join([*book.sheetnames, *cells])


def report_texts(folder: Path) -> dict[str, str]:
    """Every handout of a report folder as text: HTML source, PDF text, xlsx cells."""
    texts = {}
    for f in sorted(folder.iterdir()):
        if f.suffix == ".html":
            texts[f.name] = f.read_text(encoding="utf-8")
        elif f.suffix == ".pdf":
            texts[f.name] = pdf_text(f)
        elif f.suffix == ".xlsx":
            texts[f.name] = xlsx_text(f)
    return texts


def name_variants(name: str) -> set[str]:
    """A member's name as written, without spaces, and the family name when it is 2+ chars."""
    variants = {name, re.sub(r"\s+", "", name)}
    family = re.split(r"[\s\u3000]+", name.strip())[0]
    if len(family) >= 2:
        variants.add(family)
    return variants


def headings(nb_path: Path) -> list[str]:
    """The Markdown '#' and '##' headings of a notebook's source (the PDF must show them)."""
    nb = nbformat.read(str(nb_path), as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [re.sub(r"[*_`]", "", m.group(1)).strip()
                      for m in re.finditer(r"^#{1,2}\s+(.+?)\s*#*\s*$", cell.source, re.M)]
    return [h for h in found if "{" not in h]


def expected_files(client: str, notebooks: list[Path]) -> set[str]:
    files = {"tables.xlsx", f"{client}{runner.COMBINED_SUFFIX}"}
    for nb in notebooks:
        files |= {f"{nb.stem}.ipynb", f"{nb.stem}.html", f"{nb.stem}.pdf"}
    return files


# ----------------------------------------------------------------------------- fixture run


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("runner")
    clients = base / "clients"
    for name in ("alpha-sha", "beta-sha"):
        shutil.copytree(FIXTURES / "runner_clients" / name, clients / name)
    out = base / "reports"
    summary = runner.run_reports([clients / "alpha-sha", clients / "beta-sha"], out,
                                 notebooks=FIXTURE_NOTEBOOKS, jobs=2, progress_bar=False)
    return base, clients, out, summary


def test_fixture_run_writes_every_output(fixture_run):
    _, _, out, summary = fixture_run
    assert summary.ok, summary.table()
    assert summary.exit_code() == 0
    for client in ("alpha-sha", "beta-sha"):
        folder = out / client / "2026-10"
        assert {f.name for f in folder.iterdir()} == expected_files(client, FIXTURE_NOTEBOOKS)
        assert [c.output for c in summary.clients if c.client == client] == [folder]
    assert not list(out.glob("*/.tmp-*")) and not list(out.glob("*/_failed"))


def test_executed_notebooks_keep_code_and_handouts_do_not(fixture_run):
    _, _, out, _ = fixture_run
    folder = out / "alpha-sha" / "2026-10"
    executed = nbformat.read(str(folder / "01_fixture_members.ipynb"), as_version=4)
    assert any("import gyomu" in c.source for c in executed.cells)
    assert executed.metadata["papermill"]["parameters"]["interactive"] is False
    texts = report_texts(folder)
    for name, text in texts.items():
        for marker in CODE_MARKERS:
            assert marker not in text, (name, marker)
        assert "stderr に出る警告" not in text, name
    combined = texts[f"alpha-sha{runner.COMBINED_SUFFIX}"]
    for heading in ("業務調査 ワークショップ資料", "アルファ架空商事株式会社", "2026-10", "目次",
                    "メンバー別の工数（フィクスチャ）", "大分類別の工数", "合計 160 時間"):
        assert heading in combined
    assert "メンバー別の工数（フィクスチャ） 3" in combined  # table of contents with page
    assert "4 / 4" in combined


def test_tables_xlsx_holds_every_table_with_japanese_headers(fixture_run):
    _, _, out, _ = fixture_run
    book = openpyxl.load_workbook(out / "alpha-sha" / "2026-10" / "tables.xlsx")
    assert book.sheetnames == ["メンバー別の月間工数", "大分類別の月間工数", "工数明細（担当者別）"]
    rows = list(book["大分類別の月間工数"].values)
    assert rows[0] == ("大分類", "月間工数")
    assert dict(rows[1:]) == {"庶務": 80, "施設管理": 40, "総務企画": 40}


def test_names_show_unless_anonymized(fixture_run):
    """alpha-sha shows its members' names (so the search can fail); beta-sha (client.yml
    anonymize: true) has none of them in any HTML, PDF or xlsx."""
    _, clients, out, _ = fixture_run
    alpha = report_texts(out / "alpha-sha" / "2026-10")
    for name in gyomu.load_client(clients / "alpha-sha").members["name"]:
        assert any(name in text for text in alpha.values()), name
    beta = report_texts(out / "beta-sha" / "2026-10")
    assert len(beta) == 2 * len(FIXTURE_NOTEBOOKS) + 2
    for name in gyomu.load_client(clients / "beta-sha").members["name"]:
        for variant in name_variants(name):
            for file, text in beta.items():
                assert variant not in text, (variant, file)
    assert "担当A" in beta[f"beta-sha{runner.COMBINED_SUFFIX}"]
    assert "仮名" in beta[f"beta-sha{runner.COMBINED_SUFFIX}"]  # the cover says so


def test_a_broken_client_fails_alone_and_keeps_its_earlier_report(fixture_run, capsys):
    base, clients, out, _ = fixture_run
    earlier = {p.name: p.read_bytes() for p in (out / "beta-sha" / "2026-10").iterdir()}
    alpha_before = (out / "alpha-sha" / "2026-10" / "tables.xlsx").stat().st_mtime_ns
    # beta: a notebook raises; gamma: the survey does not validate; Bad_Id: not a plain id
    with (clients / "beta-sha" / "client.yml").open("a", encoding="utf-8") as f:
        f.write("fixture_fail: true\n")
    shutil.copytree(clients / "alpha-sha", clients / "gamma-sha")
    hours = clients / "gamma-sha" / "hours.csv"
    hours.write_text(hours.read_text(encoding="utf-8").replace("M03,T01,60", "M09,T01,-5"),
                     encoding="utf-8")
    (clients / "Bad_Id").mkdir()
    args = runner.add_run_arguments(__import__("argparse").ArgumentParser()).parse_args(
        ["--clients", str(clients), "--output", str(out), "--notebooks",
         str(FIXTURES / "notebooks"), "--jobs", "1", "--no-progress"])
    code = runner.run_command(args)
    printed = capsys.readouterr().out
    assert code == 1
    # alpha ran again and succeeded
    assert (out / "alpha-sha" / "2026-10" / "tables.xlsx").stat().st_mtime_ns != alpha_before
    # beta failed: earlier report untouched, failing notebook kept and named in the summary
    assert {p.name: p.read_bytes() for p in (out / "beta-sha" / "2026-10").iterdir()} == earlier
    failed = out / "beta-sha" / "_failed" / "2026-10"
    kept = failed / "01_fixture_members.ipynb"
    assert kept.exists()
    assert not list(failed.glob("01_fixture_members.pdf"))  # a notebook that raised: no handout
    assert "失敗" in printed and "RuntimeError: フィクスチャの意図的な失敗" in printed
    assert str(kept) in printed and "In [" in printed
    # gamma: the Japanese problem list, no traceback, no report
    assert "gamma-sha" in printed and "(入力の検証)" in printed and "Traceback" not in printed
    assert "M09" in printed
    assert not (out / "gamma-sha" / "2026-10").exists()
    # Bad_Id is refused by name
    assert "'Bad_Id' は使えません" in printed
    assert not (out / "Bad_Id").exists()
    rows = {(r["クライアント"], r["ノートブック"]): r["結果"] for r in _summary_rows(printed)}
    assert rows[("alpha-sha", "01_fixture_members")] == "成功"
    assert rows[("beta-sha", "01_fixture_members")] == "失敗"


def _summary_rows(printed: str) -> list[dict[str, str]]:
    rows = []
    for line in printed.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] in ("成功", "失敗"):
            rows.append({"クライアント": parts[0], "ノートブック": parts[1], "結果": parts[2]})
    return rows


@pytest.mark.parametrize("name", ["Kasou", "kasou_denki", "..", "a b", "かそう"])
def test_client_ids_that_are_not_plain_folder_names_are_refused(tmp_path, name):
    folder = tmp_path / name if name != ".." else tmp_path / "x" / ".."
    folder.mkdir(parents=True, exist_ok=True)
    result = runner.run_client(folder, tmp_path / "out", notebooks=FIXTURE_NOTEBOOKS)
    assert not result.ok
    assert "は使えません" in result.error
    assert not (tmp_path / "out").exists()


def test_replace_dir_swaps_in_the_new_report(tmp_path):
    target, new = tmp_path / "2026-10", tmp_path / ".tmp"
    target.mkdir()
    (target / "old.txt").write_text("old")
    new.mkdir()
    (new / "new.txt").write_text("new")
    runner.replace_dir(new, target)
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert not new.exists() and [p.name for p in tmp_path.iterdir()] == ["2026-10"]


def test_one_client_runs_its_notebooks_side_by_side(tmp_path):
    """With more jobs than clients a client's notebooks run at once; the report is the same."""
    summary = runner.run_reports([FIXTURES / "runner_clients" / "alpha-sha"], tmp_path,
                                 notebooks=FIXTURE_NOTEBOOKS, jobs=2, progress_bar=False)
    assert summary.ok, summary.table()
    assert [n.notebook for n in summary.clients[0].notebooks] == [p.stem for p in FIXTURE_NOTEBOOKS]
    folder = tmp_path / "alpha-sha" / "2026-10"
    assert {f.name for f in folder.iterdir()} == expected_files("alpha-sha", FIXTURE_NOTEBOOKS)
    combined = pdf_text(folder / f"alpha-sha{runner.COMBINED_SUFFIX}")
    assert combined.index("メンバー別の工数（フィクスチャ） 3") < combined.index("業務別の工数（フィクスチャ） 4")
    book = openpyxl.load_workbook(folder / "tables.xlsx", read_only=True)
    assert book.sheetnames == ["メンバー別の月間工数", "大分類別の月間工数", "工数明細（担当者別）"]
    # the PDFs were laid out in two export processes (not in this process's export thread)
    pool = runner._Worker.get()._exporters
    assert pool is not None and len(pool._processes) == 2
    assert pool.submit(os.getpid).result() != os.getpid()


class CountingSlots:
    """threading's semaphore, counting how often it was taken and the most holders at once."""

    def __init__(self, n: int) -> None:
        self._slots = threading.BoundedSemaphore(n)
        self._lock = threading.Lock()
        self.now = self.most = self.taken = 0
        self.holders: list[str] = []  #: the threads that took a slot, in order

    def __enter__(self):
        self._slots.acquire()
        with self._lock:
            self.holders.append(threading.current_thread().name)
            self.now += 1
            self.taken += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc):
        with self._lock:
            self.now -= 1
        self._slots.release()


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_heavy_step_of_a_client_holds_one_of_the_jobs_slots(tmp_path, jobs):
    """Validation, each notebook, each PDF and the combining take a slot: --jobs N bounds them."""
    slots = CountingSlots(jobs)
    res = runner.run_client(FIXTURES / "runner_clients" / "alpha-sha", tmp_path,
                            notebooks=FIXTURE_NOTEBOOKS, parallel=2, slots=slots)
    assert res.ok, res
    assert slots.taken == 1 + 2 * len(FIXTURE_NOTEBOOKS) + 1
    assert 1 <= slots.most <= jobs and slots.now == 0


def test_side_by_side_every_notebook_starts_before_any_pdf(tmp_path):
    """Three notebooks, two at a time: the third takes its turn before the first PDF does
    (a PDF can wait for a core; a notebook that starts late makes every later step late)."""
    third = tmp_path / "notebooks" / "03_fixture_again.ipynb"
    third.parent.mkdir()
    shutil.copy(FIXTURE_NOTEBOOKS[0], third)
    notebooks = [*FIXTURE_NOTEBOOKS, third]
    slots = CountingSlots(2)
    res = runner.run_client(FIXTURES / "runner_clients" / "alpha-sha", tmp_path / "out",
                            notebooks=notebooks, parallel=2, slots=slots)
    assert res.ok, res
    steps = [name.split("_")[0] for name in slots.holders]
    assert steps.count("gyomu-notebook") == len(notebooks)
    assert steps.count("gyomu-export") == len(notebooks)
    assert steps.index("gyomu-export") > max(
        i for i, step in enumerate(steps) if step == "gyomu-notebook")


def test_the_priority_gate_serves_lower_priorities_first_then_in_arrival_order():
    gate = runner.PriorityGate(1)
    served: list[str] = []
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with gate.turn():
            holding.set()
            release.wait()

    def wait(name: str, priority: int) -> None:
        with gate.turn(priority):
            served.append(name)

    first = threading.Thread(target=hold)
    first.start()
    holding.wait()
    waiters = []
    for name, priority in [("pdf-1", 1), ("notebook-1", 0), ("pdf-2", 1), ("notebook-2", 0)]:
        waiters.append(threading.Thread(target=wait, args=(name, priority)))
        waiters[-1].start()
        while len(gate._waiting) < len(waiters):  # queued before the next one comes
            time.sleep(0.001)
    release.set()
    for t in [first, *waiters]:
        t.join(5)
    assert served == ["notebook-1", "notebook-2", "pdf-1", "pdf-2"]
    # two turns at once: both holders are inside together
    gate, inside = runner.PriorityGate(2), threading.Barrier(2, timeout=5)

    def meet() -> None:
        with gate.turn():
            inside.wait()

    pair = [threading.Thread(target=meet) for _ in range(2)]
    for t in pair:
        t.start()
    for t in pair:
        t.join(5)
    assert not inside.broken


def test_notebooks_start_longest_first_as_the_previous_report_timed_them(tmp_path):
    client = FIXTURES / "runner_clients" / "alpha-sha"
    first = runner.run_client(client, tmp_path, notebooks=FIXTURE_NOTEBOOKS)
    assert first.ok, first
    for slow in FIXTURE_NOTEBOOKS:
        for nb in FIXTURE_NOTEBOOKS:  # pretend the earlier run found ``slow`` the slow one
            path = first.output / nb.name
            data = json.loads(path.read_text(encoding="utf-8"))
            data["metadata"]["papermill"]["duration"] = 9.0 if nb == slow else 1.0
            path.write_text(json.dumps(data), encoding="utf-8")
        assert runner.expected_seconds(FIXTURE_NOTEBOOKS, first.output) == [
            9.0 if nb == slow else 1.0 for nb in FIXTURE_NOTEBOOKS]
        order: list[str] = []
        res = runner.run_client(client, tmp_path, notebooks=FIXTURE_NOTEBOOKS,
                                progress=lambda c, nb, ok, order=order: order.append(nb))
        assert res.ok, res
        assert order[0] == slow.stem
        assert [n.notebook for n in res.notebooks] == [nb.stem for nb in FIXTURE_NOTEBOOKS]


def test_a_kernel_that_died_before_running_anything_is_replaced_once(tmp_path):
    """A kernel killed before its first reply has run no code: the notebook runs on a new one;
    every kernel used is shut down; any other failure is reported as it is."""
    import os
    import signal

    from gyomu import kernels

    client = FIXTURES / "runner_clients" / "alpha-sha"
    params = {"client_dir": str(client), "output_dir": str(tmp_path), "anonymize": False,
              "interactive": False}
    released, started = [], []

    def new_kernel():
        km = kernels.start_kernel(tmp_path)
        started.append(km)
        return km

    def release(km):
        released.append(km)
        km.shutdown_kernel(now=True)

    dead = kernels.start_kernel(tmp_path)
    os.kill(dead.provisioner.pid, signal.SIGKILL)  # as if it crashed while starting
    nb = runner.execute_notebook(FIXTURE_NOTEBOOKS[0], tmp_path / "out.ipynb", params, dead,
                                 new_kernel=new_kernel, release=release)
    assert len(started) == 1 and released == [dead, started[0]]
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    def dead_kernel():
        km = kernels.start_kernel(tmp_path)
        os.kill(km.provisioner.pid, signal.SIGKILL)
        started.append(km)
        return km

    released.clear()
    with pytest.raises(RuntimeError, match="before replying to kernel_info"):  # once only
        runner.execute_notebook(FIXTURE_NOTEBOOKS[0], tmp_path / "out.ipynb", params,
                                dead_kernel(), new_kernel=dead_kernel, release=release)
    assert released == started[1:] and len(released) == 2


def test_without_an_earlier_report_the_notebook_with_most_code_is_expected_longest(tmp_path):
    expected = runner.expected_seconds(PROJECT_NOTEBOOKS, tmp_path / "no-report")
    gap = next(i for i, nb in enumerate(PROJECT_NOTEBOOKS) if nb.name == "03_gap_analysis.ipynb")
    assert max(expected) == expected[gap] > 0
    partial = tmp_path / "partial"  # an earlier report missing a notebook: code sizes again
    partial.mkdir()
    shutil.copy(PROJECT_NOTEBOOKS[0], partial / PROJECT_NOTEBOOKS[0].name)
    assert runner.expected_seconds(PROJECT_NOTEBOOKS, partial) == expected


def test_dask_runs_the_same_job_on_a_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        summary = runner.run_reports([FIXTURES / "runner_clients" / "alpha-sha"], tmp_path,
                                     notebooks=FIXTURE_NOTEBOOKS, dask_address=cluster.scheduler_address,
                                     progress_bar=False)
    assert summary.ok, summary.table()
    assert {f.name for f in (tmp_path / "alpha-sha" / "2026-10").iterdir()} == expected_files(
        "alpha-sha", FIXTURE_NOTEBOOKS)


# ----------------------------------------------------------------------------- sample clients


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    if not PROJECT_NOTEBOOKS:
        pytest.skip("notebooks/ has no notebooks yet")
    out = tmp_path_factory.mktemp("sample-reports")
    summary = runner.run_reports(SAMPLES, out, anonymize=True, jobs=2, progress_bar=False)
    return out, summary


def test_sample_clients_get_every_output(sample_run):
    out, summary = sample_run
    assert summary.ok, summary.table()
    for path in SAMPLES:
        client = gyomu.load_client(path)
        folder = out / path.name / client.wave
        assert {f.name for f in folder.iterdir()} >= expected_files(path.name, PROJECT_NOTEBOOKS)
        assert len(openpyxl.load_workbook(folder / "tables.xlsx", read_only=True).sheetnames) >= 1


def test_sample_pdfs_show_the_notebooks_headings_and_no_code(sample_run):
    out, _ = sample_run
    for path in SAMPLES:
        folder = out / path.name / gyomu.load_client(path).wave
        combined = pdf_text(folder / f"{path.name}{runner.COMBINED_SUFFIX}")
        compact = re.sub(r"\s+", "", combined)
        for nb in PROJECT_NOTEBOOKS:
            handout = pdf_text(folder / f"{nb.stem}.pdf")
            for heading in headings(nb):
                assert re.sub(r"\s+", "", heading) in compact, (path.name, nb.name, heading)
            for marker in CODE_MARKERS:
                assert marker not in handout, (path.name, nb.name, marker)
        for marker in CODE_MARKERS:
            assert marker not in combined, (path.name, marker)


def test_anonymized_sample_reports_hold_no_member_name(sample_run):
    out, _ = sample_run
    for path in SAMPLES:
        client = gyomu.load_client(path)
        names = set(client.members["name"].astype(str))
        for old in client.history.values():
            names |= set(old.members["name"].astype(str))
        texts = report_texts(out / path.name / client.wave)
        assert len(texts) >= 2 * len(PROJECT_NOTEBOOKS) + 2
        for name in names:
            for variant in name_variants(name):
                for file, text in texts.items():
                    assert variant not in text, (path.name, file, variant)


def test_sample_figures_are_opaque_rgb_pngs_that_the_pdf_holds_as_they_are(sample_run):
    """The run's kernels display figures as RGB PNGs (gyomu.plotting.OPAQUE_PNG), and the
    handout PDF embeds their compressed pixels unchanged (no re-encoding by WeasyPrint)."""
    import base64

    from gyomu.export import png_idat

    out, _ = sample_run
    path = SAMPLES[0]
    folder = out / path.name / gyomu.load_client(path).wave
    for nb_path in PROJECT_NOTEBOOKS:
        nb = nbformat.read(str(folder / nb_path.name), as_version=4)
        pngs = [base64.b64decode(o["data"]["image/png"]) for c in nb.cells if c.cell_type == "code"
                for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert pngs, nb_path.name
        pdf = (folder / f"{nb_path.stem}.pdf").read_bytes()
        for png in pngs:
            found = png_idat(png)
            assert found is not None and found[2] == 3, nb_path.name  # 8-bit RGB
            assert found[3] in pdf, nb_path.name


def test_the_biggest_clients_go_to_the_workers_first(sample_run, tmp_path):
    out, summary = sample_run
    assert summary.ok, summary.table()
    # no earlier report: the size of the input files (kasou-denki has interviews and history)
    assert runner.expected_client_costs(SAMPLES, tmp_path)[0] > runner.expected_client_costs(
        SAMPLES, tmp_path)[1] > 0
    # earlier reports of every client: what their notebooks took then
    durations = [sum(runner.expected_seconds(sorted(c.output.glob("*.ipynb")), c.output))
                 for c in summary.clients]
    assert runner.expected_client_costs(SAMPLES, out) == pytest.approx(durations)
    assert all(d > 0 for d in durations)

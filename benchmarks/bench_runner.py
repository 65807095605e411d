"""The report run (`gyomu run`) against the chain a consultant would script, in one run.

Baseline, per client and notebook, sequentially: ``papermill`` CLI, ``jupyter nbconvert --to
html --no-input`` CLI, ``weasyprint`` CLI (with the Japanese @font-face stylesheet), then the
combined PDF (pypdf) and tables.xlsx — the same outputs ``gyomu run`` writes. Then:

* ``gyomu run`` on the same sample clients (a fresh process, like the user runs it);
* one client's full set (``gyomu run data/sample/kasou-denki``);
* the work floor of that client: the CPU-seconds of the work alone (every notebook's cells
  with their charts and tables, the PDF handouts, the combined PDF and tables.xlsx) in one
  process whose imports are done, with no kernel, no start-up and no waiting — divided by
  the cores, the wall time no scheduling can beat;
* N copies of the sample clients (``GYOMU_BENCH_CLIENTS``, default 20) with ``--jobs 1``
  and ``--jobs 2``.

``python benchmarks/run.py runner`` (takes minutes: it runs every notebook many times).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import report

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLES = [ROOT / "data" / "sample" / "kasou-denki", ROOT / "data" / "sample" / "project-office"]


def _run(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - t0
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", flush=True)
        raise RuntimeError(f"failed ({done.returncode}): {' '.join(cmd[:3])} …")
    return seconds


def naive_chain(clients: list[Path], out: Path) -> float:
    """papermill CLI → nbconvert CLI → weasyprint CLI per notebook, then combine and xlsx."""
    from pypdf import PdfWriter

    import gyomu
    from gyomu.export import font_path
    from gyomu.outputs import read_tables
    from gyomu.tables_xlsx import write_tables_xlsx

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    css = out / "font.css"
    out.mkdir(parents=True, exist_ok=True)
    css.write_text(f"@font-face {{ font-family: 'IPAexGothic'; src: url('{font_path().as_uri()}'); }}\n"
                   "html, body { font-family: 'IPAexGothic', sans-serif; }\n"
                   "@page { size: A4; margin: 15mm; }\n", encoding="utf-8")
    t0 = time.perf_counter()
    for client in clients:
        anonymize = gyomu.load_client(client).config.anonymize
        folder = out / client.name
        folder.mkdir(parents=True, exist_ok=True)
        pdfs = []
        for nb in notebooks:
            executed = folder / nb.name
            subprocess.run([str(BIN / "papermill"), str(nb), str(executed), "-k", "python3",
                            "-p", "client_dir", str(client), "-p", "output_dir", str(folder),
                            "-p", "anonymize", str(anonymize), "-p", "interactive", "False",
                            "--no-progress-bar"], check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                            str(executed)], check=True, capture_output=True)
            html, pdf = executed.with_suffix(".html"), executed.with_suffix(".pdf")
            subprocess.run([str(BIN / "weasyprint"), "-s", str(css), str(html), str(pdf)],
                           check=True, capture_output=True)
            pdfs.append(pdf)
        writer = PdfWriter()
        for pdf in pdfs:
            writer.append(str(pdf))
        writer.write(str(folder / f"{client.name}_ワークショップ資料.pdf"))
        write_tables_xlsx(read_tables(folder), folder / "tables.xlsx")
    return time.perf_counter() - t0


def gyomu_run(clients: list[Path], out: Path, *extra: str) -> float:
    """``gyomu run`` in a fresh process (start, imports and all)."""
    return _run([str(BIN / "gyomu"), "run", *map(str, clients), "--output", str(out),
                 "--no-progress", *extra], cwd=ROOT)


def copies(n: int, base: Path) -> list[Path]:
    """``n`` client folders: the sample clients copied under ids bench-01 …"""
    folders = []
    for i in range(n):
        target = base / f"bench-{i + 1:02d}"
        shutil.copytree(SAMPLES[i % len(SAMPLES)], target)
        folders.append(target)
    return folders


def work_floor(executed: Path, out: Path) -> float:
    """CPU-seconds of one client's work alone (the minimum of two tries per step), measured
    in a fresh process: the cells of every notebook in an in-process IPython shell (charts
    as the report kernels draw them), then the handouts of the executed notebooks in
    ``executed``, the combined PDF and tables.xlsx."""
    done = subprocess.run([sys.executable, __file__, "floor", str(executed), str(out)],
                          capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", flush=True)
        raise RuntimeError("work floor failed")
    return float(done.stdout.split()[-1])


def _floor(executed: Path, out: Path) -> None:
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from matplotlib_inline.config import InlineBackend

    import gyomu.plotting  # noqa: F401 - registers the report's figure format
    from gyomu import runner

    def cpu(step, setup=lambda: None) -> float:
        best = float("inf")
        for _ in range(2):
            setup()
            t0 = time.process_time()
            step()
            best = min(best, time.process_time() - t0)
        return best

    shell = InteractiveShell.instance()
    shell.enable_gui = lambda gui=None: None  # the inline backend needs no event loop
    inline = InlineBackend.instance(parent=shell)
    inline.figure_formats = {"retina"}
    inline.print_figure_kwargs = {"bbox_inches": "tight", "format": "opaque_png"}
    params = {"client_dir": str(SAMPLES[0]), "output_dir": str(out), "anonymize": False,
              "interactive": False}

    def cells(path: Path) -> None:
        shell.reset(new_session=False)
        shell.run_line_magic("matplotlib", "inline")
        with capture_output():
            for cell in nbformat.read(path, 4).cells:
                if cell.cell_type != "code":
                    continue
                result = shell.run_cell(cell.source, store_history=False)
                if not result.success:
                    raise RuntimeError(f"{path.name}: {result.error_in_exec!r}")
                if "parameters" in cell.metadata.get("tags", []):
                    shell.user_ns.update(params)

    total = 0.0
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        total += cpu(lambda nb=nb: cells(nb))
    parts = {}
    for nb in sorted(executed.glob("*.ipynb")):
        read = nbformat.read(nb, 4)
        total += cpu(lambda nb=nb, read=read: parts.__setitem__(
            nb.stem, runner._export_notebook(read, nb.stem, out, "ベンチマーク")))
    tables, kept = out / "tables", out.with_name(out.name + "-tables")
    shutil.copytree(tables, kept)  # the tables the cells wrote; the combining step drops them
    total += cpu(lambda: runner._finish("ベンチマーク", "2026-10", "floor", out,
                                        list(parts.values()), False),
                 setup=lambda: shutil.copytree(kept, tables, dirs_exist_ok=True))
    print(f"{total:.3f}")


def main() -> None:
    n = int(os.environ.get("GYOMU_BENCH_CLIENTS", "20"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        gyomu_run([SAMPLES[0]], tmp / "warm")  # page cache and font caches, as for any user
        naive = naive_chain(SAMPLES, tmp / "naive")
        ours = gyomu_run(SAMPLES, tmp / "ours")
        report("gyomu run, 2 sample clients x 3 notebooks", ours, baseline=naive,
               baseline_name="papermill+nbconvert+weasyprint CLIs", target=">= 3x faster")
        one = min(gyomu_run([SAMPLES[0]], tmp / f"one{i}") for i in range(2))
        report("gyomu run, one client's full set (kasou-denki)", one, target="<= 8 s")
        executed = next((tmp / "one0" / SAMPLES[0].name).iterdir())
        floor = work_floor(executed, tmp / "floor")
        cores = os.cpu_count() or 1
        report("  its work alone (one warm process, no start-up)", floor, "CPU-s")
        report(f"  lower bound: that work on {cores} cores, no overhead at all", floor / cores,
               baseline=one, baseline_name="gyomu run")
        clients = copies(n, tmp / "clients")
        jobs1 = gyomu_run(clients, tmp / "jobs1", "--jobs", "1")
        jobs2 = gyomu_run(clients, tmp / "jobs2", "--jobs", "2")
        report(f"gyomu run, {n} clients, --jobs 2", jobs2, baseline=jobs1,
               baseline_name="--jobs 1", target=">= 1.8x faster")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if sys.argv[1:2] == ["floor"]:
        sys.modules.setdefault("rfc3987_syntax", None)  # as gyomu.runner does
        _floor(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()

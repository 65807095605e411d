"""The report run (``gyomu run``): every client's workshop material in one command.

For each client folder the run validates the survey (:func:`gyomu.load_client`), executes
every notebook of ``notebooks/`` with papermill (parameters ``client_dir``, ``output_dir``,
``anonymize`` and ``interactive=False``) and writes to ``<output>/<client>/<wave>/``:

* the executed notebooks (``.ipynb``, code kept, for the analyst),
* one ``.html`` and one ``.pdf`` handout per notebook (no code),
* the combined ``<client>_ワークショップ資料.pdf`` (cover, contents, page numbers),
* ``tables.xlsx`` with every table the notebooks showed.

A client's run is written to a temporary folder next to the target and swapped in only when
everything succeeded; a failed run leaves the earlier report untouched and keeps its executed
notebooks under ``<output>/<client>/_failed/<wave>/`` for debugging. Clients run in parallel
worker processes (``jobs``) or on a Dask cluster (``dask_address``). Each notebook gets a
fresh kernel forked from a pre-imported zygote (:mod:`gyomu.kernels`); the exports run while
the next notebook executes (in a thread, or in export processes when a client has cores to
itself). ``jobs`` bounds the CPU-heavy steps (executing a
notebook, laying out a PDF, combining) that run at once across all clients, so ``--jobs 1``
uses one core and ``--jobs N`` about N.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import datetime as dt
import heapq
import itertools
import os
import re
import shutil
import sys
import threading
import time
import traceback
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# jsonschema (imported by nbformat) loads rfc3987_syntax, which builds a Lark grammar at
# import: ~2 s of CPU per process, for "iri" format checks that notebook schemas never use.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

CLIENT_ID = re.compile(r"^[a-z0-9-]+$")
ROOT = Path(__file__).resolve().parents[1]
COMBINED_SUFFIX = "_ワークショップ資料.pdf"
FAILED_DIR = "_failed"
CELL_TIMEOUT = 900  #: seconds one notebook cell may run


# ----------------------------------------------------------------------------- results


@dataclass
class NotebookResult:
    """How one notebook of one client went."""

    notebook: str
    ok: bool
    seconds: float
    cell: str = ""  #: the failing cell, e.g. ``In [7]: plot_load(...)``
    error: str = ""  #: the error, e.g. ``KeyError: 'hours'``
    executed: Path | None = None  #: the executed notebook (kept in _failed/ on failure)


@dataclass
class ClientResult:
    """How one client went: its notebooks, where the report is and what failed."""

    client: str
    path: Path
    ok: bool
    seconds: float = 0.0
    wave: str = ""
    output: Path | None = None  #: the report folder (only when ok)
    failed_dir: Path | None = None  #: the kept executed notebooks of a failed run
    notebooks: list[NotebookResult] = field(default_factory=list)
    problems: str = ""  #: Japanese validation problems (no traceback)
    error: str = ""  #: any other failure, in one line or a few


@dataclass
class RunSummary:
    """Every client's result of one report run."""

    clients: list[ClientResult]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.clients) and all(c.ok for c in self.clients)

    @property
    def failed(self) -> list[ClientResult]:
        return [c for c in self.clients if not c.ok]

    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def rows(self) -> list[dict[str, str]]:
        """One row per client and notebook (Japanese keys), for the summary table."""
        rows = []
        for c in self.clients:
            if c.problems or (c.error and not c.notebooks):
                rows.append({"クライアント": c.client, "ノートブック": "(入力の検証)" if c.problems else "-",
                             "結果": "失敗", "時間(秒)": f"{c.seconds:.1f}",
                             "詳細": c.problems or c.error})
                continue
            for n in c.notebooks:
                detail = ""
                if not n.ok:
                    detail = "\n".join(x for x in (n.cell, n.error,
                                                   f"実行済みノートブック: {n.executed}" if n.executed else "") if x)
                rows.append({"クライアント": c.client, "ノートブック": n.notebook,
                             "結果": "成功" if n.ok else "失敗", "時間(秒)": f"{n.seconds:.1f}",
                             "詳細": detail})
            if c.error:
                rows.append({"クライアント": c.client, "ノートブック": "(出力)", "結果": "失敗",
                             "時間(秒)": "", "詳細": c.error})
        return rows

    def table(self) -> str:
        """The summary as a plain-text table (wide characters aligned)."""
        rows = self.rows()
        if not rows:
            return "対象のクライアントがありません。"
        keys = list(rows[0])
        widths = {k: max(_width(k), *(_width(r[k].splitlines()[0] if r[k] else "") for r in rows))
                  for k in keys[:-1]}
        lines = ["  ".join(_pad(k, widths.get(k, 0)) for k in keys).rstrip()]
        lines.append("  ".join("-" * widths.get(k, 10) for k in keys))
        indent = sum(widths.values()) + 2 * (len(keys) - 1)
        for r in rows:
            detail = r["詳細"].splitlines() or [""]
            lines.append(("  ".join(_pad(r[k], widths[k]) for k in keys[:-1]) + "  " + detail[0]).rstrip())
            lines += [" " * (indent + 2) + d for d in detail[1:]]
        ok = sum(c.ok for c in self.clients)
        lines.append("")
        lines.append(f"{len(self.clients)}社中 {ok}社 成功、{len(self.clients) - ok}社 失敗"
                     f"（{self.seconds:.1f} 秒）")
        for c in self.clients:
            if c.ok:
                lines.append(f"  {c.client}: {c.output}")
        return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    text = text.splitlines()[0] if text else ""
    return text + " " * max(width - _width(text), 0)


# ----------------------------------------------------------------------------- discovery


def default_clients_dir() -> Path:
    """``data/sample`` of the working folder, else of the repository gyomu runs from."""
    here = Path("data/sample")
    return here if here.is_dir() else ROOT / "data" / "sample"


def default_notebooks_dir() -> Path:
    """``notebooks`` of the working folder, else of the repository gyomu runs from."""
    here = Path("notebooks")
    return here if here.is_dir() else ROOT / "notebooks"


def find_clients(folder: str | Path) -> list[Path]:
    """Every client folder directly under ``folder`` (hidden and ``_``-folders skipped)."""
    folder = Path(folder)
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def find_notebooks(folder: str | Path) -> list[Path]:
    """The notebooks to run, in name order (checkpoints and ``_``-notebooks skipped)."""
    folder = Path(folder)
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_")))


def check_client_id(client_id: str) -> str | None:
    """A Japanese message when ``client_id`` is not a plain folder name, else None."""
    if not CLIENT_ID.match(client_id):
        return (f"クライアントID '{client_id}' は使えません。フォルダ名は英小文字・数字・"
                "ハイフン(-)のみにしてください（例: kasou-denki）。")
    return None


def _safe_wave(wave: str) -> str:
    wave = str(wave or "").strip()
    wave = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "-", wave).strip(". ")
    if not wave or wave.startswith("_"):
        wave = "current" if not wave else wave.lstrip("_") or "current"
    return wave


def _slot(slots: Any):
    """Hold one of ``slots`` (a semaphore bounding the CPU-heavy steps) while in the block."""
    return slots if slots is not None else contextlib.nullcontext()


class PriorityGate:
    """``size`` turns at once, given to waiters by priority (lower first), then by arrival.

    One client's notebooks go before its PDFs: every PDF waits for its notebook, so a
    notebook that starts late makes the whole report late.
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: list[tuple[int, int]] = []
        self._tickets = itertools.count()
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def turn(self, priority: int = 0):
        """Wait for a turn, hold it while in the block."""
        with self._cond:
            ticket = (priority, next(self._tickets))
            heapq.heappush(self._waiting, ticket)
            while not self._free or self._waiting[0] != ticket:
                self._cond.wait()
            heapq.heappop(self._waiting)
            self._free -= 1
            self._cond.notify_all()  # the next in line may have a turn too
        try:
            yield
        finally:
            with self._cond:
                self._free += 1
                self._cond.notify_all()


@contextlib.contextmanager
def _turn(gate: PriorityGate | None, priority: int, slots: Any = None):
    """Hold a turn at ``gate`` (when given) with ``priority``, then one of ``slots``."""
    with gate.turn(priority) if gate is not None else contextlib.nullcontext(), _slot(slots):
        yield


def expected_seconds(notebooks: list[Path], previous: Path | None = None) -> list[float]:
    """How long each notebook is expected to run, for starting the longest first.

    The durations papermill recorded in the executed notebooks of ``previous`` (the client's
    earlier report) when every notebook is there; otherwise the size of each notebook's code,
    which orders them the same way on the sample clients.
    """
    import json

    if previous is not None:
        found = []
        for nb in notebooks:
            try:
                meta = json.loads((previous / nb.name).read_text(encoding="utf-8"))["metadata"]
                found.append(float(meta["papermill"]["duration"]))
            except (OSError, ValueError, KeyError, TypeError):
                break
        else:
            return found
    sizes = []
    for nb in notebooks:
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            cells = []
        sizes.append(sum(len("".join(c.get("source", ""))) for c in cells
                         if c.get("cell_type") == "code") / 1000)
    return sizes


def expected_client_costs(clients: list[Path], output: Path) -> list[float]:
    """A cost per client, for handing the biggest ones to the workers first.

    The summed notebook durations of each client's latest earlier report under ``output``
    when every client has one; otherwise the size of each client's input files.
    """
    def previous(client: Path) -> float | None:
        waves = [w for w in (output / client.name).glob("*/")
                 if w.is_dir() and not w.name.startswith((".", "_"))]
        for wave in sorted(waves, key=lambda w: w.stat().st_mtime, reverse=True):
            notebooks = sorted(wave.glob("*.ipynb"))
            if notebooks:
                return sum(expected_seconds(notebooks, wave))
        return None

    found = [previous(c) for c in clients]
    if all(f is not None for f in found):
        return [float(f) for f in found]  # type: ignore[arg-type]
    return [float(sum(f.stat().st_size for f in c.rglob("*") if f.is_file()))
            if c.is_dir() else 0.0 for c in clients]


# ----------------------------------------------------------------------------- one client


class _Worker:
    """Per-process state: the kernel zygote and warmed-up exporters."""

    _instance: _Worker | None = None
    _lock = threading.Lock()

    def __init__(self, notebooks: list[Path] | None = None, zygote: str | None = None) -> None:
        from . import kernels

        self.factory = None
        self._exporters: Any = None
        self._exporters_size = 0
        if zygote:
            self.factory = kernels.SharedKernelFactory(zygote)
        elif kernels.FORK_SUPPORTED:
            modules = kernels.notebook_imports(notebooks or [])
            self.factory = kernels.KernelFactory(modules)

    @classmethod
    def get(cls, notebooks: list[Path] | None = None, zygote: str | None = None) -> _Worker:
        """This process's worker; the first call starts a zygote preloading what
        ``notebooks`` import, or uses the shared one at address ``zygote``."""
        with cls._lock:
            if cls._instance is None:
                cls._instance = _Worker(notebooks, zygote)
                import atexit

                atexit.register(cls.shutdown)
            return cls._instance

    @classmethod
    def shutdown(cls) -> None:
        with cls._lock:
            if cls._instance is not None:
                if cls._instance.factory is not None:
                    cls._instance.factory.close()
                if cls._instance._exporters is not None:
                    cls._instance._exporters.shutdown(wait=True, cancel_futures=True)
            cls._instance = None

    def kernel(self, cwd: Path):
        from .kernels import start_kernel

        return start_kernel(cwd, self.factory)

    def exporters(self, size: int):
        """A pool of ``size`` processes with WeasyPrint set up, for PDFs side by side (the
        export thread holds the GIL: one process lays out one PDF at a time). Started here,
        warmed up in the background, reused by later clients; a broken pool is replaced."""
        from concurrent.futures import ProcessPoolExecutor

        with self._lock:
            pool = self._exporters
            if pool is not None and (self._exporters_size < size or getattr(pool, "_broken", False)):
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
            if pool is None:
                pool = ProcessPoolExecutor(size, mp_context=process_context(),
                                           initializer=_warm_exports)
                # start every process now, in the background (the fork server imports the
                # report modules first): they warm up while the notebooks run
                threading.Thread(target=_start_processes, args=(pool, size), daemon=True).start()
                self._exporters, self._exporters_size = pool, size
            return pool


def _start_processes(pool: Any, size: int) -> None:
    with contextlib.suppress(RuntimeError):  # shut down meanwhile
        for _ in range(size):
            pool.submit(os.getpid)


#: What worker processes import once, in the server they fork from.
_PRELOAD = ["gyomu.runner", "gyomu.export", "gyomu.tables_xlsx", "gyomu.intake", "papermill",
            "nbconvert", "weasyprint", "pypdf", "xlsxwriter"]


def process_context():
    """The multiprocessing context of gyomu's worker processes: forked from a server that
    imported the report modules once (``forkserver``), else ``spawn``."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
    except ValueError:  # no fork on this platform
        ctx = mp.get_context("spawn")
    return ctx


def _warm_exports() -> None:
    """Import and set up nbconvert and WeasyPrint (early, in the export thread or process)."""
    from . import export

    export._exporter()
    export._font_config()


def _warm_up(notebooks: list[Path] | None = None, zygote: str | None = None) -> None:
    """Process initializer: start the zygote and import the heavy modules meanwhile."""
    _Worker.get(notebooks, zygote)
    import papermill  # noqa: F401

    _warm_exports()


def _executed_error(exc: BaseException) -> tuple[str, str]:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first = next((ln for ln in (exc.source or "").splitlines() if ln.strip()), "")
        cell = f"In [{exc.exec_count}]: {first[:80]}" if exc.exec_count else f"セル {exc.cell_index}"
        return cell, f"{exc.ename}: {exc.evalue}"[:500]
    return "", f"{type(exc).__name__}: {exc}"[:500]


def _died_at_start(exc: BaseException) -> bool:
    """Whether ``exc`` says the kernel died before it could run anything."""
    return isinstance(exc, RuntimeError) and "before replying to kernel_info" in str(exc)


def execute_notebook(nb_path: Path, executed: Path, params: dict[str, Any], km: Any, *,
                     new_kernel: Callable[[], Any], release: Callable[[Any], Any],
                     slots: Any = None):
    """Run ``nb_path`` with papermill on the started kernel ``km``, writing ``executed``;
    returns the executed notebook. Every kernel used goes to ``release`` at the end.

    A kernel that died before it replied to its first request has run no code, so the
    notebook runs once more on ``new_kernel()``; any other failure is raised. Holds one of
    ``slots`` while executing.
    """
    import papermill

    try:
        for attempt in range(2):
            try:
                with _slot(slots):
                    return papermill.execute_notebook(
                        str(nb_path), str(executed), parameters=params, kernel_name="python3",
                        progress_bar=False, request_save_on_cell_execute=False,
                        execution_timeout=CELL_TIMEOUT, km=km, log_output=False,
                    )
            except RuntimeError as exc:
                if attempt or not _died_at_start(exc):
                    raise
                release(km)
                km = None
                km = new_kernel()
        raise AssertionError("unreachable")
    finally:
        if km is not None:
            release(km)


def _export_notebook(nb, stem: str, folder: Path, footer_name: str, slots: Any = None,
                     processes: Any = None):
    """The notebook's ``.html`` and PDF handout (holding one of ``slots`` meanwhile), made
    by one of ``processes`` (an executor) when given."""
    from . import export

    with _slot(slots):
        if processes is not None:
            return processes.submit(_export_notebook, nb, stem, folder, footer_name).result()
        title = export.notebook_title(nb, stem)
        body = export.notebook_body(nb)
        (folder / f"{stem}.html").write_text(export.page_html(body, title=title), encoding="utf-8")
        printable = export.page_html(export.fit_tables(body), title=title, print_css=True,
                                     footer=f"{footer_name} ｜ {title}",
                                     font_css=export._font_face())
        return export.html_to_pdf(printable, folder / f"{stem}.pdf", title=title)


def _shutdown(km) -> None:
    with contextlib.suppress(Exception):
        km.shutdown_kernel(now=True)


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return res == 0


def replace_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target``, replacing an earlier folder there.

    An existing target is exchanged atomically where the OS allows it, else moved aside,
    replaced and then removed (restored if the replacement fails).
    """
    if not target.exists():
        os.replace(new, target)
        return
    if _rename_exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old report
        return
    old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex[:8]}")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def run_client(
    client_dir: str | Path,
    output: str | Path,
    *,
    notebooks: list[Path] | None = None,
    anonymize: bool | None = None,
    progress: Callable[[str, str, bool], None] | None = None,
    parallel: int = 1,
    slots: Any = None,
) -> ClientResult:
    """Validate one client, run every notebook and swap in its report (see module doc).

    ``parallel`` notebooks run at once (each in its own fresh kernel; the notebooks are
    independent), the longest expected first (:func:`expected_seconds`), and every notebook
    takes its turn before any PDF (:class:`PriorityGate`). ``slots``, a
    semaphore shared with other runs, bounds the CPU-heavy steps (validating, executing a
    notebook, a PDF, combining) that run at once; None: no bound. ``progress(client,
    notebook, ok)`` is called after each notebook. Never raises for a problem of the
    client's data or notebooks: the result says what failed.
    """
    t0 = time.perf_counter()
    path = Path(client_dir).resolve()
    client_id = path.name
    result = ClientResult(client=client_id, path=path, ok=False)

    def done() -> ClientResult:
        result.seconds = time.perf_counter() - t0
        return result

    message = check_client_id(client_id)
    if message:
        result.error = message
        return done()
    if not path.is_dir():
        result.error = f"クライアントのフォルダがありません: {path}"
        return done()
    notebooks = list(notebooks) if notebooks is not None else find_notebooks(default_notebooks_dir())
    if not notebooks:
        result.error = "実行するノートブックがありません（notebooks/ に .ipynb を置いてください）。"
        return done()

    worker = _Worker.get(notebooks)  # starts the zygote while we validate
    out_root = Path(output).resolve() / client_id
    created = not out_root.exists()
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = out_root / f".tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    # with cores to spare, PDFs are laid out side by side in export processes
    processes = worker.exporters(parallel) if parallel > 1 else None
    # side by side, this client's notebooks take turns before its PDFs
    gate = PriorityGate(parallel) if parallel > 1 else None
    pool = ThreadPoolExecutor(parallel if processes else 1, thread_name_prefix="gyomu-export")
    if processes is None:
        pool.submit(_warm_exports)
    prestart = ThreadPoolExecutor(1, thread_name_prefix="gyomu-kernel")
    next_km: Future | None = prestart.submit(worker.kernel, tmp)
    from . import SurveyError, load_client

    try:
        with _slot(slots):
            client = load_client(path)
    except SurveyError as exc:
        result.problems = str(exc)
    except Exception as exc:  # noqa: BLE001 - reported per client, the run goes on
        result.error = f"入力を読み込めませんでした: {type(exc).__name__}: {exc}"
    if result.problems or result.error:
        pool.shutdown(wait=False)
        with contextlib.suppress(Exception):
            next_km.result().shutdown_kernel(now=True)
        prestart.shutdown(wait=True)
        shutil.rmtree(tmp, ignore_errors=True)
        if created:  # a client that never had a report leaves no folder behind
            with contextlib.suppress(OSError):
                out_root.rmdir()
        return done()

    wave = _safe_wave(client.wave)
    result.wave = wave
    anon = bool(client.config.anonymize) if anonymize is None else bool(anonymize)
    footer_name = client.name
    target = out_root / wave
    params = {"client_dir": str(path), "output_dir": str(tmp), "anonymize": anon,
              "interactive": False}
    results: list[NotebookResult | None] = [None] * len(notebooks)
    exports: dict[int, Future] = {}
    lock = threading.Lock()

    def run_one(i: int, get_kernel: Callable, release: Callable) -> None:
        nb_path = notebooks[i]
        t1 = time.perf_counter()
        executed = tmp / nb_path.name
        res = NotebookResult(notebook=nb_path.stem, ok=False, seconds=0.0, executed=executed)
        nb = None
        try:
            # side by side, a notebook's turn comes before any PDF's; its kernel starts then
            with _turn(gate, 0):
                nb = execute_notebook(nb_path, executed, params, get_kernel(),
                                      new_kernel=lambda: worker.kernel(tmp), release=release,
                                      slots=slots)
            res.ok = True
        except Exception as exc:  # noqa: BLE001 - one notebook's failure is reported
            res.cell, res.error = _executed_error(exc)
        finally:
            res.seconds = time.perf_counter() - t1
        with lock:
            results[i] = res
            if res.ok and all(r is None or r.ok for r in results):  # never after a failure
                exports[i] = pool.submit(_export_notebook, nb, nb_path.stem, tmp, footer_name,
                                         _turn(gate, 1, slots), processes)
        if progress:
            progress(client_id, nb_path.stem, res.ok)

    expected = expected_seconds(notebooks, target if target.is_dir() else None)
    order = sorted(range(len(notebooks)), key=lambda i: -expected[i])  # longest first
    try:
        if parallel <= 1:  # one at a time; the next kernel starts while this one runs
            for n, i in enumerate(order):
                current = next_km
                next_km = prestart.submit(worker.kernel, tmp) if n + 1 < len(order) else None
                run_one(i, current.result, lambda km: prestart.submit(_shutdown, km))
        else:  # the notebooks are independent: run them side by side, each in a fresh kernel
            first, next_km = next_km, None
            # every notebook waits at the gate from the start, ahead of any PDF
            with ThreadPoolExecutor(len(order), thread_name_prefix="gyomu-notebook") as ex:
                futures = [ex.submit(run_one, i, first.result if n == 0 else
                                     (lambda: worker.kernel(tmp)), _shutdown)
                           for n, i in enumerate(order)]
                for f in futures:
                    f.result()
        result.notebooks = [r for r in results if r is not None]
        parts = []
        for i in sorted(exports):
            try:
                parts.append(exports[i].result())
            except Exception as exc:  # noqa: BLE001
                result.error = f"PDF/HTML の出力に失敗しました: {type(exc).__name__}: {exc}"
        if all(n.ok for n in result.notebooks) and not result.error:
            with _turn(gate, 1, slots):
                finish = (client.name, client.wave, client_id, tmp, parts, anon)
                if processes is not None:
                    processes.submit(_finish, *finish).result()
                else:
                    _finish(*finish)
            replace_dir(tmp, target)
            result.ok = True
            result.output = target
            for n in result.notebooks:
                n.executed = target / Path(n.executed).name
            return done()
    except Exception as exc:  # noqa: BLE001
        result.error = (f"レポートを作成できませんでした: {type(exc).__name__}: {exc}\n"
                        + traceback.format_exc(limit=3))
    finally:
        pool.shutdown(wait=True)
        if next_km is not None:
            with contextlib.suppress(Exception):
                next_km.result().shutdown_kernel(now=True)
        prestart.shutdown(wait=True)
        if not result.ok and tmp.exists():
            failed = out_root / FAILED_DIR / wave
            failed.parent.mkdir(exist_ok=True)
            if failed.exists():
                shutil.rmtree(failed)
            os.replace(tmp, failed)
            result.failed_dir = failed
            for n in result.notebooks:
                if n.executed is not None:
                    kept = failed / Path(n.executed).name
                    n.executed = kept if kept.exists() else None
    return done()


def _finish(client_name: str, wave: str, client_id: str, folder: Path, parts: list,
            anonymized: bool) -> None:
    """Combined PDF and tables.xlsx, then drop the intermediate table pickles."""
    from . import export
    from .outputs import read_tables
    from .tables_xlsx import write_tables_xlsx

    note = "氏名は仮名（担当A、担当B …）で表示しています。" if anonymized else ""
    export.combine_pdfs(parts, folder / f"{client_id}{COMBINED_SUFFIX}", client_name=client_name,
                        wave=wave, date=dt.date.today().strftime("%Y年%m月%d日"), note=note)
    write_tables_xlsx(read_tables(folder), folder / "tables.xlsx")
    shutil.rmtree(folder / "tables", ignore_errors=True)


# ----------------------------------------------------------------------------- many clients


def _job(client_dir: str, output: str, notebooks: list[str], anonymize: bool | None,
         parallel: int = 1) -> ClientResult:
    """One client's run in a worker (process pool or Dask)."""
    queue = _PROGRESS_QUEUE

    def progress(client: str, notebook: str, ok: bool) -> None:
        if queue is not None:
            queue.put((client, notebook, ok))

    try:
        return run_client(client_dir, output, notebooks=[Path(n) for n in notebooks],
                          anonymize=anonymize, progress=progress, parallel=parallel,
                          slots=_SLOTS)
    except Exception as exc:  # noqa: BLE001 - never lose the other clients' results
        return ClientResult(client=Path(client_dir).name, path=Path(client_dir), ok=False,
                            error=f"{type(exc).__name__}: {exc}")


_PROGRESS_QUEUE: Any = None
_SLOTS: Any = None  #: the worker processes' shared semaphore of CPU-heavy steps


def _init_worker(queue: Any, notebooks: list[str], zygote: str | None, slots: Any = None) -> None:
    global _PROGRESS_QUEUE, _SLOTS
    _PROGRESS_QUEUE = queue
    _SLOTS = slots
    _warm_up([Path(n) for n in notebooks], zygote)


def run_reports(
    clients: Iterable[str | Path],
    output: str | Path = "reports",
    *,
    anonymize: bool | None = None,
    jobs: int | None = None,
    notebooks: str | Path | list[str | Path] | None = None,
    dask_address: str | None = None,
    progress_bar: bool | None = None,
) -> RunSummary:
    """Run every notebook for every client and write their reports under ``output``.

    ``anonymize``: True/False overrides client.yml, None follows it. ``jobs`` (default: CPU
    count): how many CPU-heavy steps (executing a notebook, laying out a PDF, combining) run
    at once, over clients in parallel worker processes and, when there are fewer clients
    than jobs, a client's notebooks side by side; ``jobs=1`` keeps to one core.
    ``notebooks``: a folder or a list of notebooks (default: ``notebooks/``). ``dask_address``: run the clients on that Dask scheduler instead of
    local processes (every worker must see the same paths). One client's failure never
    stops the others; see :class:`RunSummary` for what went wrong.
    """
    t0 = time.perf_counter()
    client_dirs = [Path(c) for c in clients]
    if notebooks is None:
        nb_list = find_notebooks(default_notebooks_dir())
    elif isinstance(notebooks, (str, Path)):
        nb_list = find_notebooks(notebooks) if Path(notebooks).is_dir() else [Path(notebooks)]
    else:
        nb_list = [Path(n) for n in notebooks]
    nb_list = [n.resolve() for n in nb_list]
    output = Path(output).resolve()
    jobs = max(1, int(jobs or os.cpu_count() or 1))

    results: dict[int, ClientResult] = {}
    todo: list[int] = []
    seen: dict[str, Path] = {}
    for i, c in enumerate(client_dirs):
        name = c.resolve().name
        if name in seen and seen[name] != c.resolve():
            results[i] = ClientResult(client=name, path=c, ok=False,
                                      error=f"クライアントID '{name}' が重複しています: {seen[name]} と {c}")
        else:
            seen[name] = c.resolve()
            todo.append(i)
    if not nb_list:
        for i in todo:
            results[i] = ClientResult(
                client=client_dirs[i].name, path=client_dirs[i], ok=False,
                error="実行するノートブックがありません（notebooks/ に .ipynb を置いてください）。")
        todo = []

    from tqdm.auto import tqdm

    show = progress_bar if progress_bar is not None else sys.stderr.isatty()
    bar = tqdm(total=len(todo) * len(nb_list), desc="レポート作成", unit="冊", disable=not show,
               dynamic_ncols=True)

    def tick(client: str, notebook: str, ok: bool) -> None:
        bar.set_postfix_str(f"{client}/{notebook} {'成功' if ok else '失敗'}", refresh=False)
        bar.update(1)

    workers = max(1, min(jobs, len(todo)))
    parallel = max(1, min(jobs // workers, len(nb_list)))
    if workers > 1 or dask_address:  # biggest clients first, so no worker is left with one
        costs = expected_client_costs([client_dirs[i] for i in todo], output)
        todo = [i for _, i in sorted(zip(costs, todo, strict=True), key=lambda x: -x[0])]
    args = [(str(client_dirs[i]), str(output), [str(n) for n in nb_list], anonymize, parallel)
            for i in todo]
    try:
        if dask_address:
            args = [(*a[:4], 1) for a in args]
            for i, res in zip(todo, _run_dask(dask_address, args, bar), strict=True):
                results[i] = res
        elif workers == 1:
            slots = threading.BoundedSemaphore(jobs)
            for i, a in zip(todo, args, strict=True):
                results[i] = run_client(a[0], a[1], notebooks=[Path(n) for n in a[2]],
                                        anonymize=a[3], progress=tick, parallel=parallel,
                                        slots=slots)
        else:
            for i, res in zip(todo, _run_processes(args, workers, tick, jobs), strict=True):
                results[i] = res
    finally:
        bar.close()
    return RunSummary([results[i] for i in sorted(results)], seconds=time.perf_counter() - t0)


def _run_processes(args: list[tuple], workers: int, tick: Callable,
                   jobs: int | None = None) -> list[ClientResult]:
    """The clients' runs in ``workers`` processes, at most ``jobs`` heavy steps at once."""
    from concurrent.futures import ProcessPoolExecutor

    ctx = process_context()
    queue = ctx.Queue()
    slots = ctx.BoundedSemaphore(jobs or workers)

    def pump() -> None:
        while True:
            item = queue.get()
            if item is None:
                return
            tick(*item)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    from . import kernels

    notebooks = args[0][2] if args else []
    factory = None
    if kernels.FORK_SUPPORTED:  # one zygote serves every worker
        factory = kernels.KernelFactory(kernels.notebook_imports(notebooks), shared=True)
    try:
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(queue, notebooks, factory and factory.address,
                                           slots)) as ex:
            futures = [ex.submit(_job, *a) for a in args]
            out = []
            for a, f in zip(args, futures, strict=True):
                try:
                    out.append(f.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails its client only
                    out.append(ClientResult(client=Path(a[0]).name, path=Path(a[0]), ok=False,
                                            error=f"ワーカーが異常終了しました: {type(exc).__name__}: {exc}"))
    finally:
        queue.put(None)
        reader.join(timeout=5)
        if factory is not None:
            factory.close()
    return out


def _run_dask(address: str, args: list[tuple], bar) -> list[ClientResult]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - optional extra
        raise RuntimeError("--dask には追加パッケージが必要です: pip install 'gyomu[dask]'") from exc
    with Client(address) as dask:
        futures = [dask.submit(_job, *a, pure=False, key=f"gyomu-{Path(a[0]).name}-{uuid.uuid4().hex[:6]}")
                   for a in args]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[ClientResult | None] = [None] * len(futures)
        for f in as_completed(futures):
            i = index[f.key]
            try:
                res = f.result()
            except Exception as exc:  # noqa: BLE001
                res = ClientResult(client=Path(args[i][0]).name, path=Path(args[i][0]), ok=False,
                                   error=f"Dask のジョブが失敗しました: {type(exc).__name__}: {exc}")
            out[i] = res
            bar.update(len(res.notebooks) or len(args[i][2]))
    return [r for r in out if r is not None]


# ----------------------------------------------------------------------------- CLI


def add_run_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``gyomu run``'s arguments to ``parser`` (the CLI's ``run`` sub-command)."""
    parser.add_argument("client_dirs", nargs="*", metavar="CLIENT_DIR",
                        help="顧客フォルダ（省略時: data/sample/ のすべての顧客）")
    parser.add_argument("--clients", metavar="DIR",
                        help="このフォルダ直下のすべての顧客フォルダを対象にする")
    parser.add_argument("--output", "-o", default="reports", metavar="DIR",
                        help="出力先フォルダ（既定: reports/）")
    parser.add_argument("--anonymize", action="store_true", default=None,
                        help="氏名を仮名（担当A、担当B …）にする（既定: client.yml の anonymize）")
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help="同時に進める重い処理（ノートブックの実行・PDF作成）の数（既定: CPU数）。"
                             "顧客を並列に、顧客が少なければ1社のノートブックを並列に実行する。"
                             "1 なら CPU を1つだけ使う")
    parser.add_argument("--notebooks", default=None, metavar="DIR",
                        help="実行するノートブックのフォルダ（既定: notebooks/）")
    parser.add_argument("--dask", default=None, metavar="ADDRESS", dest="dask_address",
                        help="Dask クラスタ（例: tcp://host:8786）で実行する（gyomu[dask] が必要）")
    parser.add_argument("--no-progress", action="store_true", help="進捗バーを出さない")
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run ``gyomu run`` with parsed ``args``; prints the summary, returns the exit code."""
    clients: list[Path] = [Path(c) for c in (args.client_dirs or [])]
    if args.clients:
        folder = Path(args.clients)
        if not folder.is_dir():
            print(f"フォルダがありません: {folder}", file=sys.stderr)
            return 2
        clients += find_clients(folder)
    if not clients:
        folder = default_clients_dir()
        clients = find_clients(folder) if folder.is_dir() else []
        if not clients:
            print(f"顧客フォルダが見つかりません（{folder}）。CLIENT_DIR か --clients を指定してください。",
                  file=sys.stderr)
            return 2
    summary = run_reports(
        clients, args.output, anonymize=args.anonymize, jobs=args.jobs,
        notebooks=args.notebooks, dask_address=args.dask_address,
        progress_bar=False if args.no_progress else None,
    )
    print(summary.table())
    return summary.exit_code()


def main(argv: list[str] | None = None) -> int:
    """``python -m gyomu.runner`` (same as ``gyomu run``)."""
    parser = add_run_arguments(argparse.ArgumentParser(
        prog="gyomu run", description="顧客ごとにノートブックを実行し、ワークショップ資料を作る"))
    return run_command(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

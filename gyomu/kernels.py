"""Fresh Jupyter kernels in milliseconds: fork them from a pre-imported "zygote" process.

A normal kernel start costs a new Python process, ipykernel's imports and then the
notebook's own imports (pandas, matplotlib, seaborn, gyomu …): about 3 s of CPU per
notebook on a small machine. The report run executes many notebooks, each of which must
get a *fresh* kernel (no state may leak from one client or notebook into the next).

:class:`KernelFactory` starts one helper process (the zygote) that imports ipykernel and
the heavy libraries once, creates no sockets and no threads, and then forks a child for
every kernel requested. The child is a new process with an untouched interpreter state
(only the modules are already imported, as with Python's ``forkserver``); it binds the
sockets of a normal connection file and runs ``IPKernelApp`` exactly as ``ipykernel_launcher``
would. The runner talks to it through an ordinary :class:`jupyter_client.KernelManager`
(with :class:`ForkProvisioner`), so nbclient/papermill see a standard kernel.

On platforms without ``os.fork``/``os.pidfd_open`` :func:`start_kernel` falls back to the
ordinary ``KernelManager`` start.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

#: Modules the zygote imports once, so forked kernels find them in memory.
WARM_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "sqlite3",
    "psutil",
    "tornado.queues",
    "tornado.platform.asyncio",
    "numpy",
    "pandas",
    "pandas.io.formats.style",
    "jinja2",
    "IPython.display",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "openpyxl",
    "yaml",
    "gyomu",
    "gyomu.plotting",
    "gyomu.outputs",
    "gyomu.labels",
    "gyomu.anonymization",
    "gyomu.intake",
    "gyomu.kpi",
    "gyomu.workload",
    "gyomu.interviews",
    "gyomu.autocoding",
    "gyomu.gap",
    "gyomu.simulation",
    "sudachipy",
)

#: Figures as 2x PNG (about 220 dpi with gyomu's theme): crisp in the PDF handouts. Opaque
#: figures are written without alpha channel (:data:`gyomu.plotting.OPAQUE_PNG`, registered
#: by the zygote's import of gyomu.plotting), so the PDF step embeds them as they are.
KERNEL_ARGS = (
    "--InlineBackend.figure_formats=retina",
    "--InlineBackend.print_figure_kwargs=bbox_inches=tight",
    "--InlineBackend.print_figure_kwargs=format=opaque_png",
)

FORK_SUPPORTED = hasattr(os, "fork") and hasattr(os, "pidfd_open") and sys.platform == "linux"


def notebook_imports(paths) -> list[str]:
    """The modules the code cells of these notebooks import (``import x``, ``from x import
    y``; ``x.y`` too when it is a module), in first-seen order — for the zygote to preload."""
    import ast

    import nbformat

    found: dict[str, None] = {}
    for path in paths:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except Exception:  # noqa: BLE001 - an unreadable notebook fails later, clearly
            continue
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = "\n".join(line for line in cell.source.splitlines()
                               if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update((a.name, None) for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update((f"{node.module}.{a.name}", None) for a in node.names
                                 if a.name != "*")
    return list(found)


# --------------------------------------------------------------------------- zygote side


def _child(request: dict[str, Any], zygote_pid: int) -> None:
    """Runs in the forked child: become a kernel (never returns)."""
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        log = os.open(request.get("log") or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's pipes and sockets
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={zygote_pid}"]
        sys.argv = [sys.executable, *argv]
        from ipykernel.kernelapp import IPKernelApp

        t0 = time.perf_counter()
        app = IPKernelApp.instance()
        app.initialize(argv)
        # modules imported in the zygote hook into IPython at import when a shell exists;
        # there was none then, so hook them now, as a fresh kernel's first import would
        inline = sys.modules.get("matplotlib_inline.backend_inline")
        if inline is not None:
            inline._enable_matplotlib_integration()
        widgets = sys.modules.get("ipywidgets")
        if widgets is not None and hasattr(widgets, "_handle_ipython"):
            widgets._handle_ipython()
        if request.get("log"):
            os.write(2, f"gyomu kernel {os.getpid()}: initialized in "
                        f"{time.perf_counter() - t0:.3f} s\n".encode())
        app.start()
        code = 0
    except BaseException:  # noqa: BLE001 - a child must never return into the zygote loop
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _prewarm() -> None:
    """Fill the caches a first chart and a first styled table would fill (fonts, templates).

    Only process-wide caches of read-only resources; no figure, no shell, no thread remains.
    """
    import io

    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1.5))
    ax = fig.subplots()
    ax.bar(["総務", "庶務"], [1.0, 2.0])
    ax.set_title("工数（時間）")
    ax.set_xlabel("大分類")
    FigureCanvasAgg(fig)
    fig.savefig(io.BytesIO(), format="png", dpi=220, bbox_inches="tight")
    frame = pd.DataFrame({"大分類": ["総務"], "工数": [1.5]})
    frame.style.format({"工数": "{:,.1f}"}).hide(axis="index").to_html()
    frame.to_html()


def _restore_lazy_api() -> None:
    """Undo what importing submodules did to gyomu's lazy public API.

    Importing ``gyomu.autocode`` binds the *module* to ``gyomu.autocode``, hiding the
    function of the same name that ``gyomu.__getattr__`` would return. A fresh kernel that
    has not imported the submodule sees the function, so the forked kernels must too.
    """
    import types

    pkg = sys.modules.get("gyomu")
    for name in getattr(pkg, "_LAZY", {}):
        value = pkg.__dict__.get(name)
        if isinstance(value, types.ModuleType) and hasattr(value, name):
            setattr(pkg, name, getattr(value, name))


def zygote_main(modules: list[str] | None = None, listen_fd: int | None = None) -> None:
    """The zygote: import, then fork one kernel per JSON request line.

    Requests come on stdin (answered on stdout) and, when ``listen_fd`` is a listening Unix
    socket, one per connection (answered on it) — so worker processes can share a zygote.
    The zygote exits when stdin closes, terminating the kernels it forked.
    """
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    failed = []
    for name in modules if modules is not None else WARM_MODULES:
        parent, _, leaf = name.rpartition(".")
        if parent in sys.modules and name not in sys.modules and hasattr(sys.modules[parent], leaf):
            continue  # ``from x import y`` where y is not a module
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - optional modules, attributes named like modules
            failed.append(name)
    try:
        _prewarm()
    except Exception:  # noqa: BLE001 - only a speed-up
        failed.append("prewarm")
    _restore_lazy_api()
    if threading.active_count() > 1:  # forking a threaded process is unsafe: say so
        failed.append(f"threads:{threading.active_count()}")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    children: list[int] = []
    me = os.getpid()

    def spawn(request: dict[str, Any]) -> int:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, me)
        children.append(pid)
        return pid

    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": me, "failed": failed}) + "\n")
    out.flush()
    listen = None
    if listen_fd is not None:
        import socket

        listen = socket.socket(fileno=listen_fd)
    stdin = sys.stdin.fileno()
    buffer = b""
    while True:
        ready, _, _ = select.select([stdin, *([listen] if listen else [])], [], [])
        if stdin in ready:
            chunk = os.read(stdin, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                if line.strip():
                    out.write(json.dumps({"pid": spawn(json.loads(line))}) + "\n")
                    out.flush()
        if listen is not None and listen in ready:
            conn, _ = listen.accept()
            with conn:
                data = b""
                while not data.endswith(b"\n"):
                    part = conn.recv(1 << 16)
                    if not part:
                        break
                    data += part
                if data.strip():
                    conn.sendall((json.dumps({"pid": spawn(json.loads(data))}) + "\n").encode())
    for pid in children:  # our parent went away: take the kernels with us
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


# --------------------------------------------------------------------------- runner side


class ForkedProcess:
    """A ``Popen``-like handle on a kernel forked by the zygote (not our own child).

    Liveness comes from a Linux pidfd, so a recycled pid can never be mistaken for it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                self.returncode = 0
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            if self._fd is not None:
                select.select([self._fd], [], [], 0.1)
        return self.returncode or 0

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelFactory:
    """Owns one zygote and forks kernels from it; thread-safe, one per process is enough.

    ``shared=True`` also lets other processes fork kernels from it: pass :attr:`address` to
    :class:`SharedKernelFactory` in them.
    """

    def __init__(self, modules: list[str] | None = None, python: str | None = None, *,
                 shared: bool = False):
        self._lock = threading.Lock()
        modules = list(dict.fromkeys([*WARM_MODULES, *(modules or [])]))
        self.address: str | None = None
        self._folder = None
        pass_fds: tuple[int, ...] = ()
        listen_fd = "None"
        if shared:
            import socket
            import tempfile

            self._folder = tempfile.TemporaryDirectory(prefix="gyomu-zygote-")
            self.address = os.path.join(self._folder.name, "zygote.sock")
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(self.address)
            sock.listen(64)  # workers may connect before the zygote has finished importing
            self._socket = sock
            pass_fds = (sock.fileno(),)
            listen_fd = str(sock.fileno())
        cmd = [python or sys.executable, "-c", "import sys, json; from gyomu.kernels import "
               f"zygote_main; zygote_main(json.loads(sys.argv[1]), {listen_fd})",
               json.dumps(modules)]
        self.process = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
            pass_fds=pass_fds,
        )
        if shared:
            self._socket.close()  # the zygote holds it now
        self._ready: dict[str, Any] | None = None

    def wait_ready(self) -> dict[str, Any]:
        """Block until the zygote has imported everything; returns its hello message."""
        with self._lock:
            return self._wait_ready()

    def _wait_ready(self) -> dict[str, Any]:
        if self._ready is None:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("カーネル起動用のプロセスが終了しました")
            self._ready = json.loads(line)
        return self._ready

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str | None = None) -> int:
        """Fork one kernel process; returns its pid."""
        with self._lock:
            self._wait_ready()
            request = {"argv": argv, "env": env, "cwd": cwd, "log": log}
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("カーネル起動用のプロセスが終了しました")
        return int(json.loads(line)["pid"])

    def close(self) -> None:
        """Stop the zygote (kernels still running are terminated by it)."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
        if self.process.stdout:
            self.process.stdout.close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> KernelFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SharedKernelFactory:
    """Forks kernels from a zygote another process started (``KernelFactory(shared=True)``)."""

    def __init__(self, address: str):
        self.address = address

    def fork(self, argv: list[str], env: dict[str, str], cwd: str, log: str | None = None) -> int:
        import socket

        request = json.dumps({"argv": argv, "env": env, "cwd": cwd, "log": log}) + "\n"
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(self.address)
            sock.sendall(request.encode())
            data = b""
            while not data.endswith(b"\n"):
                part = sock.recv(1 << 16)
                if not part:
                    raise RuntimeError("カーネル起動用のプロセスが終了しました")
                data += part
        return int(json.loads(data)["pid"])

    def close(self) -> None:
        """Nothing to do: the zygote belongs to the process that started it."""


def _provisioner_class():
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        """Launches the kernel by asking the zygote to fork instead of ``Popen``."""

        factory: KernelFactory | None = None

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            argv = list(cmd)
            while argv and argv[0] != "-f":  # drop "python -m ipykernel_launcher"
                argv.pop(0)
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            cwd = str(kwargs.get("cwd") or Path.cwd())
            pid = self.factory.fork(argv, env, cwd, log=os.environ.get("GYOMU_KERNEL_LOG"))
            self.process = ForkedProcess(pid)
            self.pid = pid
            self.pgid = pid  # the child called setsid()
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


_FORK_PROVISIONER = None


def start_kernel(cwd: str | Path, factory: KernelFactory | None = None, *,
                 kernel_name: str = "python3"):
    """Start a fresh kernel (forked from ``factory`` when given) and return its KernelManager.

    The caller shuts it down with ``km.shutdown_kernel(now=True)``.
    """
    global _FORK_PROVISIONER
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name=kernel_name)
    if factory is not None and FORK_SUPPORTED:
        if _FORK_PROVISIONER is None:
            _FORK_PROVISIONER = _provisioner_class()
        km.kernel_id = str(uuid.uuid4())
        prov = _FORK_PROVISIONER(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
        prov.factory = factory
        km.provisioner = prov
        extra = list(KERNEL_ARGS)
    else:  # a plain kernel must register the opaque_png format itself
        extra = [*KERNEL_ARGS, "--IPKernelApp.exec_lines=import gyomu.plotting as _gp; del _gp"]
    km.start_kernel(cwd=str(cwd), extra_arguments=extra)
    return km

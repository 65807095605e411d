"""Helpers for tests/test_browser.py: system chromium, a throw-away JupyterLab, Playwright steps.

Nothing here downloads a browser: Playwright drives Debian's ``/usr/bin/chromium`` (installed with
apt when missing) through ``executable_path``, with ``PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1`` and an
empty ``PLAYWRIGHT_BROWSERS_PATH`` that the tests check stays empty.

JupyterLab runs on 127.0.0.1 with a random port and token, rooted in a temporary copy of the
repository's notebooks and sample data, with its own config, settings and workspace folders, so
nothing the notebooks write (coding.csv, outputs) touches the repository or the user's set-up.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_APT_LOCK = Path("/tmp/gyomu-test-apt.lock")


# --------------------------------------------------------------------------- chromium


def chromium_unavailable_reason() -> str | None:
    """Why chromium can neither be found nor installed here, or None when it can be."""
    if CHROMIUM.exists():
        return None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return f"{CHROMIUM} がなく、root ではないため apt-get install chromium できません"
    if shutil.which("apt-get") is None:
        return f"{CHROMIUM} がなく、apt-get もありません (Debian 系ではない環境)"
    return None


def ensure_chromium(timeout: float = 900) -> Path:
    """Install Debian's chromium with apt-get when /usr/bin/chromium is missing; return its path.

    Two pytest-xdist workers may get here at once: a file lock makes the second one wait for the
    first install instead of fighting over dpkg's lock. Raises RuntimeError when apt fails.
    """
    if CHROMIUM.exists():
        return CHROMIUM
    with _APT_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CHROMIUM.exists():
            return CHROMIUM
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
            done = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(
                    f"{' '.join(cmd)} が失敗しました (終了コード {done.returncode}):\n"
                    + (done.stdout + done.stderr)[-3000:]
                )
    if not CHROMIUM.exists():
        raise RuntimeError(f"apt-get install chromium の後も {CHROMIUM} がありません")
    return CHROMIUM


def japanese_fontconfig(folder: Path) -> Path:
    """A fonts.conf that adds the IPAexGothic font shipped by matplotlib-fontja to the system fonts.

    Chromium finds fonts through fontconfig; a bare Debian image has no Japanese font, so every
    Japanese heading and widget label would render as tofu. Pointing FONTCONFIG_FILE at this file
    fixes that without installing anything.
    """
    import matplotlib_fontja

    fonts = Path(matplotlib_fontja.__file__).parent / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


# --------------------------------------------------------------------------- notebooks


def set_parameters(path: Path, **values: Any) -> None:
    """Override parameters of the notebook at ``path`` in place, as papermill would.

    The assignments are appended to the first code cell tagged ``parameters`` (so they win over
    the defaults whatever the owner wrote there); outputs are cleared and the kernel is python3.
    """
    nb = nbformat.read(path, as_version=4)
    cell = next(
        (
            c
            for c in nb.cells
            if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])
        ),
        None,
    )
    if cell is None:
        raise AssertionError(f"{path.name}: parameters タグの付いたセルがありません")
    lines = "\n".join(f"{name} = {value!r}" for name, value in values.items())
    cell.source = cell.source.rstrip() + "\n# ブラウザ試験で上書き\n" + lines
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = []
            c.execution_count = None
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, path)


def copy_workspace(dest: Path) -> Path:
    """Copy the repository's notebooks/ and data/sample/ (same layout) under ``dest``."""
    for part in ("notebooks", "data/sample"):
        src = ROOT / part
        if src.exists():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest


# --------------------------------------------------------------------------- JupyterLab


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_LAB_SETTINGS = {
    # Attach every cell to the DOM, so prompts and outputs of cells out of view can be read.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No news or update checks: they would reach for the internet and pop up toasts.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class JupyterLab:
    """A JupyterLab server on loopback, rooted at ``root``; state kept under ``home``."""

    def __init__(self, root: Path, home: Path, *, startup_timeout: float = 120) -> None:
        self.root = root
        self.home = home
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = home / "jupyterlab.log"
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> JupyterLab:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        for rel, data in _LAB_SETTINGS.items():
            file = self.home / "lab-settings" / rel
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(data), encoding="utf-8")
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(self.home / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(self.home / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.home / "workspaces"),
            "IPYTHONDIR": str(self.home / "ipython"),
        }
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [
            str(jupyter), "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            cmd.append("--allow-root")
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=self.root,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab が起動直後に終了しました:\n{self.log_tail()}")
            try:
                self.api("status")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"JupyterLab が {self.startup_timeout} 秒で起動しません:\n{self.log_tail()}"
        )

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def url(self, relpath: str, workspace: str | None = None) -> str:
        """The page of ``relpath`` in a JupyterLab workspace of its own (a fresh one by default).

        A fresh workspace matters: JupyterLab otherwise restores the tabs of the previous test,
        and Run All could hit the wrong notebook.
        """
        workspace = workspace or f"test-{secrets.token_hex(4)}"
        return f"{self.base}/lab/workspaces/{workspace}/tree/{relpath}?token={self.token}"

    def kernels_idle(self) -> bool:
        kernels = self.api("kernels")
        return bool(kernels) and all(k["execution_state"] == "idle" for k in kernels)

    def shutdown_kernels(self) -> None:
        """Stop every notebook session's kernel (between tests, to spare memory and CPU)."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:  # a clean shutdown also stops the kernels (they run in their own sessions)
            self.api("shutdown", method="POST")
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired, urllib.error.URLError):
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# --------------------------------------------------------------------------- browser steps


class Steps:
    """Counts and logs every browser action a test takes (the issue asks for the count)."""

    def __init__(self) -> None:
        self.log: list[str] = []

    def __call__(self, what: str, action: Callable[[], Any]) -> Any:
        self.log.append(what)
        print(f"[ブラウザ {len(self.log):2d}] {what}", flush=True)
        return action()

    def __len__(self) -> int:
        return len(self.log)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, poll: float = 0.5) -> Any:
    """Poll ``predicate`` until it returns something truthy; AssertionError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{timeout:.0f} 秒待っても {what}")
        time.sleep(poll)


# JavaScript run in the page. Prompts read "[ ]:", "[*]:" or "[12]:".
_PROMPTS_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt'),
    e => e.textContent.trim())"""
_ERRORS_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'),
    e => e.textContent).filter(t => /Traceback/.test(t))"""
# What the widget outputs show: text and image sources of every ipywidgets Output area.
WIDGET_OUTPUTS_JS = """() => Array.from(
    document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output, .jp-NotebookPanel:not(.lm-mod-hidden) .widget-html-content'),
    e => e.innerText + '|' + Array.from(e.querySelectorAll('img'), i => i.src).join('|'))"""


def prompts(page: Any) -> list[str]:
    return page.evaluate(_PROMPTS_JS)


def run_all_and_wait(page: Any, lab: JupyterLab, steps: Steps, timeout: float = 300) -> int:
    """Run > Run All Cells, then wait until every code cell has run; return the cell count.

    Fails with the notebook's error text when a cell raises (Run All then stops).
    """
    steps(
        "メニュー Run を開く", lambda: page.get_by_role("menuitem", name="Run", exact=True).click()
    )
    steps(
        "Run All Cells を選ぶ",
        lambda: page.get_by_role("menuitem", name="Run All Cells", exact=True).click(),
    )
    numbered = re.compile(r"^\[\d+\]:$")

    def finished() -> bool:
        shown = prompts(page)
        errors = page.evaluate(_ERRORS_JS)
        if errors and "[*]:" not in shown:
            raise AssertionError(
                "ノートブックのセルがエラーになりました:\n" + "\n".join(errors)[-3000:]
            )
        return bool(shown) and all(numbered.match(p) for p in shown) and lab.kernels_idle()

    wait_until(finished, timeout, "全セルの実行が終わりません")
    return len(prompts(page))


def open_notebook(page: Any, lab: JupyterLab, relpath: str, steps: Steps) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is up and idle."""
    steps(f"{relpath} を開く", lambda: page.goto(lab.url(relpath)))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=90_000)
    wait_until(lambda: lab.api("sessions") and lab.kernels_idle(), 90, "カーネルが起動しません")
    sessions = [x["path"] for x in lab.api("sessions")]
    panels = page.locator(".jp-NotebookPanel").count()
    assert sessions == [relpath] and panels == 1, (
        f"開いているノートブック: {sessions} ({panels} 枚)"
    )


def widget_outputs(page: Any) -> list[str]:
    """Text and image sources of every ipywidgets Output or HTML area on the open notebook."""
    return page.evaluate(WIDGET_OUTPUTS_JS)


def wait_for_change(
    page: Any, lab: JupyterLab, before: list[str], timeout: float = 60
) -> list[str]:
    """Wait until the widget outputs differ from ``before`` and the kernel is idle again."""

    def changed() -> list[str] | None:
        now = widget_outputs(page)
        return now if now != before and any(s.strip("|") for s in now) else None

    wait_until(changed, timeout, "ウィジェットの出力が変わりません")
    wait_until(lab.kernels_idle, timeout, "カーネルが idle に戻りません")
    time.sleep(0.5)  # let the last display messages render
    return widget_outputs(page)


@contextmanager
def screenshot_on_failure(page: Any, folder: Path) -> Iterator[None]:
    """Save a full-page screenshot as ``folder/failure.png`` when the block raises."""
    try:
        yield
    except BaseException:
        shot = folder / "failure.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"失敗時のスクリーンショット: {shot}", flush=True)
        except Exception as exc:  # the page may be gone; keep the original error
            print(f"スクリーンショットを撮れません: {exc}", flush=True)
        raise

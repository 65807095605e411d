"""The notebooks in a real browser: JupyterLab + Debian's chromium, driven by Playwright.

A module fixture installs chromium with apt when it is missing (CI runs as root on Debian),
starts JupyterLab on loopback with a token in a temporary copy of notebooks/ and data/sample/,
and launches the system chromium through Playwright (never a downloaded browser). Each test opens
a notebook with ``interactive=True``, runs all cells from the menu, works a widget as a consultant
would and checks what changed: the output on screen, or the coding.csv row on disk.

tests/fixtures/browser/widget_probe.ipynb is a tiny notebook of our own that checks the harness
itself, so a failure in a real notebook is not mistaken for a harness problem.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    CHROMIUM_ARGS,
    ROOT,
    JupyterLab,
    Steps,
    chromium_unavailable_reason,
    copy_workspace,
    ensure_chromium,
    japanese_fontconfig,
    open_notebook,
    run_all_and_wait,
    screenshot_on_failure,
    set_parameters,
    wait_for_change,
    wait_until,
    widget_outputs,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROBE = ROOT / "tests" / "fixtures" / "browser" / "widget_probe.ipynb"
CODER = "ブラウザ試験"


def _sample_clients() -> list[Path]:
    return sorted(p for p in (ROOT / "data" / "sample").glob("*") if (p / "client.yml").exists())


def _client_with_interviews() -> Path:
    return next(c for c in _sample_clients() if any((c / "interviews").glob("*")))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of notebooks/ and data/sample/ whose notebooks run with interactive=True."""
    root = copy_workspace(tmp_path_factory.mktemp("lab-root"))
    probe = root / "probe" / PROBE.name
    probe.parent.mkdir()
    shutil.copy(PROBE, probe)
    set_parameters(probe, client_dir=str(probe.parent), interactive=True, coder=CODER)
    out = root / "out"
    for name, client, extra in [
        ("02_workload.ipynb", _sample_clients()[0], {}),
        ("01_interview_coding.ipynb", _client_with_interviews(), {"coder": CODER}),
    ]:
        nb = root / "notebooks" / name
        if nb.exists():
            set_parameters(
                nb,
                client_dir=str(root / "data" / "sample" / client.name),
                output_dir=str(out / nb.stem),
                anonymize=False,
                interactive=True,
                **extra,
            )
    return root


@pytest.fixture(scope="module")
def lab(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    with JupyterLab(workspace, tmp_path_factory.mktemp("lab-home")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    reason = chromium_unavailable_reason()
    if reason:
        pytest.skip(reason)
    chromium = ensure_chromium()
    fonts = japanese_fontconfig(tmp_path_factory.mktemp("fontconfig"))
    browsers_path = tmp_path_factory.mktemp("playwright-browsers")
    with pytest.MonkeyPatch.context() as mp:
        # Belt and braces: Playwright must never fetch a browser of its own.
        mp.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        mp.setenv("PLAYWRIGHT_BROWSERS_PATH", str(browsers_path))
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        try:
            launched = pw.chromium.launch(
                executable_path=str(chromium),
                args=CHROMIUM_ARGS,
                env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
            )
            yield launched
            launched.close()
        finally:
            pw.stop()
    assert not any(browsers_path.iterdir()), "Playwright がブラウザをダウンロードしました"


@pytest.fixture
def page(browser, lab: JupyterLab, tmp_path: Path) -> Iterator[object]:
    """A fresh page; its last view is saved as tmp_path/final.png (failure.png on failure)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    context.set_default_timeout(30_000)
    pg = context.new_page()
    try:
        yield pg
        pg.screenshot(path=str(tmp_path / "final.png"), full_page=True)
    finally:
        context.close()
        lab.shutdown_kernels()


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_probe_notebook_slider_changes_output_and_button_saves_a_row(
    page, lab, workspace, tmp_path
):
    """The harness against our own notebook: slider -> printed value, checkbox + button -> CSV."""
    steps = Steps()
    csv_path = workspace / "probe" / "coding.csv"
    with screenshot_on_failure(page, tmp_path):
        open_notebook(page, lab, "probe/widget_probe.ipynb", steps)
        assert run_all_and_wait(page, lab, steps) == 4

        before = widget_outputs(page)
        assert any("しきい値は 3 です" in s for s in before), before
        handle = page.locator(".widget-slider", has_text="しきい値").locator(".noUi-handle")
        steps("スライダーのつまみをクリック", handle.click)
        steps("→ キーで 1 つ上げる", lambda: handle.press("ArrowRight"))
        after = wait_for_change(page, lab, before)
        assert any("しきい値は 4 です" in s for s in after), after

        assert _rows(csv_path) == []
        steps("コード「業務過多」にチェック", page.get_by_role("checkbox", name="業務過多").check)
        steps("「保存して次へ」を押す", page.get_by_role("button", name="保存して次へ").click)
        rows = wait_until(lambda: _rows(csv_path), 30, "coding.csv に行が書かれません")
    assert rows == [{"segment_id": "I01-001", "code": "業務過多", "coder": CODER}]
    print(f"ブラウザ操作 {len(steps)} 回")


def _control(page, kind: str, label: str):
    """The ipywidgets control of class ``widget-<kind>`` whose description is exactly ``label``."""
    name = page.locator(".widget-label", has_text=re.compile(f"^{re.escape(label)}$"))
    return page.locator(f".widget-{kind}", has=name)


def test_workload_explorer_filter_and_threshold_redraw_the_output(page, lab, workspace, tmp_path):
    """02_workload with interactive=True: the explorer (gyomu.workload_explorer) redraws its
    summary and charts when the 等級 filter or the 属人化 threshold changes."""
    assert (workspace / "notebooks" / "02_workload.ipynb").exists(), (
        "02_workload.ipynb がありません"
    )
    steps = Steps()
    with screenshot_on_failure(page, tmp_path):
        open_notebook(page, lab, "notebooks/02_workload.ipynb", steps)
        run_all_and_wait(page, lab, steps, timeout=300)

        first = widget_outputs(page)
        assert any("対象: 全体" in s and "data:image/png" in s for s in first), first
        grades = _control(page, "select-multiple", "等級").locator("select")
        grade = grades.locator("option").first.inner_text()
        steps(f"等級で「{grade}」を選ぶ", lambda: grades.select_option(label=grade))
        filtered = wait_for_change(page, lab, first, timeout=120)
        assert any(f"対象: {grade}" in s for s in filtered), filtered
        assert _images(filtered) != _images(first), "グラフが描き直されていません"

        handle = _control(page, "slider", "属人化の基準(担当可能人数)").locator(".noUi-handle")
        steps("属人化の基準のつまみをクリック", handle.click)
        steps("→ キーで 2 人に上げる", lambda: handle.press("ArrowRight"))
        relaxed = wait_for_change(page, lab, filtered, timeout=120)
    assert any("担当できる人が2人以下の業務" in s for s in relaxed), relaxed
    assert any(f"対象: {grade}" in s for s in relaxed), "絞り込みが保たれていません"
    print(f"ブラウザ操作 {len(steps)} 回")


def _images(outputs: list[str]) -> list[str]:
    return [part for s in outputs for part in s.split("|") if part.startswith("data:image")]


def test_coding_tool_saves_a_row_to_coding_csv(page, lab, workspace, tmp_path):
    """01_interview_coding with interactive=True: tick a code, 保存して次へ, coding.csv has the row.

    The tool (gyomu.coding_tool) shows 「n / N 件目 ・ <segment id> ・ …」, one checkbox per code
    (suggestions pre-ticked) and a 「保存して次へ」 button that saves this coder's ticked codes.
    """
    nb = workspace / "notebooks" / "01_interview_coding.ipynb"
    assert nb.exists(), "01_interview_coding.ipynb がありません"
    client = _client_with_interviews()  # the repository's folder: must stay as it is
    repo_client = _tree_digest(client)
    csv_path = workspace / "data" / "sample" / client.name / "coding.csv"
    earlier = _rows(csv_path)
    header = re.compile(r"(\d+) / (\d+) 件目 ・ (\S+) ・")

    steps = Steps()
    with screenshot_on_failure(page, tmp_path):
        open_notebook(page, lab, "notebooks/01_interview_coding.ipynb", steps)
        run_all_and_wait(page, lab, steps, timeout=300)

        tool = page.locator(
            ".widget-vbox", has=page.get_by_role("button", name="保存して次へ")
        ).last
        first = header.search(tool.inner_text())
        assert first and first.group(1) == "1", tool.inner_text()
        segment = first.group(3)
        boxes = tool.locator(".widget-checkbox")
        states = {
            boxes.nth(i).inner_text().strip(): boxes.nth(i).locator("input").is_checked()
            for i in range(boxes.count())
        }
        code = next(c for c, ticked in states.items() if not ticked)
        steps(
            f"コード「{code}」にチェック", tool.get_by_role("checkbox", name=code, exact=True).check
        )
        steps("「保存して次へ」を押す", tool.get_by_role("button", name="保存して次へ").click)

        def saved() -> list[dict[str, str]]:
            rows = _rows(csv_path)
            return [r for r in rows if r["coder"] == CODER and r["segment_id"] == segment]

        mine = wait_until(saved, 30, f"coding.csv に {segment} の行が書かれません")
        wait_until(lambda: "2 / " in tool.inner_text(), 30, "次の発言に進みません")
    expected = {c for c, ticked in states.items() if ticked} | {code}
    assert {r["code"] for r in mine} == expected
    others = [r for r in _rows(csv_path) if r["coder"] != CODER]
    assert others == [r for r in earlier if r["coder"] != CODER], "他のコーダーの行が変わりました"
    assert _tree_digest(client) == repo_client, "リポジトリのサンプルが変わりました"
    print(f"ブラウザ操作 {len(steps)} 回")

"""Committed notebooks are clean: no outputs, a papermill `parameters` cell, Japanese headings.

Runs over what git tracks (``git ls-files notebooks/*.ipynb``), so a stray local notebook never
counts and a committed one never escapes. Running each notebook under papermill is the notebook
owners' tests' job.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ["01_interview_coding.ipynb", "02_workload.ipynb", "03_gap_analysis.ipynb"]
PARAMETERS = {"client_dir", "output_dir", "anonymize", "interactive"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def committed_notebooks() -> list[Path]:
    """notebooks/*.ipynb as tracked by git (a glob when this is not a git checkout)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", "notebooks/*.ipynb"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return sorted(ROOT / p for p in out.split("\0") if p)
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def assigned_names(source: str) -> set[str]:
    """Names a cell assigns at top level (``x = ...``, ``x: T = ...``)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        for t in targets:
            if isinstance(t, ast.Name):
                names.add(t.id)
    return names


def headings(nb: nbformat.NotebookNode) -> list[str]:
    """Text of every Markdown heading (``#`` lines outside code fences) of the notebook."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            elif not fenced and (m := HEADING.match(line)):
                found.append(m.group(2))
    return found


NOTEBOOKS = committed_notebooks()


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_the_three_notebooks_are_committed():
    assert sorted(p.name for p in NOTEBOOKS if p.name in EXPECTED) == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path):
    nb = _read(path)
    dirty = [
        f"セル {i + 1}: 出力 {len(c.outputs)} 件, 実行番号 {c.execution_count}"
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.outputs or c.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name} に出力が残っています ({'; '.join(dirty)}). "
        "`.venv/bin/jupyter nbconvert --clear-output --inplace` で消してからコミットしてください"
    )
    assert "widgets" not in nb.metadata, f"{path.name} にウィジェットの状態が保存されています"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_code_cell_is_the_parameters_cell(path: Path):
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} にコードセルがありません"
    first = code[0]
    assert "parameters" in first.metadata.get("tags", []), (
        f"{path.name}: 最初のコードセルに parameters タグがありません"
    )
    missing = PARAMETERS - assigned_names(first.source)
    assert not missing, f"{path.name}: parameters セルに {sorted(missing)} がありません"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: parameters タグのセルが {len(tagged)} 個あります"
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    assert kernel == "python3", f"{path.name}: カーネル {kernel!r} (python3 にしてください)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_markdown_headings_are_japanese(path: Path):
    found = headings(_read(path))
    assert found, f"{path.name} に見出しがありません"
    english = [h for h in found if not JAPANESE.search(h)]
    assert not english, f"{path.name}: 日本語でない見出し {english}"


# The checks themselves, on small hand-made notebooks (so none of them can pass vacuously).


def _nb(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_assigned_names_reads_plain_and_annotated_assignments():
    src = 'client_dir = "x"  # 顧客\noutput_dir: str | None = None\nanonymize, x = 1, 2\nimport os\nfor interactive in []: pass\n'
    assert assigned_names(src) == {"client_dir", "output_dir"}


def test_headings_skip_code_fences_and_closing_hashes():
    md = nbformat.v4.new_markdown_cell(
        "# 現状分析 #\n```\n# not a heading\n```\n## Summary\n本文 # x"
    )
    assert headings(_nb(md)) == ["現状分析", "Summary"]
    assert [h for h in headings(_nb(md)) if not JAPANESE.search(h)] == ["Summary"]


def test_hygiene_checks_catch_a_dirty_notebook(tmp_path: Path):
    params = nbformat.v4.new_code_cell("client_dir = 1\noutput_dir = None\ninteractive = False")
    params.metadata["tags"] = ["parameters"]
    run = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    run.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=3)]
    path = tmp_path / "dirty.ipynb"
    nbformat.write(_nb(nbformat.v4.new_markdown_cell("# Overview"), params, run), path)
    with pytest.raises(AssertionError, match="出力が残っています"):
        test_notebook_is_committed_without_outputs(path)
    with pytest.raises(AssertionError, match="anonymize"):
        test_first_code_cell_is_the_parameters_cell(path)
    with pytest.raises(AssertionError, match="Overview"):
        test_markdown_headings_are_japanese(path)


def test_hygiene_checks_pass_a_clean_notebook():
    clean = ROOT / "tests" / "fixtures" / "browser" / "widget_probe.ipynb"
    test_notebook_is_committed_without_outputs(clean)
    test_first_code_cell_is_the_parameters_cell(clean)
    test_markdown_headings_are_japanese(clean)

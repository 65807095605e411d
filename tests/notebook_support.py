"""Running a real notebook under papermill for the notebook tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import papermill as pm

from gyomu.outputs import read_tables

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ["kasou-denki", "project-office"]


def copy_sample(tmp_path: Path, sample: str) -> Path:
    """A copy of a sample client, so a run can never touch the committed one."""
    folder = tmp_path / sample
    shutil.copytree(ROOT / "data" / "sample" / sample, folder)
    return folder


def execute(notebook: str, tmp_path: Path, parameters: dict, cwd: Path = ROOT):
    """Run ``notebooks/<notebook>`` with a real kernel; (executed notebook, output_dir)."""
    out = tmp_path / "out"
    executed = tmp_path / f"executed-{notebook}"
    pm.execute_notebook(
        str(ROOT / "notebooks" / notebook), str(executed), kernel_name="python3", cwd=str(cwd),
        progress_bar=False, execution_timeout=600, parameters={"output_dir": str(out), **parameters},
    )
    return nbformat.read(executed, as_version=4), out


def tables_of(out: Path) -> dict:
    """The tables the run saved, by Japanese title."""
    return {title: df for _, title, df in read_tables(out)}


def output_text(nb) -> str:
    """Every output of every cell as text: markdown, HTML, plain text, streams, errors."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            for mime in ("text/markdown", "text/html", "text/plain"):
                parts.append(str(data.get(mime, "")))
            parts.append(str(o.get("text", "")))
            if "application/vnd.jupyter.widget-view+json" in data:
                parts.append("application/vnd.jupyter.widget-view+json")
            if o.get("output_type") == "error":
                parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "\n".join(parts)


def image_count(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))


def assert_clean(nb) -> str:
    """No error output, no missing-glyph warning, no table echoed raw after its styled copy
    (a cell whose last expression is a DataFrame); returns the output text."""
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    echoed = [o["data"]["text/plain"][:200] for o in outputs
              if o.get("output_type") == "execute_result"
              and 'class="dataframe"' in o.get("data", {}).get("text/html", "")]
    assert not echoed, echoed
    text = output_text(nb)
    assert "missing from font" not in text and "Glyph" not in text
    return text

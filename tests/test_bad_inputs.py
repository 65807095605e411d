"""Bad client folders get a Japanese problem list naming where, never a traceback, never a
partial report, and their files stay as they were.

The corpus is built from code (tests/bad_inputs/make_corpus.py): one folder per mistake,
each a small good client broken in exactly one way. Every case goes through
``gyomu.load_client``, the ``gyomu validate`` command and the report run ``gyomu run``.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bad_inputs.make_corpus import CASES, BadCase, Expect, build_corpus, write_base

import gyomu
from gyomu import SurveyError, schema

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
CASE_BY_NAME = {case.name: case for case in CASES}
#: Seconds the report run of the whole corpus may take before the test gives up.
RUN_TIMEOUT = 600


def gyomu_command() -> list[str]:
    """The installed ``gyomu`` console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "gyomu"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "gyomu.cli"]


def run_gyomu(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*gyomu_command(), *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env=env)


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (relative path -> digest)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return build_corpus(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def corpus_hashes(corpus) -> dict[str, dict[str, str]]:
    return {name: file_hashes(folder) for name, folder in corpus.items()}


@pytest.fixture(scope="module")
def loaded(corpus, corpus_hashes) -> dict[str, object]:
    """What ``gyomu.load_client`` gives for each case: a Client or the exception it raised
    (the hashes are taken before)."""
    out: dict[str, object] = {}
    for name, folder in corpus.items():
        try:
            out[name] = gyomu.load_client(folder)
        except Exception as exc:  # noqa: BLE001 - judged by the tests
            out[name] = exc
    return out


def located_line(text: str, expect: Expect) -> str | None:
    """The printed line naming ``expect`` (file, sheet, row, column and message pieces), if any."""
    parts = [expect.file]
    parts += [p for p in (expect.sheet, expect.column) if isinstance(p, str)]
    if isinstance(expect.row, int):
        parts.append(f"{expect.row}行目")
    parts += list(expect.says)
    return next((line for line in text.splitlines() if all(p in line for p in parts)), None)


# ----------------------------------------------------------------------------- the corpus


def test_corpus_has_every_kind_of_mistake(corpus):
    names = [c.name for c in CASES]
    folders = [c.folder_name for c in CASES]
    assert len(set(names)) == len(names) and len(set(folders)) == len(folders)
    assert sorted(corpus) == sorted(names)
    # the mistakes of the spec's last section, and the real-world ones of issue 8
    must = {"unknown-member-id", "unknown-task-id", "duplicate-member-id", "duplicate-task-id",
            "difficulty-out-of-range", "negative-hours", "unknown-kind-label",
            "missing-required-column", "row-without-hours", "grade-not-in-client-yml",
            "missing-sheet", "renamed-header", "merged-header", "formula-cell", "empty-workbook",
            "zero-byte-csv", "csv-utf16", "csv-undecodable-bytes", "absurd-hours",
            "interview-unclosed-front-matter", "client-yml-invalid-yaml", "vision-yml-invalid-yaml",
            "codebook-duplicate-code", "folder-name-not-an-id", "vision-unknown-task"}
    assert must <= set(names)
    assert all(c.expect for c in CASES)
    print(f"\n不正な入力 {len(CASES)} 件(仕様の誤り {sum(c.spec for c in CASES)} 件、"
          f"現場でよくある誤り {sum(not c.spec for c in CASES)} 件)")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_base_every_case_breaks_is_valid(tmp_path, fmt):
    """Each case differs from a clean client in one way, so its problem is the case's own."""
    client = gyomu.load_client(write_base(tmp_path / f"good-{fmt}", fmt))
    assert (len(client.members), len(client.tasks), len(client.hours)) == (3, 4, 7)
    assert client.hours["hours"].sum() == pytest.approx(20 + 10 + 30 + 8 * 1.5 + 40 + 5)
    assert client.warnings == []
    assert len(client.segments) == 4 and len(client.codebook) == 2
    assert client.vision.measures[0].tasks == ["T03"]


# ----------------------------------------------------------------------------- load_client


@pytest.mark.parametrize("name", list(CASE_BY_NAME))
def test_load_client_lists_the_problem_where_it_is(corpus, corpus_hashes, loaded, name):
    case: BadCase = CASE_BY_NAME[name]
    folder = corpus[name]
    err = loaded[name]
    if not isinstance(err, SurveyError):  # loaded, or any other exception: both fail
        pytest.fail(f"{case.what}: load_client gave {type(err).__name__}, not SurveyError: {err!r}")
    assert err.problems, "SurveyError without problems"
    for expect in case.expect:
        assert any(expect.matches(p) for p in err.problems), (
            f"{case.what}: no problem at {expect}; got:\n{err}")
    for p in err.problems:
        assert JAPANESE.search(p.message), f"not Japanese: {p}"
        assert "Traceback" not in p.message
    text = str(err)
    assert "件の問題があります" in text and "Traceback" not in text
    assert file_hashes(folder) == corpus_hashes[name], "load_client changed an input file"


def test_cell_problems_name_the_column_with_its_english_alias(loaded):
    """The spec: messages are plain Japanese *with the English alias* (e.g. 難易度(difficulty))."""
    alias = {c.ja: c.alias for s in schema.SHEETS for c in s.columns}
    missing = []
    for name, err in loaded.items():
        if isinstance(err, SurveyError):
            missing += [f"{name}: {p}" for p in err.problems
                        if p.sheet and p.column in alias and f"({alias[p.column]})" not in p.message]
    assert not missing, "messages without the English alias:\n" + "\n".join(missing)


# ----------------------------------------------------------------------------- gyomu validate


#: One case per kind of file, each validated in a process of its own (exit code 1 alone).
ONE_BY_ONE = ["unknown-member-id", "csv-utf16", "client-yml-invalid-yaml",
              "interview-unclosed-front-matter", "vision-unknown-task", "folder-name-not-an-id"]


@pytest.mark.parametrize("name", ONE_BY_ONE)
def test_validate_command_exits_1_for_one_bad_folder(corpus, corpus_hashes, name):
    case = CASE_BY_NAME[name]
    folder = corpus[name]
    done = run_gyomu("validate", str(folder))
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out and "想定外のエラー" not in out, out
    assert done.stdout.startswith(f"{folder} の入力に") and "件の問題があります" in done.stdout, out
    for expect in case.expect:
        assert located_line(done.stdout, expect), f"{case.what}: {expect} not printed:\n{out}"
    assert file_hashes(folder) == corpus_hashes[name], "gyomu validate changed an input file"


def test_validate_command_lists_every_bad_folder(corpus, corpus_hashes):
    """``gyomu validate`` of the whole corpus at once: each folder gets its own problem list."""
    folders = [corpus[c.name] for c in CASES]
    done = run_gyomu("validate", *map(str, folders), timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out and "想定外のエラー" not in out, out
    blocks = done.stdout.split("\n\n")
    assert len(blocks) == len(CASES), out
    for case, folder, block in zip(CASES, folders, blocks, strict=True):
        assert block.startswith(f"{folder} の入力に") and "件の問題があります" in block, (
            f"{case.name}: not reported as a problem:\n{block}")
        for expect in case.expect:
            assert located_line(block, expect), f"{case.what}: {expect} not printed:\n{block}"
        assert JAPANESE.search(block)
    for case in CASES:
        assert file_hashes(corpus[case.name]) == corpus_hashes[case.name], (
            f"gyomu validate changed an input file of {case.name}")


# ----------------------------------------------------------------------------- gyomu run


def _probe_notebook(folder: Path) -> Path:
    """A one-cell notebook that reads the client (enough for a report, were it valid)."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'client_dir = ""\noutput_dir = "."\nanonymize = False\ninteractive = False')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# 読み込み確認"), params,
                nbformat.v4.new_code_cell("import gyomu\nclient = gyomu.load_client(client_dir)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "01_probe.ipynb"
    nbformat.write(nb, path)
    return path


def summary_blocks(text: str) -> dict[str, list[str]]:
    """The run summary's lines per client: its row and the detail lines under it."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = blocks.setdefault(line.split(" ")[0], []) if " " in line else None
        if current is not None:
            current.append(line)
    return blocks


@pytest.mark.slow
def test_report_run_writes_no_report_for_any_bad_client(corpus, corpus_hashes, tmp_path):
    notebooks = tmp_path / "notebooks"
    _probe_notebook(notebooks)
    output = tmp_path / "reports"
    folders = [str(corpus[c.name]) for c in CASES]
    done = run_gyomu("run", *folders, "--output", str(output), "--notebooks", str(notebooks),
                     "--jobs", "1", "--no-progress", timeout=RUN_TIMEOUT)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Traceback" not in out, out
    assert f"{len(CASES)}社中 0社 成功" in done.stdout, out
    written = [p for p in output.rglob("*") if p.is_file()] if output.exists() else []
    assert written == [], f"a bad client got report files: {written}"
    for case in CASES:  # no report folder at all for a client that never had a report
        left = output / case.folder_name
        assert not left.exists(), f"{case.name}: {sorted(left.rglob('*'))}"
    blocks = summary_blocks(done.stdout)
    for case in CASES:
        block = blocks.get(case.folder_name)
        assert block and "失敗" in block[0], f"{case.name} missing from the summary:\n{out}"
        if case.name == "folder-name-not-an-id":  # refused by the runner before reading
            assert "Bad_Client" in block[0] and "英小文字" in block[0], block
            continue
        for expect in case.expect:
            assert located_line("\n".join(block), expect), (
                f"{case.name}: {expect} not in its rows of the run summary:\n{out}")
    for case in CASES:
        assert file_hashes(corpus[case.name]) == corpus_hashes[case.name], (
            f"gyomu run changed an input file of {case.name}")


# ----------------------------------------------------------------------------- README


def test_readme_troubleshooting_quotes_real_messages(loaded):
    """Every message quoted in README's troubleshooting section is what the kit prints today."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## うまくいかないとき (troubleshooting)", 1)[1]
    quoted, fence = [], None
    for line in section.splitlines():
        if line.startswith("```"):
            fence = None if fence is not None else line[3:].strip()
        elif fence == "" and line.strip():  # plain fences quote output; ```bash holds commands
            quoted.append(line)
    assert len(quoted) >= 5
    printed = {f"{p.where()}: {p.message}" for err in loaded.values() if isinstance(err, SurveyError)
               for p in err.problems}
    stale = [ln for ln in quoted if ln not in printed]
    assert not stale, "README quotes messages the kit no longer prints:\n" + "\n".join(stale)

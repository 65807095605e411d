"""The set-up promises of README.md, pyproject.toml, environment.yml and .ci/run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[; ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = set(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted |= set(extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {s for s in pip if not s.startswith("-e")}
    assert {_name(s): s for s in listed} == {_name(s): s for s in wanted}


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_commands_and_ci_runs_the_test_command():
    commands = _readme_commands()
    assert len(commands) == 2
    main_job, tests = commands
    assert "gyomu run" in main_job
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()


def test_gitignore_keeps_client_data_and_reports_out():
    ignore = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/clients/" in ignore
    assert "reports/*" in ignore
    assert ".venv/" in ignore


def test_the_tree_is_ruff_clean():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", str(ROOT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr

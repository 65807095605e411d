"""Run every benchmark: ``python benchmarks/run.py [NAME ...]``.

Each ``benchmarks/bench_*.py`` has a ``main()`` that measures its figures and a baseline in
the same run and prints one line per figure via :func:`report`.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def report(name: str, value: float, unit: str = "s", *, baseline: float | None = None,
           baseline_name: str = "", target: str = "") -> None:
    """Print one figure, with its baseline and ratio when given, and the target it answers."""
    line = f"  {name}: {value:,.3f} {unit}"
    if baseline is not None:
        ratio = baseline / value if value else float("inf")
        line += f"  | {baseline_name or 'baseline'}: {baseline:,.3f} {unit}  -> {ratio:.2f}x"
    if target:
        line += f"  [target: {target}]"
    print(line, flush=True)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    files = sorted(HERE.glob("bench_*.py"))
    if argv:
        files = [f for f in files if any(a in f.stem for a in argv)]
    for file in files:
        spec = importlib.util.spec_from_file_location(file.stem, file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {file.stem}", flush=True)
        t0 = time.perf_counter()
        module.main()
        print(f"   ({time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

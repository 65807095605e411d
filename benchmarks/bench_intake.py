"""Intake speed (issue 3, point 8).

* ``load_client`` of a generated survey.xlsx with 100,000 工数 rows (5,000 members x 20
  tasks), against plain ``pandas.read_excel(engine="openpyxl")`` of the same three sheets
  (target: at least 5x faster);
* ``load_client`` (read and validate) of a CSV client with 1,000,000 工数 rows (target: at
  most 3 s), next to plain ``pandas.read_csv`` of the same three files without validation.

The data is generated once under benchmarks/_data/ (git-ignored) by gyomu.synthetic.
Run: ``python benchmarks/run.py intake``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from run import report

from gyomu import load_client, schema
from gyomu.synthetic import random_survey, write_client_folder

DATA = Path(__file__).resolve().parent / "_data"
XLSX = DATA / "bench-xlsx-100k"
CSV = DATA / "bench-csv-1m"


def _ensure(folder: Path, n_members: int, n_tasks: int, n_rows: int, fmt: str, seed: int) -> Path:
    """Generate a client folder once; a marker file says it was written completely."""
    marker = folder / ".complete"
    stamp = f"{n_members} {n_tasks} {n_rows} {fmt} {seed}"
    if marker.is_file() and marker.read_text() == stamp:
        return folder
    t0 = time.perf_counter()
    client = random_survey(n_members, n_tasks, n_rows, seed=seed)
    write_client_folder(client, folder, fmt=fmt)
    marker.write_text(stamp)
    print(f"  (generated {folder.name}: {n_rows:,} rows in {time.perf_counter() - t0:.1f} s)", flush=True)
    return folder


def _best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    xlsx = _ensure(XLSX, 5_000, 20, 100_000, "xlsx", seed=3)
    sheets = [s.ja for s in schema.SHEETS]
    client = load_client(xlsx)
    assert len(client.hours) == 100_000
    ours = _best(lambda: load_client(xlsx), 3)
    base = _best(lambda: pd.read_excel(xlsx / "survey.xlsx", sheet_name=sheets, engine="openpyxl"), 1)
    report("load_client, xlsx 100,000 工数行 (読み込み+検証)", ours, baseline=base,
           baseline_name="pandas.read_excel(openpyxl) 3シート", target=">= 5x faster")

    csv = _ensure(CSV, 50_000, 20, 1_000_000, "csv", seed=4)
    client = load_client(csv)
    assert len(client.hours) == 1_000_000
    ours = _best(lambda: load_client(csv), 3)
    base = _best(lambda: [pd.read_csv(csv / s.csv_name) for s in schema.SHEETS], 3)
    report("load_client, csv 1,000,000 工数行 (読み込み+検証)", ours, baseline=base,
           baseline_name="pandas.read_csv 3ファイル(検証なし)", target="<= 3 s")


if __name__ == "__main__":
    main()

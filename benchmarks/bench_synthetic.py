"""Synthetic surveys and the survey writers.

* ``random_survey`` of 20,000 members x 2,000 tasks x 1,000,000 rows (target ~1-2 s),
  against a plain baseline that draws the unique pairs with ``Generator.choice(...,
  replace=False)`` and builds the same three frames.
* ``write_client_folder`` as CSV (1,000,000 rows) against ``DataFrame.to_csv`` of the raw frames.
* ``write_survey`` (the template with drop-downs, 20,000 rows) against pandas'
  ``to_excel(engine="openpyxl")`` of the same three sheets.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from run import report

from gyomu import schema
from gyomu.synthetic import random_frames, random_survey, write_client_folder
from gyomu.template import write_survey


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def _baseline_frames(n_members: int, n_tasks: int, n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.choice(n_members * n_tasks, n_rows, replace=False))
    m, t = np.divmod(codes, n_tasks)
    return pd.DataFrame(
        {
            "member_id": [f"M{i + 1:05d}" for i in m],
            "task_id": [f"T{j + 1:04d}" for j in t],
            "hours": rng.gamma(1.5, 2.0, n_rows).round(1),
            "role": rng.choice(list(schema.ROLE), n_rows),
        }
    )


def main() -> None:
    size = (20_000, 2_000, 1_000_000)
    base, _ = _timed(_baseline_frames, *size)
    t_survey, client = _timed(random_survey, *size, seed=1)
    report("random_survey 20,000 x 2,000 x 1,000,000 rows", t_survey, baseline=base,
           baseline_name="plain numpy/pandas (choice without replacement)", target="~1-2 s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        m, t, h = random_frames(*size, seed=1)

        def plain_csv() -> None:
            for name, frame in (("members", m), ("tasks", t), ("hours", h)):
                frame.to_csv(tmp / f"plain-{name}.csv", index=False)

        t_plain, _ = _timed(plain_csv)
        t_csv, _ = _timed(write_client_folder, client, tmp / "csv-client", "csv")
        report("write_client_folder csv, 1,000,000 rows", t_csv, baseline=t_plain,
               baseline_name="DataFrame.to_csv x3")

        small = random_survey(1_000, 100, 20_000, seed=2)
        frames = {"メンバー": small.members, "業務一覧": small.tasks, "工数": small.hours}

        def plain_excel() -> None:
            with pd.ExcelWriter(tmp / "plain.xlsx", engine="openpyxl") as writer:
                for sheet, frame in frames.items():
                    frame.to_excel(writer, sheet_name=sheet, index=False)

        t_plain_x, _ = _timed(plain_excel)
        t_xlsx, _ = _timed(
            write_survey, tmp / "survey.xlsx", small.members, small.tasks, small.hours,
            grades=small.config.grades,
        )
        report("write_survey (template + drop-downs), 20,000 rows", t_xlsx, baseline=t_plain_x,
               baseline_name="pandas to_excel(openpyxl)")


if __name__ == "__main__":
    main()

"""Speed of the gap tooling: simulate() on a large survey and the reallocation MILP at 10–50 members.

Baseline for simulate: a plain Python loop over the hours rows per measure (what a notebook would
write by hand). Baseline for the MILP: the same model's LP relaxation (y continuous), the lower
bound of what any MILP solve can cost.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from run import report

from gyomu import Measure, make_client
from gyomu.reallocation import ReallocationParams, reallocate


def synthetic(n_members: int, n_tasks: int, seed: int = 0, per_member: int | None = None):
    rng = np.random.default_rng(seed)
    grades = ["G1", "G2", "G3", "G4", "G5"]
    members = pd.DataFrame({
        "member_id": [f"M{i:03d}" for i in range(n_members)],
        "name": [f"メンバー{i}" for i in range(n_members)],
        "grade": rng.choice(grades, n_members),
        "capacity_hours": 160.0,
    })
    tasks = pd.DataFrame({
        "task_id": [f"T{j:04d}" for j in range(n_tasks)],
        "category": rng.choice(["庶務", "施設管理", "契約・購買", "人事労務", "総務企画"], n_tasks),
        "task": [f"業務{j}" for j in range(n_tasks)],
        "purpose": rng.choice(["戦略", "改善", "運用", "管理"], n_tasks),
        "kind": rng.choice(["定型", "非定型", "突発"], n_tasks),
        "difficulty": rng.integers(1, 6, n_tasks),
        "remote": rng.choice(["可", "一部可", "不可"], n_tasks),
        "outsourcing": rng.choice(["可", "一部可", "不可"], n_tasks),
        "manual": rng.choice(["有", "無"], n_tasks),
    })
    rows = []
    per_member = per_member or n_tasks * 2 // max(n_members, 1) + 1
    for i in range(n_members):
        for j in rng.choice(n_tasks, min(per_member, n_tasks), replace=False):
            rows.append((f"M{i:03d}", f"T{j:04d}", float(rng.uniform(1, 12))))
    hours = pd.DataFrame(rows, columns=["member_id", "task_id", "hours"]).drop_duplicates(["member_id", "task_id"])
    return make_client(members, tasks, hours, grades=grades)


def _loop_simulate(client, measures):
    hours = client.hours.to_dict("records")
    cats = dict(zip(client.tasks["task_id"], client.tasks["category"], strict=True))
    for m in measures:
        chosen = set(m.tasks) if m.tasks else {t for t, c in cats.items() if c == m.category}
        for row in hours:
            if row["task_id"] in chosen:
                row["hours"] *= 1 - m.reduction
    return pd.DataFrame(hours)


def main() -> None:
    from gyomu.simulation import simulate

    big = synthetic(500, 2000, seed=1, per_member=100)
    measures = [Measure(f"施策{i}", a, 0.3, category=c) for i, (a, c) in enumerate(
        [("外部委託", "庶務"), ("自動化", "施設管理"), ("標準化", "契約・購買"), ("廃止", "人事労務")] * 5)]
    t0 = time.perf_counter()
    simulate(big, measures)
    t_sim = time.perf_counter() - t0
    t0 = time.perf_counter()
    _loop_simulate(big, measures)
    t_loop = time.perf_counter() - t0
    report(f"simulate 20 measures, {len(big.hours):,} hours rows", t_sim, baseline=t_loop,
           baseline_name="row loop", target="< 1 s")
    for n, k in [(10, 30), (30, 80), (50, 120)]:
        c = synthetic(n, k, seed=n)
        t0 = time.perf_counter()
        res = reallocate(c, ReallocationParams(time_limit=60))
        t_milp = time.perf_counter() - t0
        from gyomu.reallocation import _build, _solve

        model = _build(c, ReallocationParams())
        t0 = time.perf_counter()
        _solve(model, ReallocationParams(), integral=False)
        t_lp = time.perf_counter() - t0
        report(f"reallocate {n} members x {k} tasks ({'optimal' if res.optimal else res.message[:20]})",
               t_milp, baseline=t_lp, baseline_name="LP relaxation", target="< 30 s (time limit)")


if __name__ == "__main__":
    main()

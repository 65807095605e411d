"""Workload analysis at enterprise scale: KPIs (truck factor included) plus every table.

Survey: 20,000 members, 2,000 tasks, 1,000,000 工数 rows (``gyomu.synthetic.random_survey``),
and the same with 100,000 rows for the scaling ratio. Each size runs in a fresh subprocess,
so its peak RSS (``resource.getrusage``) is its own; the analysis' own allocations are
measured in a second pass with ``tracemalloc``. Targets: <= 5 s and <= 2 GB at 1M rows, and
ten times the rows at most twelve times the time. Wall-clock figures are the best of two
runs; the CPU time of the process is printed too, since the machine is shared. The baseline is the truck factor's
vectorised numpy loop (no numba) on the 100,000-row survey.

Run: ``.venv/bin/python benchmarks/run.py workload``
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from run import report

MEMBERS, TASKS = 20_000, 2_000
SIZES = (100_000, 1_000_000)
SEED = 7

CHILD = r"""
import json, resource, sys, time, tracemalloc
import gyomu
from gyomu import workload
from gyomu.consolidation import assess_consolidation, consolidation_scenarios
from gyomu.kpi import _truck_factor, kpis
from gyomu.synthetic import random_survey

members, tasks, rows, seed, baseline = (int(x) for x in sys.argv[1:6])

def analysis(client):
    values = kpis(client)
    tables = workload.all_tables(client)
    assessment = assess_consolidation(client)
    tables["consolidation_scenarios"] = consolidation_scenarios(assessment)
    return values, tables

kb = 1024.0
warm = random_survey(60, 20, 600, seed=1)  # imports numba and loads the compiled loop (its cache)
t0 = time.perf_counter(); _truck_factor(workload.prepare(warm), engine="numba"); warm_s = time.perf_counter() - t0
t0 = time.perf_counter()
client = random_survey(members, tasks, rows, seed=seed)
gen_s = time.perf_counter() - t0
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kb
times, cpu = [], []
for _ in range(2):
    workload.clear_cache()
    t0, c0 = time.perf_counter(), time.process_time()
    values, tables = analysis(client)
    times.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kb
workload.clear_cache()
t0 = time.perf_counter(); kpis(client); kpi_s = time.perf_counter() - t0
workload.clear_cache()
p = workload.prepare(client)
t0 = time.perf_counter(); tf = _truck_factor(p)[0]; tf_s = time.perf_counter() - t0
numpy_s = None
if baseline:
    t0 = time.perf_counter(); tf_np = _truck_factor(p, engine="numpy")[0]; numpy_s = time.perf_counter() - t0
    assert tf_np == tf, (tf_np, tf)
workload.clear_cache()
tracemalloc.start()
analysis(client)
traced_peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({
    "rows": rows, "gen_s": gen_s, "warm_s": warm_s, "time_s": min(times), "times": times, "cpu_s": min(cpu),
    "kpis_s": kpi_s, "truck_factor_s": tf_s, "truck_factor": tf, "numpy_truck_factor_s": numpy_s,
    "rss_before": rss_before, "rss_peak": rss_peak, "traced_peak": traced_peak,
    "tables": len(tables) + 1,
}))
"""


def measure(rows: int, *, baseline: bool = False) -> dict:
    """Run the analysis on a generated survey of ``rows`` rows in a fresh Python process."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(MEMBERS), str(TASKS), str(rows), str(SEED), str(int(baseline))],
        capture_output=True, text=True, check=True, cwd=root,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    small = measure(SIZES[0], baseline=True)
    large = measure(SIZES[1])
    gb = 1024.0**3
    print(f"  survey: {MEMBERS:,} members, {TASKS:,} tasks; kpis + {large['tables']} tables "
          f"(+ consolidation assessment); truck factor {small['truck_factor']:,} / {large['truck_factor']:,}",
          flush=True)
    report("kpis + every table, 100,000 rows", small["time_s"], "s")
    report("  CPU time of that run", small["cpu_s"], "s")
    report("kpis + every table, 1,000,000 rows", large["time_s"], "s", target="<= 5 s")
    report("  CPU time of that run (the machine is shared)", large["cpu_s"], "s")
    report("  of which kpis (truck factor included), 1,000,000 rows", large["kpis_s"], "s")
    report("  of which truck factor, 1,000,000 rows", large["truck_factor_s"], "s")
    report("truck factor, 100,000 rows (numba loop)", small["truck_factor_s"], "s",
           baseline=small["numpy_truck_factor_s"], baseline_name="numpy loop per step")
    report("time ratio 1,000,000 / 100,000 rows", large["time_s"] / small["time_s"], "x", target="<= 12x")
    report("  same ratio in CPU time", large["cpu_s"] / small["cpu_s"], "x", target="<= 12x")
    report("peak RSS of the whole process, 1,000,000 rows", large["rss_peak"] / gb, "GB", target="<= 2 GB")
    report("  RSS after generating the survey", large["rss_before"] / gb, "GB")
    report("peak memory allocated by the analysis (tracemalloc), 1,000,000 rows", large["traced_peak"] / gb, "GB")
    report("one-off numba start (import + cached compiled loop; not counted)", large["warm_s"], "s")
    report("generating the 1,000,000-row survey (not counted)", large["gen_s"], "s")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    t0 = time.perf_counter()
    main()
    print(f"   ({time.perf_counter() - t0:.1f} s)")

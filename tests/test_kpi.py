"""KPIs of the spec against values worked out by hand on the 4-member, 5-task fixture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _workload_fixture import fixture_client, fixture_frames

import gyomu
from gyomu import schema
from gyomu.kpi import (
    _truck_factor,
    describe_truck_factor,
    kpi_table,
    kpis,
    truck_factor,
    truck_factor_order,
)
from gyomu.workload import prepare

EXPECTED = {
    "total_hours": 270.0,
    "fte": 270 / 160,
    "strategic_share": 80 / 270,  # T4 戦略 60 + T5 改善 20
    "routine_share": 120 / 270,  # T1 100 + T5 20
    "adhoc_share": 30 / 270,  # T3
    "remote_share": (120 + 0.5 * 120) / 270,  # 可 T1+T5, 一部可 T2+T4
    "outsourceable_share": (100 + 0.5 * 50) / 270,  # 可 T1, 一部可 T3+T5
    "person_dependent_share": 120 / 270,  # T2 (M2 only) + T4 (M1 only)
    "undocumented_dependent_share": 60 / 270,  # T2 無; T4 blank is not 無; T3 無 has 2 coverers
    "delegable_share": 10 / 270,  # only G3 is upper of 3 grades: M1 on T1 (難易度1)
    "max_utilization": 50 / 40,  # M3
    "overloaded_members": 1,
    "truck_factor": 2,
}


def test_kpis_match_hand_computed_values():
    values = kpis(fixture_client())
    assert list(values) == list(schema.KPI_KEYS)
    for key, expected in EXPECTED.items():
        assert values[key] == pytest.approx(expected), key
    assert isinstance(values["truck_factor"], int)
    assert isinstance(values["overloaded_members"], int)


def test_public_api_and_tie_break_order():
    client = fixture_client()
    assert gyomu.kpis(client) == kpis(client)
    # M1 and M2 both start with load 95 → M1 (smaller ID) leaves first, then M2 (113.3):
    # T4, T2 and T5 (140 h) are left uncovered, more than half of 270.
    order = truck_factor_order(client)
    assert order["member_id"].tolist() == ["M1", "M2"]
    assert order["orphaned_hours"].tolist() == [60, 140]  # T4; then T2 and T5
    assert order["orphaned_share"].tolist() == pytest.approx([60 / 270, 140 / 270])
    text = describe_truck_factor(order)
    assert text.startswith("トラックファクターは2人です。") and "総工数の52%に達します" in text
    assert "最初に抜けると想定されるのは青木 一郎で、その時点で総工数の22%" in text
    assert truck_factor(client) == 2


def test_exactly_half_is_not_more_than_half():
    members, tasks, hours = fixture_frames()
    hours.loc[hours["task_id"].eq("T2") & hours["member_id"].eq("M2"), "hours"] = 50.0
    # total 260, after M1 and M2 leave T4 60 + T2 50 + T5 20 = 130 = half → a third must leave
    client = gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3"])
    assert kpis(client)["total_hours"] == 260
    assert truck_factor(client) == 4  # M3, M4 tie at 65 → M3; then T1 and T3 still have M4


def test_even_grade_count_upper_half():
    members, tasks, hours = fixture_frames()
    members["grade"] = ["G4", "G3", "G1", "G2"]
    client = gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3", "G4"])
    # upper half = G3, G4 → M1 T1 10 + M2 T1 30 + M2 T2 60 (難易度2)
    assert kpis(client)["delegable_share"] == pytest.approx(100 / 270)


def test_empty_and_zero_hour_surveys_do_not_divide_by_zero():
    members, tasks, hours = fixture_frames()
    hours["hours"] = 0.0
    hours["times_per_month"] = np.nan
    client = gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3"])
    values = kpis(client)
    assert values["total_hours"] == 0
    assert all(values[k] == 0 for k in schema.KPI_KEYS)
    empty = gyomu.make_client(members, tasks, hours.iloc[0:0], grades=["G1", "G2", "G3"])
    assert kpis(empty)["truck_factor"] == 0
    assert kpis(empty)["person_dependent_share"] == 0


def test_kpi_table_has_labels_and_definitions():
    table = kpi_table(fixture_client())
    assert table["kpi"].tolist() == list(schema.KPI_KEYS)
    assert table.loc[table["kpi"] == "truck_factor", "label"].item() == "トラックファクター"
    assert table["definition"].str.len().min() > 10
    assert table.loc[table["kpi"] == "person_dependent_share", "display"].item() == "44.4%"
    assert table.loc[table["kpi"] == "truck_factor", "direction"].item() == "高いほど良い"
    ja = gyomu.labels.to_japanese(table)
    assert {"指標", "値", "定義"} <= set(ja.columns)


def _naive_truck_factor(hours: pd.DataFrame, member_ids: list[str]) -> int:
    """The spec's greedy, re-scanning everything at every step (reference for small surveys)."""
    covers = hours[(hours["hours"] > 0) | (hours["role"] == "対応可")]
    coverers = {t: set(g["member_id"]) for t, g in covers.groupby("task_id")}
    task_hours = hours.groupby("task_id")["hours"].sum().to_dict()
    total = sum(task_hours.values())
    if total <= 0:
        return 0
    remaining = set(member_ids)
    left = 0
    while True:
        orphan = sum(h for t, h in task_hours.items() if not (coverers.get(t, set()) & remaining))
        if orphan > total / 2:
            return left
        loads = {}
        for m in remaining:
            loads[m] = sum(task_hours[t] / len(c & remaining) for t, c in coverers.items()
                           if m in c)
        best = max(loads.values())
        who = min(m for m, v in loads.items() if v >= best - 1e-9)
        remaining.remove(who)
        left += 1


@pytest.mark.parametrize("seed", range(25))
def test_incremental_truck_factor_equals_naive_greedy(seed):
    rng = np.random.default_rng(seed)
    n_m, n_t = int(rng.integers(2, 12)), int(rng.integers(1, 15))
    member_ids = [f"M{i:02d}" for i in rng.permutation(n_m)]
    rows = []
    for t in range(n_t):
        k = int(rng.integers(1, n_m + 1))
        for m in rng.choice(member_ids, size=k, replace=False):
            # integer hours make exact ties common; some 0-hour 対応可 / 副担当 rows
            h = float(rng.choice([0, 5, 10, 10, 20]))
            role = rng.choice(["主担当", "副担当", "対応可"])
            rows.append((m, f"T{t:02d}", h, role))
    hours = pd.DataFrame(rows, columns=["member_id", "task_id", "hours", "role"])
    members = pd.DataFrame({"member_id": member_ids, "name": member_ids, "grade": "G1"})
    tasks = pd.DataFrame({"task_id": [f"T{t:02d}" for t in range(n_t)], "category": "庶務",
                          "task": "x", "kind": "定型", "difficulty": 1, "remote": "可",
                          "outsourcing": "可"})
    client = gyomu.make_client(members, tasks, hours, grades=["G1"])
    expected = _naive_truck_factor(hours, member_ids)
    assert truck_factor(client) == expected
    assert _truck_factor(prepare(client), engine="numpy")[0] == expected
    assert _truck_factor(prepare(client), engine="numba")[0] == expected


def test_describe_kpis_from_numbers():
    from gyomu.kpi import describe_kpis

    text = describe_kpis(kpis(fixture_client()), n_members=4)
    assert "4人で月270時間(FTE 1.7人)" in text
    assert "戦略・改善に使われているのは30%" in text and "定型業務が44%" in text
    assert "属人化業務が工数の44%" in text and "トラックファクターは2人です(4人中)" in text
    assert "1人おり、最大稼働率は125%" in text

"""Periodic review: KPIs across waves and the tasks that changed most, on hand-made rounds."""

from __future__ import annotations

import pandas as pd
import pytest
from gap_fixtures import client, hours, members, tasks

import gyomu
from gyomu import make_client
from gyomu.waves import task_changes, wave_comparison, wave_kpis, wave_summary, waves


def with_history():
    """Earlier round 2025-10: T1 had 80h (A 60, B 20), T3 none (new since), T9 30h (gone since)."""
    old_tasks = pd.concat([tasks(), pd.DataFrame({
        "task_id": ["T9"], "category": ["庶務"], "task": ["FAX送信"], "purpose": ["運用"], "kind": ["定型"],
        "difficulty": [1], "remote": ["不可"], "outsourcing": ["可"], "manual": ["無"],
    })], ignore_index=True)
    old_tasks = old_tasks[old_tasks["task_id"] != "T3"]
    old_hours = hours()
    old_hours = old_hours[old_hours["task_id"] != "T3"].copy()
    old_hours.loc[old_hours["member_id"].eq("A") & old_hours["task_id"].eq("T1"), "hours"] = 60.0
    old_hours = pd.concat([old_hours, pd.DataFrame({"member_id": ["C"], "task_id": ["T9"], "hours": [30.0],
                                                    "role": ["主担当"]})], ignore_index=True)
    old = make_client(members(), old_tasks, old_hours, grades=["G1", "G2", "G3"], wave="2025-10")
    now = client(wave="2026-10")
    now.history = {"2025-10": old}
    return now


def test_waves_are_ordered_oldest_first():
    c = with_history()
    assert [w for w, _ in waves(c)] == ["2025-10", "2026-10"]
    table = wave_kpis(c)
    assert table["wave"].tolist() == ["2025-10", "2026-10"]
    # 2025-10: T1 80 + T2 30 + T4 60 + T9 30 = 200; 2026-10: 200 as well
    assert table["total_hours"].tolist() == pytest.approx([200.0, 200.0])
    # strategic work only exists now (T3 50h)
    assert table["strategic_share"].tolist() == pytest.approx([0.0, 0.25])
    # person-dependent then: T2 (A) 30 + T9 (C) 30 = 60 / 200
    assert table["person_dependent_share"].tolist() == pytest.approx([0.30, 0.40])


def test_wave_comparison_with_targets():
    comp = wave_comparison(with_history()).set_index("kpi")
    assert comp.loc["strategic_share", "change"] == pytest.approx(0.25)
    assert comp.loc["person_dependent_share", "previous"] == pytest.approx(0.30)
    assert bool(comp.loc["person_dependent_share", "achieved_latest"])  # 0.40 <= 0.50
    assert not bool(comp.loc["strategic_share", "achieved_latest"])  # 0.25 < 0.30
    assert pd.isna(comp.loc["fte", "target"])


def test_task_changes_largest_first():
    changes = task_changes(with_history(), top=None).set_index("task_id")
    assert list(changes.index[:3]) == ["T3", "T9", "T1"]  # +50, -30, -20
    assert changes.loc["T3", "status"] == "新規"
    assert pd.isna(changes.loc["T3", "change_pct"])
    assert changes.loc["T9", "status"] == "廃止・未回答"
    assert changes.loc["T9", "task"] == "FAX送信"
    assert changes.loc["T1", "change"] == pytest.approx(-20.0)
    assert changes.loc["T1", "change_pct"] == pytest.approx(-0.25)
    assert changes.loc["T1", "status"] == "減少"
    assert changes.loc["T2", "status"] == "変化なし"
    assert len(task_changes(with_history(), top=2)) == 2


def test_summary_and_no_history():
    text = wave_summary(with_history())
    assert "2025-10" in text and "中期計画策定" in text and "+50.0" in text
    lonely = client()
    assert len(wave_kpis(lonely)) == 1
    assert wave_comparison(lonely).empty and task_changes(lonely).empty
    assert "history" in wave_summary(lonely)


def test_sample_client_history_is_compared():
    c = gyomu.load_client("data/sample/kasou-denki")
    table = wave_kpis(c)
    assert table["wave"].tolist() == ["2025-10", "2026-10"]
    changes = task_changes(c, top=None)
    assert set(changes.loc[changes["status"] == "新規", "task_id"]) == {"T44", "T48"}

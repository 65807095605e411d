"""業務分掌案 (MILP): a proposal meets every constraint; infeasible models say why in Japanese."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from gap_fixtures import client as small_client

import gyomu
from gyomu import make_client
from gyomu.reallocation import ReallocationParams, formulation_markdown, reallocate
from gyomu.simulation import kpi_comparison


def skewed_client():
    """4 members, G1..G4 (upper: G3, G4). D (G4) does easy T1 and is overloaded; T2 single."""
    members = pd.DataFrame({
        "member_id": ["A", "B", "C", "D"], "name": ["青木", "佐藤", "田中", "山本"],
        "grade": ["G1", "G2", "G3", "G4"], "capacity_hours": [160.0, 160.0, 160.0, 160.0],
    })
    tasks = pd.DataFrame({
        "task_id": ["T1", "T2", "T3", "T4", "T5"],
        "category": ["庶務", "総務企画", "契約・購買", "庶務", "施設管理"],
        "task": ["来客対応", "規程改定", "契約審査", "備品管理", "設備点検"],
        "kind": ["定型", "非定型", "定型", "定型", "定型"],
        "difficulty": [1, 4, 3, 2, 3], "remote": ["不可"] * 5, "outsourcing": ["不可"] * 5,
        "purpose": ["運用", "戦略", "管理", "運用", "管理"],
    })
    hours = pd.DataFrame({
        "member_id": ["D", "A", "D", "C", "B", "C", "B", "A", "A"],
        "task_id": ["T1", "T1", "T2", "T3", "T3", "T4", "T4", "T4", "T5"],
        "hours": [80.0, 20.0, 100.0, 30.0, 30.0, 10.0, 5.0, 0.0, 0.0],
        "role": ["主担当", "副担当", "主担当", "主担当", "副担当", "主担当", "副担当", "対応可", "対応可"],
    })
    return make_client(members, tasks, hours, grades=["G1", "G2", "G3", "G4"])


def test_proposal_meets_every_constraint():
    c = skewed_client()
    params = ReallocationParams(utilization_cap=0.9, min_share=0.1)
    result = reallocate(c, params)
    assert result.feasible and result.optimal
    proposal = result.client.hours
    before = c.hours.groupby("task_id")["hours"].sum()
    after = proposal.groupby("task_id")["hours"].sum()
    for t in ["T1", "T2", "T3", "T4"]:  # 1. every task keeps its hours
        assert after[t] == pytest.approx(before[t], abs=1e-6)
    load = proposal.groupby("member_id")["hours"].sum()
    assert (load <= 0.9 * 160 + 1e-6).all()  # 2. capacity (D had 180h)
    for t in ["T1", "T2", "T3", "T4"]:  # 5. two coverers, each doing at least 10 %
        rows = proposal[(proposal["task_id"] == t) & (proposal["hours"] > 0)]
        assert len(rows) >= 2
        assert (rows["hours"] >= 0.1 * before[t] - 1e-6).all()
        assert (rows["role"] == "主担当").sum() == 1
    # easy work (T1 難易度1, T4 難易度2) leaves the upper grades G3/G4
    upper = proposal["member_id"].isin(["C", "D"]) & proposal["task_id"].isin(["T1", "T4"])
    assert proposal.loc[upper, "hours"].sum() == pytest.approx(0.0, abs=1e-6)
    # T5 had no hours: its row is kept as it was
    assert ((proposal["task_id"] == "T5") & (proposal["member_id"] == "A")).sum() == 1
    # the cheapest way: D hands all 80h of T1 to the lower grades, C hands T4 to B / A, and one
    # member takes the 10 % minimum of T2 (100h) from D: 80 + 10 + 10 = 100 hours change hands
    assert result.moved_hours == pytest.approx(100.0, abs=1e-6)
    k = gyomu.kpis(result.client)
    assert k["delegable_share"] == pytest.approx(0.0, abs=1e-9)
    assert k["person_dependent_share"] == pytest.approx(0.0)
    assert k["overloaded_members"] == 0
    assert k["total_hours"] == pytest.approx(275.0)
    # moved hours: the assignment's changes add up to twice the moved hours
    assert result.assignment["change"].abs().sum() == pytest.approx(2 * result.moved_hours)
    assert result.members["hours_proposal"].max() <= 144 + 1e-6


def test_proposal_kpis_next_to_current():
    c = skewed_client()
    result = reallocate(c)
    table = kpi_comparison(c, result.client, names=("current", "proposal")).set_index("kpi")
    assert table.loc["overloaded_members", "current"] == 1
    assert table.loc["overloaded_members", "proposal"] == 0
    assert table.loc["person_dependent_share", "current"] == pytest.approx(100 / 275)  # T2 only


def test_zero_hours_backups_when_min_share_is_zero():
    c = small_client()
    result = reallocate(c, min_share=0.0)
    assert result.feasible
    pd.testing.assert_series_equal(  # nothing needs to move: backups are named instead
        result.client.hours.groupby("task_id")["hours"].sum(), c.hours.groupby("task_id")["hours"].sum()
    )
    assert result.moved_hours == pytest.approx(0.0, abs=1e-6)
    a = result.assignment
    new_backups = a[(a["role_after"] == "対応可") & a["role_before"].isna()]
    assert sorted(new_backups["task_id"]) == ["T2", "T3"]  # the two single-covered tasks
    assert a.set_index(["member_id", "task_id"]).loc[("C", "T4"), "role_after"] == "対応可"  # kept
    assert gyomu.kpis(result.client)["person_dependent_share"] == 0.0


def test_too_many_hours_names_the_capacity():
    result = reallocate(skewed_client(), utilization_cap=0.3)
    assert not result.feasible
    assert "稼働上限" in result.message
    assert "275.0" in result.message and "192.0" in result.message


def test_single_member_cannot_have_two_coverers():
    members = pd.DataFrame({"member_id": ["A"], "name": ["青木"], "grade": ["G1"]})
    tasks = pd.DataFrame({"task_id": ["T1"], "category": ["庶務"], "task": ["受付"], "kind": ["定型"],
                          "difficulty": [1], "remote": ["不可"], "outsourcing": ["可"]})
    hours = pd.DataFrame({"member_id": ["A"], "task_id": ["T1"], "hours": [10.0]})
    result = reallocate(make_client(members, tasks, hours))
    assert not result.feasible
    assert "複数人でカバー" in result.message and "1 人しか" in result.message
    assert result.client is None


def test_minimum_share_times_coverers_above_one_is_named():
    # two coverers each doing at least 60 % of a task cannot add up to 100 %
    result = reallocate(small_client(), min_share=0.6)
    assert not result.feasible
    assert len(result.reasons) == 1
    assert "最低工数割合" in result.reasons[0] and "120%" in result.reasons[0]


def test_relaxing_one_group_at_a_time_names_the_blocking_constraints():
    # A (100h) does T1 100h, B (20h) does T2 10h. With two coverers doing >= 20 % each, B needs
    # 20h of T1 plus 2h of T2 = 22h > 20h, and A cannot take more. Total 110h fits 120h, so the
    # quick checks pass and the relaxations name the clash.
    members = pd.DataFrame({"member_id": ["A", "B"], "name": ["青木", "佐藤"], "grade": ["G1", "G2"],
                            "capacity_hours": [100.0, 20.0]})
    tasks = pd.DataFrame({"task_id": ["T1", "T2"], "category": ["庶務", "庶務"], "task": ["受付", "発送"],
                          "kind": ["定型", "定型"], "difficulty": [3, 3], "remote": ["不可"] * 2,
                          "outsourcing": ["可"] * 2})
    hours = pd.DataFrame({"member_id": ["A", "B"], "task_id": ["T1", "T2"], "hours": [100.0, 10.0]})
    c = make_client(members, tasks, hours, grades=["G1", "G2"])
    assert reallocate(c, min_share=0.05).feasible
    result = reallocate(c, min_share=0.2)
    assert not result.feasible
    assert len(result.reasons) == 1
    assert "両立しません" in result.reasons[0]
    for name in ("各メンバーの稼働上限", "各業務を複数人でカバーすること", "カバー担当者の最低工数割合"):
        assert name in result.reasons[0]


def test_forbidding_easy_work_on_upper_grades_with_too_few_lower_members():
    members = pd.DataFrame({"member_id": ["A", "B", "C"], "name": ["青木", "佐藤", "田中"],
                            "grade": ["G1", "G3", "G4"]})
    tasks = pd.DataFrame({"task_id": ["T1"], "category": ["庶務"], "task": ["受付"], "kind": ["定型"],
                          "difficulty": [1], "remote": ["不可"], "outsourcing": ["可"]})
    hours = pd.DataFrame({"member_id": ["B", "C"], "task_id": ["T1", "T1"], "hours": [10.0, 10.0]})
    c = make_client(members, tasks, hours, grades=["G1", "G2", "G3", "G4"])
    assert reallocate(c).feasible  # as a penalty it is fine
    result = reallocate(c, forbid_easy_upper=True)
    assert not result.feasible
    assert "上位等級" in result.message


def test_formulation_in_japanese_with_parameters():
    text = formulation_markdown(ReallocationParams(utilization_cap=0.9, min_coverers=3))
    assert "目的関数" in text and "制約" in text
    assert "90%" in text and "3 人以上" in text
    assert "HiGHS" in text
    assert np.isfinite(reallocate(skewed_client(), time_limit=5).objective)


def test_changed_assignments_and_summary():
    from gyomu.reallocation import changed_assignments, reallocation_summary

    c = skewed_client()
    result = reallocate(c)
    changed = changed_assignments(result)
    assert changed["change"].abs().iloc[0] == pytest.approx(80.0)  # D hands over T1
    assert (changed["change"].abs().diff().dropna() <= 1e-9).all()  # largest first
    assert "(担当なし)" in set(changed["role_before"]) | set(changed["role_after"])
    versus = kpi_comparison(c, result.client, names=("current", "proposal"))
    text = reallocation_summary(result, versus)
    assert "山本" in text and "上限内" in text  # D was over capacity
    assert "属人化業務比率" in text
    bad = reallocate(c, utilization_cap=0.3)
    assert reallocation_summary(bad) == bad.message


def test_formulation_uses_only_glyphs_of_the_report_font():
    from fontTools.ttLib import TTFont

    from gyomu.plotting import FONT_PATH

    cmap = TTFont(str(FONT_PATH)).getBestCmap()
    for params in (ReallocationParams(), ReallocationParams(forbid_easy_upper=True, min_share=0.0)):
        text = formulation_markdown(params)
        assert "$" not in text and "\\" not in text  # no LaTeX: the PDF export shows text as is
        missing = {c for c in text if c != "\n" and ord(c) not in cmap}
        assert not missing, missing

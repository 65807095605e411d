"""simulate / measure_effects: each action's effect on hours and KPIs, hand-computed."""

from __future__ import annotations

import pandas as pd
import pytest
from gap_fixtures import client

import gyomu
from gyomu import Measure, SurveyError
from gyomu.simulation import (
    consolidated_desk,
    freed_by_member,
    hours_freed,
    kpi_comparison,
    measure_effects,
    strategic_potential,
)


def hours_of(c, member, task) -> float:
    h = c.hours
    return float(h.loc[(h["member_id"] == member) & (h["task_id"] == task), "hours"].sum())


def test_no_measures_changes_nothing():
    c = client()
    future = gyomu.simulate(c, [])
    pd.testing.assert_frame_equal(future.hours, c.hours)
    pd.testing.assert_frame_equal(future.tasks, c.tasks)


@pytest.mark.parametrize("action", ["外部委託", "自動化", "廃止"])
def test_reducing_actions_scale_every_member_row(action):
    c = client()
    future = gyomu.simulate(c, [Measure("m", action, 0.5, tasks=["T1"])])
    assert hours_of(future, "A", "T1") == pytest.approx(20.0)
    assert hours_of(future, "B", "T1") == pytest.approx(10.0)
    assert future.hours["hours"].sum() == pytest.approx(170.0)
    assert hours_of(future, "A", "T2") == pytest.approx(30.0)  # other tasks untouched
    assert c.hours["hours"].sum() == pytest.approx(200.0)  # input not modified
    kpi = gyomu.kpis(future)
    assert kpi["strategic_share"] == pytest.approx(50 / 170)


def test_standardise_sets_manual_and_lowers_undocumented_dependency():
    c = client()
    assert gyomu.kpis(c)["undocumented_dependent_share"] == pytest.approx(50 / 200)  # T3 only
    future = gyomu.simulate(c, [Measure("m", "標準化", 0.2, tasks=["T3"])])
    assert hours_of(future, "C", "T3") == pytest.approx(40.0)
    manual = future.tasks.set_index("task_id")["manual"]
    assert manual["T3"] == "有"
    assert manual["T1"] == "無"
    assert c.tasks.set_index("task_id")["manual"]["T3"] == "無"
    assert gyomu.kpis(future)["undocumented_dependent_share"] == 0.0


def test_abolish_category_removes_its_hours_and_coverage():
    c = client()
    future = gyomu.simulate(c, [Measure("m", "廃止", 1.0, category="庶務")])
    assert future.hours["hours"].sum() == pytest.approx(110.0)
    kpi = gyomu.kpis(future)
    assert kpi["person_dependent_share"] == pytest.approx(50 / 110)  # only T3 left single-covered


def test_measures_are_cumulative_in_order():
    c = client()
    measures = [Measure("a", "外部委託", 0.5, tasks=["T1"]), Measure("b", "自動化", 0.5, tasks=["T1"])]
    future = gyomu.simulate(c, measures)
    assert hours_of(future, "A", "T1") == pytest.approx(10.0)
    freed = hours_freed(c, measures)
    assert freed["freed_hours"].tolist() == pytest.approx([30.0, 15.0])
    assert freed["cumulative_freed"].tolist() == pytest.approx([30.0, 45.0])


def test_default_measures_come_from_vision():
    c = client()
    future = gyomu.simulate(c)
    # 外部委託 T1 50%: 60 -> 30; then 標準化 庶務 20%: T1 30 -> 24, T2 30 -> 24
    assert future.hours["hours"].sum() == pytest.approx(158.0)
    assert set(future.tasks.loc[future.tasks["manual"] == "有", "task_id"]) == {"T1", "T2"}
    assert gyomu.simulate(client(with_vision=False)).hours.equals(client(with_vision=False).hours)


def test_consolidation_adds_handoff_to_the_main_desk():
    from gyomu.consolidation import handoff_hours

    c = client()
    extra = handoff_hours(c, ["T1"])
    future = gyomu.simulate(c, [Measure("m", "集約", 0.25, tasks=["T1"])])
    assert hours_of(future, "A", "T1") == pytest.approx(30.0 + float(extra["T1"]))  # A is 主担当
    assert hours_of(future, "B", "T1") == pytest.approx(15.0)
    row = hours_freed(c, [Measure("m", "集約", 0.25, tasks=["T1"])]).iloc[0]
    assert row["removed_hours"] == pytest.approx(15.0)
    assert row["handoff_hours"] == pytest.approx(float(extra["T1"]))
    assert row["freed_hours"] == pytest.approx(15.0 - float(extra["T1"]))


def test_consolidated_desk_prefers_main_role_then_hours():
    c = client()
    assert c.hours.loc[consolidated_desk(c.hours, "T4"), "member_id"] == "B"
    h = c.hours.copy()
    h["role"] = pd.Categorical([None] * len(h), categories=["主担当", "副担当", "対応可"])
    assert h.loc[consolidated_desk(h, "T1"), "member_id"] == "A"  # most hours
    assert consolidated_desk(h, "T9") is None


def test_unknown_task_and_category_are_reported_together_in_japanese():
    c = client()
    bad = [
        Measure("請求書の外部委託", "外部委託", 0.5, tasks=["T1", "T999"]),
        Measure("経理の自動化", "自動化", 0.5, category="経理"),
        Measure("謎の施策", "魔法", 1.5, tasks=["T1"]),
    ]
    with pytest.raises(SurveyError) as err:
        gyomu.simulate(c, bad)
    problems = err.value.problems
    assert all(p.file == "vision.yml" for p in problems)
    text = str(err.value)
    assert "T999" in text and "請求書の外部委託" in text and "tasks" in text
    assert "経理" in text and "庶務" in text  # names the category and lists valid ones
    assert "魔法" in text and "reduction" in text
    assert len(problems) == 4


def test_measure_effects_before_after_target():
    c = client()
    eff = measure_effects(c)
    assert set(eff["measure"]) == {"郵便物の外部委託", "庶務の標準化", "全施策(累計)"}
    strat = eff[eff["kpi"] == "strategic_share"].set_index("measure")
    assert strat.loc["郵便物の外部委託", "before"] == pytest.approx(0.25)
    assert strat.loc["郵便物の外部委託", "after"] == pytest.approx(50 / 170)
    assert strat.loc["庶務の標準化", "before"] == pytest.approx(50 / 170)
    assert strat.loc["全施策(累計)", "after"] == pytest.approx(50 / 158)
    assert strat.loc["全施策(累計)", "target"] == pytest.approx(0.30)
    assert bool(strat.loc["全施策(累計)", "achieved_after"])
    assert not bool(strat.loc["郵便物の外部委託", "achieved_after"])
    assert strat.loc["全施策(累計)", "freed_hours"] == pytest.approx(42.0)
    assert eff.loc[eff["kpi"] == "fte", "target"].isna().all()
    assert len(eff) == 3 * len(gyomu.kpis(c))


def test_comparison_members_and_strategic_potential():
    c = client()
    future = gyomu.simulate(c)
    comp = kpi_comparison(c, future).set_index("kpi")
    assert comp.loc["total_hours", "current"] == pytest.approx(200.0)
    assert comp.loc["total_hours", "future"] == pytest.approx(158.0)
    assert comp.loc["total_hours", "change"] == pytest.approx(-42.0)
    by_member = freed_by_member(c, future).set_index("member_id")
    assert by_member.loc["A", "freed"] == pytest.approx(70 - 40)  # T1 40->16, T2 30->24
    assert by_member.loc["C", "freed"] == pytest.approx(0.0)
    pot = strategic_potential(c, future)
    assert pot["freed_hours"] == pytest.approx(42.0)
    assert pot["strategic_share_if_redirected"] == pytest.approx((50 + 42) / 200)


def test_effects_table_and_summary():
    from gyomu.simulation import effects_summary, effects_table

    c = client()
    wide = effects_table(measure_effects(c))
    assert wide["measure"].tolist() == ["現状", "郵便物の外部委託", "庶務の標準化", "目標"]
    assert wide["strategic_share"].tolist() == pytest.approx([0.25, 50 / 170, 50 / 158, 0.30])
    assert wide["freed_hours"].iloc[1:3].tolist() == pytest.approx([30.0, 12.0])
    text_table = effects_table(measure_effects(c), formatted=True)
    assert text_table["strategic_share"].iloc[0] == "25.0%"
    text = effects_summary(hours_freed(c), kpi_comparison(c, gyomu.simulate(c)))
    assert "月42.0時間" in text and "21.0%" in text and "郵便物の外部委託" in text
    assert "現状1件から施策後2件" in text  # strategic share reaches 30 %, total hours stay above 150


def test_widget_recomputes_the_future_state():
    import dataclasses

    from gyomu.gap_widgets import chosen_measures, future_tables, measure_explorer

    c = client()
    base = c.vision.measures
    only_second = chosen_measures(base, [False, True], [0.5, 0.5])
    assert [m.name for m in only_second] == ["庶務の標準化"] and only_second[0].reduction == 0.5
    freed, comp = future_tables(c, only_second)
    assert freed["freed_hours"].tolist() == pytest.approx([45.0])  # 庶務 (T1 60h + T2 30h) x 50 %
    assert base[1].reduction == 0.2  # the vision is not modified
    box = measure_explorer(c)
    checks = [w.children[0] for w in box.children[1:-1]]
    sliders = [w.children[1] for w in box.children[1:-1]]
    assert len(checks) == 2 and sliders[0].value == 0.5
    result = box.children[-1]
    assert "月42.0時間" in result.value and "<img" in result.value
    checks[0].value = False  # recomputes through the observer
    assert "月18.0時間" in result.value  # only 庶務の標準化: (T1 60h + T2 30h) x 20 %
    sliders[1].value = 1.0
    assert "月90.0時間" in result.value
    assert dataclasses.asdict(base[0])["reduction"] == 0.5


def test_duplicate_index_labels_do_not_spread_the_handoff():
    from gyomu.consolidation import handoff_hours

    c = client()
    c.hours.index = [0, 0, 1, 1, 2, 2]  # e.g. frames concatenated without ignore_index
    extra = float(handoff_hours(c, ["T1"])["T1"])
    future = gyomu.simulate(c, [Measure("m", "集約", 0.0, tasks=["T1"])])
    assert future.hours["hours"].sum() == pytest.approx(200.0 + extra)
    assert hours_of(future, "B", "T1") == pytest.approx(20.0)

"""Workload tables against values worked out by hand on the 4-member, 5-task fixture."""

from __future__ import annotations

import pandas as pd
import pytest
from _workload_fixture import fixture_client, fixture_frames

import gyomu
from gyomu import workload as w
from gyomu.labels import to_japanese


@pytest.fixture
def client():
    return fixture_client()


def test_hours_by_grade(client):
    t = w.hours_by_grade(client)
    assert t.index.tolist() == ["G1", "G2", "G3"]
    assert t["hours"].tolist() == [90, 90, 90]  # G1 = M3 50 + M4 40
    assert t["n_members"].tolist() == [2, 1, 1]
    assert t["share"].tolist() == pytest.approx([1 / 3] * 3)
    assert t["fte"].tolist() == pytest.approx([90 / 160] * 3)
    text = w.describe_hours_by_grade(t)
    assert "月270時間" in text and "G1で、2人で月90時間" in text


def test_hours_by_task_attributes(client):
    cat = w.hours_by_category(client)
    assert cat["hours"].to_dict() == {"庶務": 160, "総務企画": 80, "施設管理": 30}
    assert cat["n_tasks"].to_dict() == {"庶務": 2, "総務企画": 2, "施設管理": 1}
    kind = w.hours_by_kind(client)
    assert kind.index.tolist() == ["定型", "非定型", "突発"]  # categorical order, not by hours
    assert kind["hours"].tolist() == [120, 120, 30]
    purpose = w.hours_by_purpose(client)
    assert purpose["hours"].to_dict() == {"運用": 130, "管理": 60, "戦略": 60, "改善": 20}
    manual = w.hours_by(client, "manual")
    assert manual["hours"].to_dict() == {"有": 120, "無": 90, w.MISSING: 60}
    for table in (cat, kind, purpose, manual):
        assert table["hours"].sum() == 270
        assert table["share"].sum() == pytest.approx(1)


def test_hours_by_member_and_utilization(client):
    t = w.hours_by_member(client)
    assert t["member_id"].tolist() == ["M1", "M2", "M3", "M4"]
    assert t["hours"].tolist() == [90, 90, 50, 40]
    assert t["n_tasks"].tolist() == [3, 2, 2, 1]  # tasks with hours; 対応可 rows don't count
    u = w.utilization(client)
    assert u["member_id"].tolist() == ["M3", "M1", "M2", "M4"]
    assert u["utilization"].tolist() == pytest.approx([50 / 40, 90 / 160, 90 / 160, 40 / 160])
    assert u["overloaded"].tolist() == [True, False, False, False]
    assert u["slack"].tolist() == pytest.approx([-10, 70, 70, 120])
    text = w.describe_utilization(u)
    assert "上田 次郎(125%" in text and "1人で、超過は合計月10時間" in text


def test_wide_tables(client):
    gc = w.grade_category_hours(client)
    assert gc.loc["G1"].to_dict() == {"庶務": 60, "総務企画": 0, "施設管理": 30}
    assert gc.loc["G2"].to_dict() == {"庶務": 90, "総務企画": 0, "施設管理": 0}
    assert gc.loc["G3"].to_dict() == {"庶務": 10, "総務企画": 80, "施設管理": 0}
    mc = w.member_category_hours(client)
    assert mc.index.tolist() == ["青木 一郎", "井上 花子", "上田 次郎", "江藤 三奈"]
    assert mc.loc["上田 次郎"].to_dict() == {"庶務": 20, "総務企画": 0, "施設管理": 30}
    assert mc.to_numpy().sum() == 270
    gd = w.grade_difficulty_hours(client)
    assert gd.loc["G1"].tolist() == [60, 0, 30, 0, 0]
    assert gd.loc["G2"].tolist() == [30, 60, 0, 0, 0]
    assert gd.loc["G3"].tolist() == [10, 0, 0, 20, 60]


def test_pareto_and_sentence(client):
    t = w.pareto(client)
    assert t["task_id"].tolist() == ["T1", "T2", "T4", "T3", "T5"]  # 60-hour tie by ID
    assert t["cum_share"].tolist() == pytest.approx([100 / 270, 160 / 270, 220 / 270, 250 / 270, 1])
    assert t["top_group"].tolist() == [True, False, False, False, False]  # ceil(0.2 × 5) = 1
    text = w.describe_pareto(t)
    assert text.startswith("工数上位20%の業務(1件)が全体の37%を占めます。")
    assert "上位2件" in text and "「郵便物の仕分け」" in text
    assert w.pareto(client, top_fraction=0.5)["top_group"].sum() == 3


def test_task_spread(client):
    t = w.task_spread(client).set_index("task_id")
    assert t.loc["T1", "n_covering"] == 4 and t.loc["T1", "n_working"] == 4
    assert t.loc["T1", "top_member"] == "江藤 三奈"
    assert t.loc["T1", "top_share"] == pytest.approx(0.4)
    assert t.loc["T1", "hhi"] == pytest.approx(0.1**2 + 0.3**2 + 0.2**2 + 0.4**2)
    assert t.loc["T3", "n_covering"] == 2 and t.loc["T3", "n_working"] == 1  # M4 is 対応可
    assert t.loc["T3", "hhi"] == pytest.approx(1.0)
    assert "1人だけが実施している業務は4件" in w.describe_spread(t.reset_index())


def test_person_dependent_tasks(client):
    t = w.person_dependent_tasks(client)
    assert t["task_id"].tolist() == ["T2", "T4"]
    assert t["members"].tolist() == ["井上 花子", "青木 一郎"]
    assert t["documented"].tolist() == ["無", "不明"]  # blank マニュアル is unknown, not 無
    assert t["share"].sum() == pytest.approx(gyomu.kpis(client)["person_dependent_share"])
    text = w.describe_person_dependency(t, 270)
    assert "属人化業務は2件、月120時間で、総工数の44%" in text
    assert "マニュアルが無い業務は1件(月60時間)" in text and "未記入の業務が1件" in text
    two = w.person_dependent_tasks(client, max_coverers=2)
    assert two["task_id"].tolist() == ["T2", "T4", "T3", "T5"]
    assert two.set_index("task_id").loc["T3", "members"] == "上田 次郎、江藤 三奈"


def test_resignation_risk(client):
    t = w.resignation_risk(client)
    assert t["member_id"].tolist() == ["M1", "M2", "M3", "M4"]
    assert t["orphaned_tasks"].tolist() == [1, 1, 0, 0]
    assert t["orphaned_hours"].tolist() == [60, 60, 0, 0]
    assert t["undocumented_hours"].tolist() == [0, 60, 0, 0]  # T4 blank, T2 無
    assert t["orphaned_share"].tolist() == pytest.approx([60 / 270, 60 / 270, 0, 0])
    assert "2人のメンバー" in w.describe_resignation_risk(t)


def test_delegation_odd_and_even_grades(client):
    d = w.delegation(client)
    assert d["tier"].tolist() == ["下位", "中位", "上位"]
    assert d["delegable_hours"].tolist() == [0, 0, 10]  # G3 (upper) on 難易度 1–2: M1 T1
    assert d["stretch_hours"].tolist() == [0, 0, 0]
    assert d.loc["G3", "delegable_share"] == pytest.approx(10 / 90)
    members, tasks, hours = fixture_frames()
    members["grade"] = ["G4", "G3", "G1", "G2"]
    tasks.loc[tasks["task_id"] == "T3", "difficulty"] = 4
    even = gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3", "G4"])
    d = w.delegation(even)
    assert d["tier"].tolist() == ["下位", "下位", "上位", "上位"]
    assert d["delegable_hours"].tolist() == [0, 0, 90, 10]  # M2 (G3) T1 30 + T2 60; M1 (G4) T1 10
    assert d["stretch_hours"].tolist() == [30, 0, 0, 0]  # M3 (G1) on T3, now 難易度4
    assert "月100時間" in w.describe_delegation(d)


def test_potential_by_category(client):
    t = w.potential_by_category(client)
    assert t.index.tolist() == ["庶務", "総務企画", "施設管理"]
    assert t["remote_hours"].tolist() == [130, 50, 0]  # 庶務: T1 100 + T2 60 / 2
    assert t["outsourceable_hours"].tolist() == [100, 10, 15]
    assert t["routine_hours"].tolist() == [100, 20, 0]
    k = gyomu.kpis(client)
    assert t["remote_hours"].sum() / 270 == pytest.approx(k["remote_share"])
    assert t["outsourceable_hours"].sum() / 270 == pytest.approx(k["outsourceable_share"])
    assert "月180時間(67%)" in w.describe_potential(t)


def test_filter_client(client):
    sub = w.filter_client(client, teams=["庶務係"])
    assert sub.members["member_id"].tolist() == ["M3", "M4"]
    assert sub.tasks["task_id"].tolist() == ["T1", "T3"]  # M4's 0-hour 副担当 row on T2 covers nothing
    assert gyomu.kpis(sub)["total_hours"] == 90
    sub = w.filter_client(client, categories=["庶務"], grades=["G1", "G2"])
    assert w.hours_by_grade(sub)["hours"].tolist() == [60, 90, 0]  # every grade is listed
    assert w.filter_client(client).hours.shape == client.hours.shape


def test_every_table_has_japanese_headers(client):
    tables = w.all_tables(client)
    assert len(tables) == 15
    for name, table in tables.items():
        ja = to_japanese(table.reset_index())
        english = [c for c in ja.columns if isinstance(c, str) and c.isascii() and c not in ("index", "HHI")]
        assert not english, (name, english)


def test_prepare_cache_follows_new_frames(client):
    first = w.prepare(client)
    assert w.prepare(client) is first
    client.hours = client.hours[client.hours["task_id"] != "T4"].reset_index(drop=True)
    assert gyomu.kpis(client)["total_hours"] == 210


def test_empty_survey_tables():
    members, tasks, hours = fixture_frames()
    empty = gyomu.make_client(members, tasks, hours.iloc[0:0], grades=["G1", "G2", "G3"])
    tables = w.all_tables(empty)
    assert tables["hours_by_grade"]["share"].sum() == 0
    assert tables["person_dependent_tasks"].empty
    assert w.describe_pareto(tables["pareto"]) == "工数の記入がある業務がありません。"
    assert isinstance(w.describe_utilization(tables["utilization"]), str)
    assert pd.isna(tables["task_spread"]["hhi"]).all()


def test_describe_mix(client):
    text = w.describe_mix(w.hours_by_category(client), w.hours_by_purpose(client), w.hours_by_kind(client))
    assert text.startswith("大分類では「庶務」が月160時間(全体の59%)で最も大きく")
    assert "上位3分類で全体の100%" in text
    assert "運用48%、管理22%、戦略22%、改善7.4%" in text and "定型44%、非定型44%、突発11%" in text


def test_duplicate_rows_for_one_member_and_task_are_summed():
    members, tasks, hours = fixture_frames()
    extra = pd.DataFrame({"member_id": ["M2", "M4"], "task_id": ["T2", "T2"], "hours": [10.0, 0.0],
                          "role": ["副担当", "対応可"]})
    client = gyomu.make_client(members, tasks, pd.concat([hours, extra], ignore_index=True),
                               grades=["G1", "G2", "G3"])
    spread = w.task_spread(client).set_index("task_id")
    assert spread.loc["T2", "hours"] == 70 and spread.loc["T2", "n_working"] == 1
    assert spread.loc["T2", "n_covering"] == 2  # M4's second T2 row is 対応可
    assert w.hours_by_member(client).set_index("member_id").loc["M2", "n_tasks"] == 2
    assert gyomu.kpis(client)["person_dependent_share"] == pytest.approx(60 / 280)


@pytest.mark.parametrize("seed", range(5))
def test_invariants_on_random_surveys(seed):
    from gyomu.synthetic import random_survey

    client = random_survey(30, 25, 200, seed=seed)
    k = gyomu.kpis(client)
    t = w.all_tables(client)
    total = k["total_hours"]
    for name in ("hours_by_grade", "hours_by_member", "hours_by_category", "hours_by_purpose", "hours_by_kind"):
        assert t[name]["hours"].sum() == pytest.approx(total), name
    assert t["grade_category_hours"].to_numpy().sum() == pytest.approx(total)
    assert t["member_category_hours"].to_numpy().sum() == pytest.approx(total)
    assert t["grade_difficulty_hours"].to_numpy().sum() == pytest.approx(total)
    for key, value in k.items():
        if key.endswith("_share"):
            assert 0 <= value <= 1, key
    assert 1 <= k["truck_factor"] <= len(client.members)
    dependent = t["person_dependent_tasks"]["hours"].sum()
    assert dependent == pytest.approx(k["person_dependent_share"] * total)
    # each person-dependent task is left uncovered by exactly one member leaving
    assert t["resignation_risk"]["orphaned_hours"].sum() == pytest.approx(dependent)
    assert t["delegation"]["delegable_hours"].sum() == pytest.approx(k["delegable_share"] * total)
    assert t["pareto"]["cum_share"].iloc[-1] == pytest.approx(1.0)
    assert k["overloaded_members"] == int(t["utilization"]["overloaded"].sum())

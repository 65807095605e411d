"""Consolidation assessment and the hand-off model against hand-computed values."""

from __future__ import annotations

from pathlib import Path

import pytest
from _workload_fixture import fixture_client

import gyomu
from gyomu.consolidation import (
    DEFAULT_HANDOFF,
    VERDICTS,
    assess_consolidation,
    consolidation_scenarios,
    consolidation_summary,
    describe_consolidation,
    handoff_hours,
)

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample"

# fixed 2 + 0.5 per member doing it + hours × (0.05 + surcharges)
HANDOFF = {
    "T1": 2 + 0.5 * 4 + 100 * 0.05,  # 定型, 可, 有 → 9.0
    "T2": 2 + 0.5 + 60 * (0.05 + 0.15 + 0.10 + 0.05),  # 非定型, 一部可, 無 → 23.5
    "T3": 2 + 0.5 + 30 * (0.05 + 0.30 + 0.25 + 0.05),  # 突発, 不可, 無 → 22.0
    "T4": 2 + 0.5 + 60 * (0.05 + 0.15 + 0.10 + 0.10 + 0.025),  # 非定型, 一部可, 難易度5, blank → 28.0
    "T5": 2 + 0.5 + 20 * (0.05 + 0.10),  # 定型, 可, 難易度4, 有 → 5.5
}


def test_handoff_hours_by_hand():
    result = handoff_hours(fixture_client())
    assert result.index.name == "task_id"
    assert result.to_dict() == pytest.approx(HANDOFF)


def test_handoff_hours_subset_and_parameters():
    client = fixture_client()
    sub = handoff_hours(client, ["T5", "T1"])
    assert sub.index.tolist() == ["T5", "T1"]
    assert handoff_hours(client, ["T1"], fixed=0, per_member=1.0, rate=0.1)["T1"] == pytest.approx(4 + 10)
    with pytest.raises(KeyError):
        handoff_hours(client, ["T9"])
    with pytest.raises(TypeError):
        handoff_hours(client, bogus=1)
    assert set(DEFAULT_HANDOFF) >= {"fixed", "per_member", "rate"}


def test_assessment_by_hand():
    a = assess_consolidation(fixture_client()).set_index("task_id")
    assert a.index.tolist() == ["T1", "T5", "T2", "T3", "T4"]  # by net gain
    # T1: 定型, 4 members (HHI 0.30), 100 h, 難易度1, リモート可, マニュアル有
    assert a.loc["T1", "score"] == pytest.approx(0.25 + 0.15 + 0.2 * 0.7 + 0.15 + 0.15 + 0.1)
    assert a.loc["T1", "gross_saved"] == pytest.approx(100 * (0.1 + 0.2 * 0.7 + 0.1))
    assert a.loc["T1", "handoff_hours"] == pytest.approx(9.0)
    assert a.loc["T1", "net_gain"] == pytest.approx(34 - 9)
    assert a.loc["T1", "verdict"] == "集約推奨"
    assert "定型業務" in a.loc["T1", "reasons"] and "4名に分散" in a.loc["T1", "reasons"]
    # T2: one person, 非定型, マニュアル無 → small saving, big hand-off
    assert a.loc["T2", "score"] == pytest.approx(0.25 * 0.4 + 0.15 + 0.15 * 0.75 + 0.15 * 0.5)
    assert a.loc["T2", "net_gain"] == pytest.approx(60 * 0.14 - 23.5)
    assert a.loc["T2", "verdict"] == "現場に残す"
    assert "引き継ぎ工数23.5時間が削減8.4時間を上回る" in a.loc["T2", "reasons"]
    assert "リモート不可" in a.loc["T3", "reasons"]  # needs presence
    assert "判断を要する(難易度5・非定型)" in a.loc["T4", "reasons"]
    # T5: good score (0.6125) but 20 h by one person cannot repay the hand-off
    assert a.loc["T5", "score"] == pytest.approx(0.6125)
    assert a.loc["T5", "net_gain"] == pytest.approx(4 - 5.5)
    assert a.loc["T5", "verdict"] == "現場に残す"
    assert (a["net_gain"] == a["gross_saved"] - a["handoff_hours"]).all()


def test_parameters_change_verdicts():
    client = fixture_client()
    cheap = assess_consolidation(client, handoff={"fixed": 0, "per_member": 0}).set_index("task_id")
    assert cheap.loc["T5", "net_gain"] == pytest.approx(4 - 3)
    assert cheap.loc["T5", "verdict"] == "集約推奨"  # score 0.6125 ≥ 0.6, net 1 ≥ 1
    strict = assess_consolidation(client, handoff={"fixed": 0, "per_member": 0},
                                  thresholds={"recommend": 0.7}).set_index("task_id")
    assert strict.loc["T5", "verdict"] == "要検討"
    assert "推奨水準0.70未満" in strict.loc["T5", "reasons"]
    flat = assess_consolidation(client, weights={"routine": 1, "volume": 0, "fragmentation": 0,
                                                 "ease": 0, "remote": 0, "documented": 0})
    assert flat.set_index("task_id")["score"].to_dict() == pytest.approx(
        {"T1": 1.0, "T2": 0.4, "T3": 0.0, "T4": 0.4, "T5": 1.0})


def test_consolidating_everything_never_comes_out_best():
    a = assess_consolidation(fixture_client())
    scenarios = consolidation_scenarios(a).set_index("scenario")
    assert scenarios.loc["集約推奨のみ集約", "net_gain"] == pytest.approx(25)
    assert scenarios.loc["全業務を集約", "net_gain"] == pytest.approx(25 - 15.1 - 19 - 19.6 - 1.5)
    assert scenarios["net_gain"].idxmax() != "全業務を集約"
    summary = consolidation_summary(a)
    assert summary["n_tasks"].to_dict() == {"集約推奨": 1, "要検討": 0, "現場に残す": 4}
    text = describe_consolidation(a)
    assert "5業務のうち集約推奨は1業務(月100時間)" in text and "月25.0時間" in text


@pytest.mark.parametrize("sample", ["kasou-denki", "project-office"])
def test_sample_clients_keep_some_tasks_in_the_field(sample):
    client = gyomu.load_client(SAMPLES / sample)
    a = assess_consolidation(client)
    assert set(a["verdict"]) <= set(VERDICTS)
    assert (a["verdict"] == "現場に残す").any() and (a["verdict"] == "集約推奨").any()
    scenarios = consolidation_scenarios(a).set_index("scenario")["net_gain"]
    assert scenarios["全業務を集約"] < scenarios.max()
    assert a["reasons"].str.len().min() > 0
    ids = a["task_id"].head(3).tolist()
    assert handoff_hours(client, ids).to_numpy() == pytest.approx(a["handoff_hours"].head(3).to_numpy())


def test_japanese_headers_are_distinct():
    from gyomu.labels import to_japanese

    ja = to_japanese(assess_consolidation(fixture_client()))
    assert ja.columns.is_unique
    assert {"判定", "理由", "純効果(時間/月)", "引き継ぎ工数(時間/月)", "実施人数"} <= set(ja.columns)

"""Consolidation assessment and the hand-off model against hand-computed values."""

from __future__ import annotations

import pytest
from _workload_fixture import fixture_client

from gyomu.consolidation import DEFAULT_HANDOFF, handoff_hours

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

"""Agreement: kappa and alpha against published values; auto vs human precision/recall."""

import math

import numpy as np
import pandas as pd
import pytest

from gyomu.agreement import agreement, auto_vs_human, coded_units, cohen_kappa, krippendorff_alpha

nan = np.nan


def test_krippendorff_2011_nominal_example():
    # Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", 4 observers, 12 units, nominal: 0.743
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_2011_binary_two_observers():
    # same paper, binary data, two observers: alpha = 1 - 19*4/(14*6) = 0.095
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha([a, b]) == pytest.approx(1 - 19 * 4 / 84)
    assert krippendorff_alpha([a, a]) == 1.0


def test_cohen_kappa_textbook():
    # 50 units: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    a = [1] * 25 + [0] * 25
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa([1, 0, 1], [1, 0, 1]) == 1.0
    assert math.isnan(cohen_kappa([0, 0], [0, 0]))


SEGMENTS = pd.DataFrame({"segment_id": ["A-001", "A-002", "A-003", "A-004", "B-001", "B-002"],
                         "interview_id": ["A"] * 4 + ["B"] * 2})
BOOK = pd.DataFrame({"code": ["X", "Y"]})
CODING = pd.DataFrame({
    "segment_id": ["A-001", "A-002", "A-001", "A-003", "A-002", "B-001"],
    "code": ["X", "Y", "X", "X", "Y", "X"],
    "coder": ["a", "a", "b", "b", "b", "a"],
})


def test_units_are_interviews_both_coders_started():
    assert list(coded_units(SEGMENTS, CODING, ["a", "b"])) == ["A-001", "A-002", "A-003", "A-004"]
    assert list(coded_units(SEGMENTS, CODING, ["a"])) == list(SEGMENTS["segment_id"])


def test_agreement_by_hand():
    table, alpha = agreement(SEGMENTS, CODING, BOOK, "a", "b")
    x = table.set_index("code")
    # X over A-001..004: a = 1,0,0,0  b = 1,0,1,0 -> po 3/4, pe = .25*.5 + .75*.5 = .5, kappa .5
    assert x.loc["X", ["units", "count_a", "count_b", "both"]].tolist() == [4, 1, 2, 1]
    assert x.loc["X", "observed"] == 0.75 and x.loc["X", "kappa"] == pytest.approx(0.5)
    assert x.loc["Y", "kappa"] == 1.0
    # alpha over the 8 (segment, code) units: one disagreement; n0 = 11, n1 = 5, n = 16
    assert alpha == pytest.approx(1 - 15 * 2 / (2 * 11 * 5))


def test_auto_vs_human_precision_recall():
    auto = pd.DataFrame({"segment_id": ["A-001", "A-004", "B-002", "A-002"], "code": ["X", "X", "X", "X"]})
    table = auto_vs_human(SEGMENTS, auto, CODING, BOOK, "a").set_index("code")
    # units: all six segments (coder a started A and B); human X at A-001, B-001; auto X at, B-002, A-002
    assert table.loc["X", ["auto", "human", "true_positive"]].tolist() == [4, 2, 1]
    assert table.loc["X", "precision"] == 0.25 and table.loc["X", "recall"] == 0.5
    assert table.loc["X", "f1"] == pytest.approx(2 * 0.25 * 0.5 / 0.75)
    assert math.isnan(table.loc["Y", "precision"]) and table.loc["Y", "recall"] == 0.0

"""gap_table / maturity_gaps: directions, verdicts and ranking on hand-computed fixtures."""

from __future__ import annotations

import pytest
from gap_fixtures import client

import gyomu
from gyomu import SurveyError, Target
from gyomu.gap import evaluate_targets, format_kpi, gap_summary, maturity_gaps


def test_at_least_target_short_and_met():
    targets = {"strategic_share": Target("strategic_share", 0.30, "at_least")}
    short = evaluate_targets({"strategic_share": 0.25}, targets).iloc[0]
    assert short["gap"] == pytest.approx(0.05)
    assert not short["achieved"]
    met = evaluate_targets({"strategic_share": 0.35}, targets).iloc[0]
    assert met["gap"] == pytest.approx(-0.05)
    assert met["achieved"]
    exact = evaluate_targets({"strategic_share": 0.1 + 0.2}, targets).iloc[0]  # 0.30000000000000004
    assert exact["achieved"]


def test_at_most_target_short_and_met():
    targets = {"person_dependent_share": Target("person_dependent_share", 0.10, "at_most")}
    short = evaluate_targets({"person_dependent_share": 0.40}, targets).iloc[0]
    assert short["gap"] == pytest.approx(0.30)
    assert not short["achieved"]
    met = evaluate_targets({"person_dependent_share": 0.05}, targets).iloc[0]
    assert met["gap"] == pytest.approx(-0.05)
    assert met["achieved"]


def test_gap_table_on_fixture_uses_real_kpis():
    table = gyomu.gap_table(client())
    assert list(table.columns) == ["kpi", "label", "current", "target", "direction", "gap", "achieved"]
    rows = table.set_index("kpi")
    # strategic: T3 50h of 200h
    assert rows.loc["strategic_share", "current"] == pytest.approx(0.25)
    assert rows.loc["strategic_share", "gap"] == pytest.approx(0.05)
    assert not rows.loc["strategic_share", "achieved"]
    # person-dependent: T2 (A only) 30h + T3 (C only) 50h; T4 is covered by B and C's 対応可 row
    assert rows.loc["person_dependent_share", "current"] == pytest.approx(0.40)
    assert rows.loc["person_dependent_share", "direction"] == "at_most"
    assert rows.loc["person_dependent_share", "achieved"]
    assert rows.loc["total_hours", "gap"] == pytest.approx(50.0)
    assert rows.loc["strategic_share", "label"] == "戦略業務比率"


def test_gap_table_without_vision_is_empty():
    table = gyomu.gap_table(client(with_vision=False))
    assert table.empty
    assert "achieved" in table.columns


def test_unknown_kpi_in_targets_is_a_japanese_problem():
    with pytest.raises(SurveyError) as err:
        evaluate_targets({"strategic_share": 0.2}, {"happiness": Target("happiness", 1.0, "at_least")})
    text = str(err.value)
    assert "vision.yml" in text and "happiness" in text and "strategic_share" in text


def test_maturity_gaps_ranked_largest_first():
    table = maturity_gaps(client())
    assert table["dimension"].tolist() == ["戦略性", "業務標準化", "情報共有"]
    assert table["gap"].tolist() == [3.0, 2.0, 0.0]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["achieved"].tolist() == [False, False, True]
    assert maturity_gaps(client(with_vision=False)).empty
    from gyomu.gap import maturity_display

    shown = maturity_display(table)
    assert shown["current"].tolist() == [1, 2, 3] and shown["achieved"].tolist() == ["未達", "未達", "達成"]


def test_summary_and_format():
    table = gyomu.gap_table(client())
    text = gap_summary(table)
    assert "3件の目標のうち1件" in text
    assert format_kpi("strategic_share", 0.25) == "25.0%"
    assert format_kpi("truck_factor", 2.0) == "2人"
    assert format_kpi("strategic_share", float("nan")) == "—"


def test_vision_help_example_is_a_valid_vision_for_this_survey():
    import re

    import yaml

    from gyomu.gap import vision_help_markdown
    from gyomu.vision import check_vision, parse_vision

    c = client(with_vision=False)
    text = vision_help_markdown(c)
    assert "vision.yml" in text and "targets" in text and "measures" in text
    example = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    vision, problems = parse_vision(yaml.safe_load(example))
    assert not [p for p in problems if p.level == "error"]
    assert not [p for p in check_vision(vision, c.tasks) if p.level == "error"]
    assert vision.measures[0].tasks == ["T1", "T2"]
    assert vision.targets["strategic_share"].target == pytest.approx(0.35)  # current 25 % + 10 pt


def test_kpi_display_formats_by_kpi():
    from gyomu.gap import kpi_display

    shown = kpi_display(gyomu.gap_table(client())).set_index("label")
    assert shown.loc["戦略業務比率", "current"] == "25.0%"
    assert shown.loc["戦略業務比率", "gap"] == "+5.0pt"
    assert shown.loc["戦略業務比率", "direction"] == "以上を目指す"
    assert shown.loc["属人化業務比率", "achieved"] == "達成"
    assert shown.loc["総工数(時間/月)", "gap"] == "+50.0時間/月"


def test_gap_evidence_links_open_gaps_to_interview_codes():
    import pandas as pd

    from gyomu.gap import gap_evidence

    issues = pd.DataFrame({
        "code": ["業務過多", "属人化", "戦略的取組の不足"],
        "interviewees": [2, 5, 3],
        "quote": ["「手が回らない」 / 「残業続き」", "「あの人しか分からない」", None],
    })
    table = gap_evidence(gyomu.gap_table(client()), issues)
    # open gaps: strategic_share (0.25 < 0.30) and total_hours (200 > 150); person-dependency is met
    assert table["label"].tolist() == ["戦略業務比率", "総工数(時間/月)"]
    strategic = table.iloc[0]
    assert strategic["evidence"] == "戦略的取組の不足(3人)・業務過多(2人)"
    assert strategic["quote"] == ""  # the most raised related code has no quote
    assert table.iloc[1]["evidence"] == "業務過多(2人)"
    assert table.iloc[1]["quote"] == "「手が回らない」"
    assert table.iloc[0]["current"] == "25.0%"
    empty = gap_evidence(gyomu.gap_table(client()), issues.iloc[0:0])
    assert empty["evidence"].tolist() == ["", ""]

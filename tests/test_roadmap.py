"""Roadmap table, monthly plan and summary on the fixture measures."""

from __future__ import annotations

import pandas as pd
import pytest
from gap_fixtures import client

from gyomu import Measure, SurveyError
from gyomu.roadmap import monthly_plan, roadmap_summary, roadmap_table


def test_roadmap_table_sorted_with_freed_hours():
    table = roadmap_table(client())
    assert table["measure"].tolist() == ["郵便物の外部委託", "庶務の標準化"]
    first = table.iloc[0]
    assert first["start"] == pd.Period("2027-01", "M")
    assert first["months"] == 3
    assert first["scope"] == "業務 T1"
    assert first["freed_hours"] == pytest.approx(30.0)
    assert table.iloc[1]["scope"] == "大分類「庶務」"
    assert table.iloc[1]["freed_hours"] == pytest.approx(12.0)


def test_monthly_plan_counts_measures_per_owner():
    measures = [
        Measure("a", "廃止", 1.0, tasks=["T1"], start=pd.Period("2027-03", "M"), end=pd.Period("2027-04", "M"),
                owner="課長"),
        Measure("b", "廃止", 1.0, tasks=["T2"], start=pd.Period("2027-01", "M"), end=pd.Period("2027-03", "M"),
                owner="課長"),
        Measure("c", "廃止", 1.0, tasks=["T2"], owner=None),
    ]
    table = roadmap_table(measures)
    assert table["measure"].tolist() == ["b", "a", "c"]
    assert table.iloc[2]["owner"] == "未定"
    plan = monthly_plan(table)
    assert plan.loc["課長"].tolist() == [1, 1, 2, 1]
    text = roadmap_summary(table)
    assert "2027年3月(2件)" in text and "未定の施策が1件" in text
    with pytest.raises(SurveyError, match="start"):
        roadmap_table(measures, strict=True)


def test_end_before_start_is_reported():
    m = Measure("逆転", "廃止", 1.0, tasks=["T1"], start=pd.Period("2027-05", "M"), end=pd.Period("2027-01", "M"))
    with pytest.raises(SurveyError) as err:
        roadmap_table([m], strict=True)
    assert "逆転" in str(err.value) and "end" in str(err.value)


def test_no_vision_gives_empty_roadmap():
    table = roadmap_table(client(with_vision=False))
    assert table.empty
    assert "measures" in roadmap_summary(table)


def test_display_names_months_and_missing_dates():
    from gyomu.roadmap import roadmap_display

    measures = [Measure("a", "廃止", 1.0, tasks=["T1"], start=pd.Period("2027-03", "M"),
                        end=pd.Period("2028-01", "M")), Measure("b", "廃止", 1.0, tasks=["T2"])]
    shown = roadmap_display(roadmap_table(measures))
    assert shown["start"].tolist() == ["2027年3月", "未定"]
    assert shown["end"].tolist() == ["2028年1月", "未定"]
    assert shown["months"].tolist() == [11, ""]

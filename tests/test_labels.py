"""One English column name reads the same in Japanese in every table."""

from __future__ import annotations

import importlib
import pkgutil

import pandas as pd

import gyomu
from gyomu import labels


def test_every_module_agrees_on_the_japanese_label_of_each_column():
    for module in pkgutil.iter_modules(gyomu.__path__):
        importlib.import_module(f"gyomu.{module.name}")
    assert labels.CONFLICTS == []


def test_a_second_different_label_is_recorded_not_applied():
    before = len(labels.CONFLICTS)
    labels.register({"total_hours": "別の名前"})
    try:
        assert labels.label("total_hours") == "総工数(時間/月)"
        assert labels.CONFLICTS[-1] == ("total_hours", "総工数(時間/月)", "別の名前")
    finally:
        del labels.CONFLICTS[before:]


def test_to_japanese_renames_columns_and_index():
    df = pd.DataFrame({"hours": [1.0]}, index=pd.Index(["M01"], name="member_id"))
    ja = labels.to_japanese(df)
    assert list(ja.columns) == ["月間工数"] and ja.index.name == "メンバーID"

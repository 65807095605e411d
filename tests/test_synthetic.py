"""Synthetic surveys: valid, reproducible, unique pairs, and written folders load back."""

from __future__ import annotations

import importlib.util

import pandas as pd
import pytest

from gyomu import Client
from gyomu.synthetic import random_frames, random_survey, write_client_folder

needs_intake = pytest.mark.skipif(
    importlib.util.find_spec("gyomu.intake") is None, reason="gyomu.intake はまだありません"
)


def test_random_survey_is_valid_and_reproducible():
    a = random_survey(50, 30, 600, seed=7)
    b = random_survey(50, 30, 600, seed=7)
    assert isinstance(a, Client)
    assert (len(a.members), len(a.tasks), len(a.hours)) == (50, 30, 600)
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    assert not a.hours["hours"].equals(random_survey(50, 30, 600, seed=8).hours["hours"])
    h = a.hours
    assert not h.duplicated(["member_id", "task_id"]).any()
    assert set(h["member_id"]) == set(a.members["member_id"])  # everyone has a row
    assert set(h["member_id"]) <= set(a.members["member_id"])
    assert set(h["task_id"]) <= set(a.tasks["task_id"])
    assert (h["hours"] >= 0).all()
    assert (h.loc[h["role"] == "対応可", "hours"] == 0).all()
    by_times = h["times_per_month"].notna()
    assert by_times.any() and (~by_times).any()
    assert (h.loc[by_times, "hours"] == h.loc[by_times, "times_per_month"] * h.loc[by_times, "hours_per_time"]).all()
    assert list(a.members["grade"].cat.categories) == ["G1", "G2", "G3", "G4", "G5"]
    assert a.tasks["difficulty"].isin([1, 2, 3, 4, 5]).all()


def test_unique_pairs_when_dense_and_error_when_impossible():
    _m, _t, h = random_frames(5, 4, 20, seed=1)  # every pair exactly once
    assert len(h.drop_duplicates(["member_id", "task_id"])) == 20
    with pytest.raises(ValueError):
        random_frames(5, 4, 21)


def test_custom_grades():
    c = random_survey(20, 10, 60, seed=2, grades=["一般", "主任", "課長"])
    assert list(c.members["grade"].cat.categories) == ["一般", "主任", "課長"]
    assert c.members["grade"].notna().all()


@needs_intake
@pytest.mark.parametrize(("fmt", "encoding"), [("xlsx", "utf-8"), ("csv", "cp932"), ("csv", "utf-8-sig")])
def test_written_folder_loads_back_identically(tmp_path, fmt, encoding):
    import gyomu

    client = random_survey(40, 25, 300, seed=11, grades=["一般", "主任", "係長", "課長"])
    folder = write_client_folder(client, tmp_path / "synthetic-11", fmt, encoding=encoding)
    assert (folder / "client.yml").exists()
    back = gyomu.load_client(folder)
    assert back.config.grades == client.config.grades
    assert back.config.name == client.config.name
    for name in ("members", "tasks", "hours"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(client, name))


@needs_intake
def test_many_generated_clients_load(tmp_path):
    import gyomu

    for seed in range(20):
        fmt = "csv" if seed % 2 else "xlsx"
        folder = write_client_folder(random_survey(6, 12, 30, seed=seed), tmp_path / f"c-{seed}", fmt)
        assert len(gyomu.load_client(folder).hours) == 30

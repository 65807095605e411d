"""The small hand-computed survey shared by the workload tests (4 members, 5 tasks).

Totals worked out by hand (hours/month):
T1 100 (M1 10, M2 30, M3 20, M4 40; 4 coverers), T2 60 (M2 only; M4 has a 0-hour 副担当 row,
which does not cover), T3 30 (M3 = 6 × 5 h; M4 対応可 → 2 coverers), T4 60 (M1 only),
T5 20 (M1; M2 対応可 → 2 coverers). Total 270. Members: M1 90 (G3), M2 90 (G2), M3 50 (G1,
capacity 40), M4 40 (G1, capacity blank → 160).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import gyomu


def fixture_frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    members = pd.DataFrame(
        {
            "member_id": ["M1", "M2", "M3", "M4"],
            "name": ["青木 一郎", "井上 花子", "上田 次郎", "江藤 三奈"],
            "grade": ["G3", "G2", "G1", "G1"],
            "team": ["総務課", "総務課", "庶務係", "庶務係"],
            "capacity_hours": [160.0, 160.0, 40.0, np.nan],
        }
    )
    tasks = pd.DataFrame(
        {
            "task_id": ["T1", "T2", "T3", "T4", "T5"],
            "category": ["庶務", "庶務", "施設管理", "総務企画", "総務企画"],
            "task": ["郵便物の仕分け", "備品発注", "設備点検の立会い", "中期計画の策定", "社内規程の改定"],
            "purpose": ["運用", "管理", "運用", "戦略", "改善"],
            "kind": ["定型", "非定型", "突発", "非定型", "定型"],
            "difficulty": [1, 2, 3, 5, 4],
            "remote": ["可", "一部可", "不可", "一部可", "可"],
            "outsourcing": ["可", "不可", "一部可", "不可", "一部可"],
            "manual": ["有", "無", "無", None, "有"],
        }
    )
    hours = pd.DataFrame(
        {
            "member_id": ["M1", "M1", "M1", "M2", "M2", "M2", "M3", "M3", "M4", "M4", "M4"],
            "task_id": ["T1", "T4", "T5", "T1", "T2", "T5", "T1", "T3", "T1", "T2", "T3"],
            "hours": [10, 60, 20, 30, 60, 0, 20, np.nan, 40, 0, 0],
            "times_per_month": [np.nan] * 7 + [6, np.nan, np.nan, np.nan],
            "hours_per_time": [np.nan] * 7 + [5, np.nan, np.nan, np.nan],
            "role": ["主担当", "主担当", "主担当", "主担当", "主担当", "対応可", "副担当", "主担当",
                     "主担当", "副担当", "対応可"],
        }
    )
    return members, tasks, hours


def fixture_client() -> gyomu.Client:
    members, tasks, hours = fixture_frames()
    return gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3"], capacity_hours=160)

"""Small hand-checkable client shared by the gap / simulate / reallocation / waves tests."""

from __future__ import annotations

import pandas as pd

from gyomu import Measure, Target, Vision, make_client


def members() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": ["A", "B", "C"],
            "name": ["青木 一郎", "佐藤 花子", "田中 次郎"],
            "grade": ["G1", "G2", "G3"],
            "capacity_hours": [160.0, 160.0, 160.0],
        }
    )


def tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task_id": ["T1", "T2", "T3", "T4"],
            "category": ["庶務", "庶務", "総務企画", "契約・購買"],
            "task": ["郵便物仕分け", "備品発注", "中期計画策定", "契約書確認"],
            "purpose": ["運用", "管理", "戦略", "運用"],
            "kind": ["定型", "定型", "非定型", "突発"],
            "difficulty": [1, 2, 4, 3],
            "remote": ["可", "不可", "一部可", "不可"],
            "outsourcing": ["可", "一部可", "不可", "不可"],
            "manual": ["無", "有", "無", "無"],
        }
    )


def hours() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "member_id": ["A", "B", "A", "C", "B", "C"],
            "task_id": ["T1", "T1", "T2", "T3", "T4", "T4"],
            "hours": [40.0, 20.0, 30.0, 50.0, 60.0, 0.0],
            "role": ["主担当", "副担当", "主担当", "主担当", "主担当", "対応可"],
        }
    )


def vision(measures: list[Measure] | None = None) -> Vision:
    return Vision(
        targets={
            "strategic_share": Target("strategic_share", 0.30, "at_least"),
            "person_dependent_share": Target("person_dependent_share", 0.50, "at_most"),
            "total_hours": Target("total_hours", 150.0, "at_most"),
        },
        maturity=pd.DataFrame(
            {
                "dimension": ["業務標準化", "情報共有", "戦略性"],
                "current": [2, 3, 1],
                "target": [4, 3, 4],
            }
        ),
        measures=measures
        if measures is not None
        else [
            Measure("郵便物の外部委託", "外部委託", 0.5, tasks=["T1"],
                    start=pd.Period("2027-01", "M"), end=pd.Period("2027-03", "M"), owner="総務課長"),
            Measure("庶務の標準化", "標準化", 0.2, category="庶務",
                    start=pd.Period("2027-02", "M"), end=pd.Period("2027-06", "M"), owner="主任"),
        ],
    )


def client(with_vision: bool = True, **kwargs):
    return make_client(
        members(), tasks(), hours(), grades=["G1", "G2", "G3"],
        vision=vision() if with_vision else None, **kwargs,
    )

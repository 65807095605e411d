"""Pseudonyms are one-to-one, stable, and reach texts and earlier survey rounds."""

from __future__ import annotations

import pandas as pd

import gyomu
from gyomu.anonymization import anonymize, mask_text, pseudonym


def _client():
    members = pd.DataFrame(
        {"member_id": ["M02", "M01", "M03"], "name": ["山田 花子", "佐藤 一郎", "鈴木 次郎"],
         "grade": ["G1", "G2", "G3"]}
    )
    tasks = pd.DataFrame(
        {"task_id": ["T1"], "category": ["庶務"], "task": ["郵便物の仕分け"], "kind": ["定型"],
         "difficulty": [1], "remote": ["不可"], "outsourcing": ["可"]}
    )
    hours = pd.DataFrame({"member_id": ["M01", "M02", "M03"], "task_id": ["T1"] * 3, "hours": [1.0, 2.0, 3.0]})
    client = gyomu.make_client(members, tasks, hours, grades=["G1", "G2", "G3"])
    client.segments = pd.DataFrame(
        {"interview_id": ["I01"], "segment_id": ["I01-001"], "position": [1], "speaker": ["A"],
         "respondent": ["M02"], "role": ["総務メンバー"], "text": ["山田さんと佐藤 一郎さんしか分かりません"]}
    )
    old_members = pd.DataFrame(
        {"member_id": ["M01", "M09"], "name": ["佐藤 一郎", "高橋 三郎"], "grade": ["G2", "G3"]}
    )
    client.history = {"2025-10": gyomu.make_client(old_members, tasks, hours.iloc[:1], grades=["G1", "G2", "G3"])}
    return client


def test_pseudonym_sequence():
    assert [pseudonym(i) for i in (0, 1, 25, 26, 27)] == ["担当A", "担当B", "担当Z", "担当AA", "担当AB"]


def test_names_become_stable_one_to_one_pseudonyms_everywhere():
    client = _client()
    anon = anonymize(client)
    assert dict(zip(anon.members["member_id"], anon.members["name"], strict=True)) == {
        "M02": "担当B", "M01": "担当A", "M03": "担当C"}
    assert anon.segments.loc[0, "text"] == "担当Bさんと担当Aさんしか分かりません"
    assert anon.segments.loc[0, "respondent"] == "担当B"
    old = anon.history["2025-10"].members.set_index("member_id")["name"]
    assert old.to_dict() == {"M01": "担当A", "M09": "担当D"}  # a leaver gets a letter of their own
    assert anon.config.anonymize is True
    assert client.members.loc[0, "name"] == "山田 花子"  # the original is untouched


def test_mask_text_leaves_other_text_alone():
    assert mask_text("特に問題ありません", {"山田 花子": "担当A"}) == "特に問題ありません"

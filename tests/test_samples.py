"""The two sample clients: reproducible generation, and what each one must show."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from gyomu import schema
from gyomu.samples import KASOU_DENKI, PROJECT_OFFICE, generate, kasou_denki, project_office

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
needs_intake = pytest.mark.skipif(
    importlib.util.find_spec("gyomu.intake") is None, reason="gyomu.intake はまだありません"
)


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "generate.py" and "__pycache__" not in p.parts
    }


def test_regeneration_reproduces_the_committed_files_byte_for_byte(tmp_path):
    generate(tmp_path)
    fresh, committed = _files(tmp_path), _files(SAMPLE)
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], f"再生成で内容が変わったファイル: {changed}"


def test_generate_script_runs_and_writes_both_clients(tmp_path):
    # The script writes next to itself; run a copy so the repository stays untouched.
    script = tmp_path / "generate.py"
    script.write_text((SAMPLE / "generate.py").read_text(encoding="utf-8"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert "kasou-denki" in result.stdout
    assert (tmp_path / "kasou-denki" / "survey.xlsx").read_bytes() == (
        SAMPLE / "kasou-denki" / "survey.xlsx"
    ).read_bytes()
    assert (tmp_path / "project-office" / "tasks.csv").exists()


def test_other_seed_gives_other_hours():
    a, b = kasou_denki(1), kasou_denki(2)
    assert not a.hours["hours"].equals(b.hours["hours"])
    assert a.tasks.equals(b.tasks)


def _covers(hours: pd.DataFrame) -> pd.Series:
    return hours[(hours["hours"] > 0) | (hours["role"] == "対応可")].groupby("task_id", observed=True)[
        "member_id"
    ].nunique()


@pytest.fixture(scope="module")
def kd():
    import gyomu

    return gyomu.load_client(SAMPLE / KASOU_DENKI)


@pytest.fixture(scope="module")
def po():
    import gyomu

    return gyomu.load_client(SAMPLE / PROJECT_OFFICE)


@needs_intake
def test_kasou_denki_survey(kd):
    assert kd.client_id == "kasou-denki"
    assert kd.warnings == []
    m, t, h = kd.members, kd.tasks, kd.hours
    assert len(m) == 7
    assert list(m["grade"].cat.categories) == ["G1", "G2", "G3", "G4", "G5"]
    assert set(m["grade"]) == {"G1", "G2", "G3", "G4", "G5"}
    assert set(m["employment"]) == {"正社員", "契約社員", "パート"}
    assert len(t) >= 45
    assert set(t["category"]) == {"庶務", "施設管理", "契約・購買", "経理連携", "人事労務", "文書管理", "総務企画"}
    assert set(t["purpose"]) == {"戦略", "改善", "運用", "管理"}
    for col in ("kind", "remote", "outsourcing", "frequency", "manual"):
        assert t[col].notna().all() and t[col].nunique() >= 2, col
    assert t["difficulty"].nunique() == 5
    assert not h.duplicated(["member_id", "task_id"]).any()
    # both ways of giving hours occur, and 回数 × 1回あたり時間 was applied
    by_times = h["times_per_month"].notna()
    assert 10 <= by_times.sum() < len(h) - 10
    assert (h.loc[by_times, "hours"] == h.loc[by_times, "times_per_month"] * h.loc[by_times, "hours_per_time"]).all()
    # trained backups: 対応可 with no hours
    backups = h[h["role"] == "対応可"]
    assert len(backups) >= 5 and (backups["hours"] == 0).all()
    # person-dependent tasks (one coverer), and every task covered by someone
    covers = _covers(h)
    assert set(covers.index) == set(t["task_id"])
    assert (covers == 1).sum() >= 5
    # realistic months: one member over capacity, nobody absurd
    load = h.groupby("member_id")["hours"].sum() / m.set_index("member_id")["capacity_hours"]
    assert (load > 1.0).sum() == 1
    assert load.between(0.7, 1.4).all()
    assert h.groupby("member_id")["hours"].sum().between(90, 200).all()
    # senior grades doing easy work (delegable hours exist)
    senior = h.merge(m, on="member_id").merge(t, on="task_id")
    easy_senior = senior[senior["grade"].isin(["G4", "G5"]) & (senior["difficulty"].astype(int) <= 2)]
    assert easy_senior["hours"].sum() > 20


@needs_intake
def test_kasou_denki_interviews_coding_vision_history(kd):
    files = sorted(p.name for p in (SAMPLE / KASOU_DENKI / "interviews").iterdir())
    assert files == ["I01.md", "I02.md", "I03.md", "I04.md", "I05.md", "I06.md", "I07.txt"]
    assert set(kd.interviews["role"].dropna()) == {"経営", "組織長", "総務メンバー", "他部署"}
    seg = kd.segments
    assert seg["segment_id"].str.fullmatch(r"I0\d-\d{3}").all()
    assert seg.loc[seg["interview_id"] == "I07", "speaker"].isna().all()  # paragraphs
    assert len(seg[seg["interview_id"] == "I07"]) == 4
    assert {"聞き手", "藤井", "野口"} <= set(seg["speaker"].dropna())
    text = "\n".join(seg["text"])
    for phrase in ("追われて", "手が回らない", "残業", "属人化", "しか分からない", "辞めてしまいました", "テレワーク"):
        assert phrase in text, phrase
    # coding: two coders, only on segments that exist, with codes of the default codebook
    coding = kd.coding
    assert set(coding["coder"]) == {"coder_a", "coder_b"}
    assert set(coding["segment_id"]) <= set(seg["segment_id"])
    from gyomu.codebook import default_codebook

    assert set(coding["code"]) <= set(kd.codebook["code"])
    assert set(kd.codebook["code"]) == set(default_codebook()["code"]) | {"現場支援"}
    assert "現場支援" in set(coding["code"])
    both = coding.groupby("segment_id")["coder"].nunique()
    assert (both == 2).sum() >= 10
    # I02-006 is the 属人化 answer of the head of section (6th turn, Q and A both count)
    assert seg.set_index("segment_id").loc["I02-006", "text"].startswith("給与計算")
    assert ("I02-006", "属人化", "coder_a") in set(zip(coding["segment_id"], coding["code"], coding["coder"], strict=True))
    # vision
    v = kd.vision
    assert {"strategic_share", "person_dependent_share", "routine_share", "truck_factor", "max_utilization"} <= set(v.targets)
    assert v.targets["remote_share"].direction == "at_least"
    assert len(v.maturity) == 6
    assert 5 <= len(v.measures) <= 6
    assert {ms.action for ms in v.measures} == set(schema.ACTIONS)
    task_ids = set(kd.tasks["task_id"])
    for ms in v.measures:
        assert ms.start <= ms.end and ms.owner
        assert (ms.tasks and set(ms.tasks) <= task_ids) or ms.category in set(kd.tasks["category"])
    # history: an earlier round with fewer members
    old = kd.history["2025-10"]
    assert len(old.members) == 6 and "M07" not in set(old.members["member_id"])
    assert old.hours["hours"].sum() != kd.hours["hours"].sum()


@needs_intake
def test_project_office_is_csv_with_a_cp932_file_and_consolidation_measures(po):
    folder = SAMPLE / PROJECT_OFFICE
    assert not (folder / "survey.xlsx").exists()
    raw = (folder / "tasks.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp932").startswith("業務ID,")
    assert (folder / "members.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert po.warnings == []
    m, t, h = po.members, po.tasks, po.hours
    assert 8 <= len(m) <= 12 and len(t) >= 30
    assert list(m["grade"].cat.categories) == ["一般", "主任", "係長", "課長"]
    assert m["team"].nunique() >= 3
    assert m["employment"].str.startswith("派遣").sum() >= 3
    assert m["employment"].str.startswith("正社員").sum() >= 3
    assert {"稟議・契約", "請求・支払", "工数・予算", "集計・報告", "日程調整", "突発対応"} <= set(t["category"])
    assert h["times_per_month"].notna().any()
    assert len(po.interviews) >= 4
    assert sum(ms.action == "集約" for ms in po.vision.measures) >= 2
    assert po.history == {}
    assert po.config.anonymize is True


def test_sample_texts_are_fictional_and_name_no_real_company():
    # The two fictional company names appear; the company of the background text does not.
    for client_id in (KASOU_DENKI, PROJECT_OFFICE):
        config = yaml.safe_load((SAMPLE / client_id / "client.yml").read_text(encoding="utf-8"))
        assert config["name"].startswith("架空")
    everything = "\n".join(
        p.read_text(encoding="utf-8") for p in SAMPLE.rglob("*") if p.suffix in (".md", ".txt", ".yml")
    )
    for real in ("三浦電気", "ゼロイン", "ITセクレタリィ"):
        assert real not in everything


def test_frames_match_the_written_csv():
    po_sample = project_office()
    tasks = pd.read_csv(SAMPLE / PROJECT_OFFICE / "tasks.csv", encoding="cp932", dtype=str)
    assert tasks["業務ID"].tolist() == po_sample.tasks["task_id"].tolist()
    hours = pd.read_csv(SAMPLE / PROJECT_OFFICE / "hours.csv", encoding="utf-8", dtype=str)
    assert len(hours) == len(po_sample.hours)

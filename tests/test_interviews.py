"""Interview transcripts: both file forms, encodings, stable ids, broken files as Problems."""

from pathlib import Path

import pandas as pd

from gyomu.client import INTERVIEW_COLUMNS, SEGMENT_COLUMNS
from gyomu.interviews import read_interviews, segment_id, segment_text

FIX = Path(__file__).parent / "fixtures"


def test_turns_paragraphs_and_encodings():
    interviews, segments, problems = read_interviews(FIX / "interviews_basic" / "interviews")
    assert problems == []
    assert list(interviews.columns[: len(INTERVIEW_COLUMNS)]) == INTERVIEW_COLUMNS
    assert list(segments.columns) == SEGMENT_COLUMNS
    assert list(interviews["interview_id"]) == ["I01", "I02", "I03"]
    # I01: UTF-8 with front matter and Q/A turns (half- and full-width colons), heading skipped
    i01 = segments[segments["interview_id"] == "I01"]
    assert list(i01["segment_id"]) == ["I01-001", "I01-002", "I01-003", "I01-004"]
    assert list(i01["speaker"]) == ["Q", "A", "Q", "A"]
    assert i01["text"].iloc[1] == "正直なところ、目の前の業務に追われていて、\n改善まで手が回らないのが実情です。"
    assert i01["text"].iloc[2] == "人の面では？"
    assert (i01["role"] == "組織長").all() and (i01["respondent"] == "M001").all()
    assert interviews.loc[0, "date"] == pd.Timestamp("2026-10-01")
    # I02: cp932 without front matter -> file stem is the id, one segment per paragraph
    i02 = segments[segments["interview_id"] == "I02"]
    assert list(i02["segment_id"]) == ["I02-001", "I02-002", "I02-003"]
    assert i02["speaker"].isna().all()
    assert i02["text"].iloc[0].startswith("経理部の立場から") and "打合せの日程" in i02["text"].iloc[0]
    assert interviews.loc[1, "file"] == "I02.txt" and pd.isna(interviews.loc[1, "role"])
    # I03: UTF-8 with BOM, name turns with a full-width colon; a blank line does not end a turn;
    # the interviewer named in the front matter asks the questions (speaker Q)
    i03 = segments[segments["interview_id"] == "I03"]
    assert list(i03["speaker"]) == ["Q", "鈴木", "鈴木"]
    assert i03["text"].iloc[1].endswith("打ち合わせも多いです。")
    assert list(i03["position"]) == [1, 2, 3]


def test_client_folder_is_accepted_and_missing_folder_is_empty(tmp_path):
    interviews, segments, _ = read_interviews(FIX / "interviews_basic")
    assert len(interviews) == 3 and len(segments) == 10
    interviews, segments, problems = read_interviews(tmp_path / "nothing")
    assert interviews.empty and segments.empty and problems == []
    assert list(segments.columns) == SEGMENT_COLUMNS


def test_broken_files_are_problems_not_tracebacks():
    interviews, segments, problems = read_interviews(FIX / "interviews_broken")
    by_file = {p.file: p for p in problems}
    assert set(by_file) == {"bad_yaml.md", "unclosed.md", "garbled.txt", "list.md", "dup.md", "ok.md"}
    assert "YAML" in by_file["bad_yaml.md"].message and by_file["bad_yaml.md"].level == "error"
    assert "閉じられていません" in by_file["unclosed.md"].message
    assert "文字コード" in by_file["garbled.txt"].message
    assert by_file["dup.md"].level == "warning" and "日付" in by_file["dup.md"].message
    assert "重複" in by_file["ok.md"].message  # dup.md declares id 'ok' first (sorted by name)
    assert list(interviews["interview_id"]) == ["ok"]
    assert list(segments["segment_id"]) == ["ok-001"]


def test_segment_ids_are_stable_when_text_changes_inside_a_turn(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "X.md").write_text("Q: 一つ目\nA: 二つ目\nQ: 三つ目\n", encoding="utf-8")
    _, before, _ = read_interviews(folder)
    (folder / "X.md").write_text("Q: 一つ目を直した\nA: 二つ目\n続きの行\nQ: 三つ目\n", encoding="utf-8")
    _, after, _ = read_interviews(folder)
    assert list(before["segment_id"]) == list(after["segment_id"]) == ["X-001", "X-002", "X-003"]
    assert after["text"].iloc[1] == "二つ目\n続きの行"


def test_not_turns_urls_times_and_lead_in_text():
    segs = segment_text("前置きの段落です。\n\nQ: 会議は 10:30 から？\n参考 https://example.com\nA: はい")
    assert segs == [(None, "前置きの段落です。"), ("Q", "会議は 10:30 から？\n参考 https://example.com"), ("A", "はい")]
    assert segment_text("時刻 10:30 の件\n\n次の段落") == [(None, "時刻 10:30 の件"), (None, "次の段落")]
    assert segment_id("I07", 12) == "I07-012"


def test_crlf_and_interviewer_in_front_matter(tmp_path):
    folder = tmp_path / "interviews"
    folder.mkdir()
    (folder / "I09.md").write_bytes("---\r\nid: '009'\r\ninterviewer: 田中\r\n---\r\n田中：質問です\r\n佐藤：答えです\r\n続き\r\n".encode("cp932"))
    interviews, segments, problems = read_interviews(folder)
    assert problems == [] and interviews.loc[0, "interview_id"] == "009"
    assert segments[["segment_id", "speaker", "text"]].values.tolist() == [
        ["009-001", "Q", "質問です"], ["009-002", "佐藤", "答えです\n続き"]]

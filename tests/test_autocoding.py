"""Auto-coding: inflections, compounds, normalised spellings, exclusions, patterns, long texts."""

from pathlib import Path

import pandas as pd

from gyomu import make_client
from gyomu.autocoding import (
    AUTOCODE_COLUMNS,
    MAX_CHUNK,
    autocode,
    autocode_segments,
    keyword_hits,
    split_text,
)
from gyomu.codebook import default_codebook, parse_codebook
from gyomu.interviews import read_interviews

FIX = Path(__file__).parent / "fixtures"

BOOK, _ = parse_codebook("""
codes:
  - code: 多忙
    keywords: [追う, 忙しい, 手が回らない]
  - code: 離職
    keywords: [辞める]
  - code: 属人化
    keywords: [属人化]
  - code: 会議
    keywords: [打ち合わせ]
  - code: ミス
    keywords: [ミス]
    exclude: [ミスター]
  - code: 承認
    patterns: ['承認.{0,4}(遅|待)']
""")


def segs(*texts):
    return pd.DataFrame({"segment_id": [f"S-{i:03d}" for i in range(1, len(texts) + 1)],
                         "interview_id": "S", "text": list(texts)})


def coded(*texts):
    out = autocode_segments(segs(*texts), BOOK)
    return {(r.segment_id, r.code): r.keyword for r in out.itertuples()}


def test_inflected_forms_match_their_lemma():
    got = coded("目の前の業務に追われています", "毎日忙しくて大変です", "先月ひとり辞めてしまった", "手が回らなかった")
    assert got == {("S-001", "多忙"): "追う", ("S-002", "多忙"): "忙しい", ("S-003", "離職"): "辞める",
                   ("S-004", "多忙"): "手が回らない"}


def test_compounds_and_normalised_spellings():
    got = coded("発注業務は属人化していて困る", "打合せが多い", "打ち合わせが多い", "打ち合せばかり")
    assert got == {("S-001", "属人化"): "属人化", ("S-002", "会議"): "打ち合わせ",
                   ("S-003", "会議"): "打ち合わせ", ("S-004", "会議"): "打ち合わせ"}


def test_exclusion_removes_only_overlapping_hits():
    got = coded("ミスターの件です", "ミスターの件とは別に入力ミスがある", "ミスが多い")
    assert ("S-001", "ミス") not in got
    assert got[("S-002", "ミス")] == "ミス" and got[("S-003", "ミス")] == "ミス"
    hits = keyword_hits(["ミスターの件とは別に入力ミスがある"], BOOK)
    assert hits[["code", "matched", "start"]].values.tolist() == [["ミス", "ミス", 12]]


def test_patterns_and_offsets():
    out = autocode_segments(segs("稟議の承認が遅い", "承認は早い"), BOOK)
    assert out[["segment_id", "code", "keyword", "matched", "start", "end"]].values.tolist() == [
        ["S-001", "承認", "承認.{0,4}(遅|待)", "承認が遅", 3, 7]]
    assert list(out.columns) == AUTOCODE_COLUMNS


def test_no_false_hit_inside_an_unrelated_word():
    assert coded("追加の資料", "忙殺されてはいない") == {}


def test_long_text_is_split_and_still_matched():
    sentence = "これは長い記録の一文です。"
    text = sentence * 1300 + "最後に属人化していて困ると言われた。"
    assert len(text) > 3 * MAX_CHUNK and len(text.encode()) > 49149  # above Sudachi's limit
    pieces = split_text(text)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= MAX_CHUNK for _, p in pieces) and all(p.endswith("。") for _, p in pieces)
    out = autocode_segments(segs(text), BOOK)
    assert out["code"].tolist() == ["属人化"]
    assert text[out.loc[0, "start"]:out.loc[0, "end"]] == "属人化"


def test_split_without_sentence_ends_is_hard_cut():
    text = "あ" * (MAX_CHUNK * 2 + 5)
    assert [len(p) for _, p in split_text(text)] == [MAX_CHUNK, MAX_CHUNK, 5]


def test_autocode_client_with_default_codebook():
    interviews, segments, _ = read_interviews(FIX / "interviews_basic")
    empty = pd.DataFrame({"member_id": ["M001"], "name": ["山田 太郎"], "grade": ["G1"]})
    client = make_client(empty, pd.DataFrame({"task_id": ["T1"]}), pd.DataFrame({"member_id": ["M001"], "task_id": ["T1"]}),
                         interviews=interviews, segments=segments)
    out = autocode(client)  # empty client codebook -> default
    got = set(zip(out["segment_id"], out["code"], strict=True))
    assert {("I01-002", "業務過多"), ("I01-004", "離職・定着"), ("I01-004", "属人化"), ("I02-002", "期待される役割"),
            ("I02-003", "ミス・トラブル"), ("I03-003", "働き方")} <= got
    assert out.set_index(["segment_id", "code"]).loc[("I01-004", "離職・定着"), "keyword"] == "辞める"
    client.codebook = default_codebook()
    assert autocode(client).equals(out)

"""coding.csv: read, round trip, atomic locked saves that never lose a row."""

import multiprocessing as mp
from pathlib import Path

import pandas as pd

from gyomu.client import CODING_COLUMNS
from gyomu.coding import read_coding, save_coding, set_segment_codes, validate_coding

FIX = Path(__file__).parent / "fixtures"


def test_read_fixture_and_missing_file(tmp_path):
    df, problems = read_coding(FIX / "interviews_basic" / "coding.csv")
    assert problems == [] and list(df.columns) == CODING_COLUMNS and len(df) == 9
    assert set(df["coder"]) == {"coder_a", "coder_b"}
    empty, problems = read_coding(tmp_path / "coding.csv")
    assert empty.empty and list(empty.columns) == CODING_COLUMNS and problems == []


def test_cp932_japanese_headers_blank_and_duplicate_rows(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_bytes("セグメントID,コード,コーダー,メモ,extra\nI01-001,属人化,a,メモ,x\n,属人化,a,,\n"
                     "I01-001,属人化,a,新しい,y\n".encode("cp932"))
    df, problems = read_coding(path)
    assert list(df.columns) == [*CODING_COLUMNS, "extra"]
    assert len(df) == 1 and df.loc[0, "note"] == "新しい"
    assert {p.level for p in problems} == {"warning"} and problems[0].row == 3


def test_missing_column_is_an_error(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("segment_id,code\nI01-001,属人化\n", encoding="utf-8")
    df, problems = read_coding(path)
    assert df.empty and problems[0].level == "error" and "coder" in problems[0].message


def test_round_trip_update_and_remove(tmp_path):
    path = tmp_path / "coding.csv"
    save_coding(path, [{"segment_id": "I01-001", "code": "属人化", "coder": "a"},
                       {"segment_id": "I01-001", "code": "属人化", "coder": "b", "note": "bのメモ"}])
    save_coding(path, pd.DataFrame([{"segment_id": "I01-002", "code": "業務過多", "coder": "a", "note": "x, \"引用\""},
                                    {"segment_id": "I01-001", "code": "属人化", "coder": "a", "note": "更新"}]))
    df, _ = read_coding(path)
    assert df.values.tolist() == [["I01-001", "属人化", "a", "更新"], ["I01-001", "属人化", "b", "bのメモ"],
                                  ["I01-002", "業務過多", "a", 'x, "引用"']]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    save_coding(path, [], remove=[("I01-001", "属人化", "a")])
    df, _ = read_coding(path)
    assert df[["segment_id", "coder"]].values.tolist() == [["I01-001", "b"], ["I01-002", "a"]]
    assert not list(tmp_path.glob(".coding.csv.*.tmp"))


def test_set_segment_codes_unticks_only_that_coders_row(tmp_path):
    path = tmp_path / "coding.csv"
    save_coding(path, [{"segment_id": "S-001", "code": c, "coder": w} for c in ("X", "Y") for w in ("a", "b")]
                + [{"segment_id": "S-002", "code": "X", "coder": "a"}])
    set_segment_codes(path, "S-001", "a", ["Y", "Z"])
    df, _ = read_coding(path)
    got = set(map(tuple, df[["segment_id", "code", "coder"]].values.tolist()))
    assert got == {("S-001", "X", "b"), ("S-001", "Y", "a"), ("S-001", "Y", "b"), ("S-002", "X", "a"),
                   ("S-001", "Z", "a")}


def test_extra_columns_survive_a_save(tmp_path):
    path = tmp_path / "coding.csv"
    path.write_text("segment_id,code,coder,note,確信度\nI01-001,属人化,a,,高\n", encoding="utf-8")
    save_coding(path, [{"segment_id": "I01-002", "code": "業務過多", "coder": "b"}])
    df, _ = read_coding(path)
    assert df.loc[0, "確信度"] == "高" and len(df) == 2


def test_unreadable_file_is_never_overwritten(tmp_path):
    path = tmp_path / "coding.csv"
    raw = b"segment_id,code,coder\n\x82\xff,\x82\xff,a\n"
    path.write_bytes(raw)
    try:
        save_coding(path, [{"segment_id": "I01-001", "code": "A", "coder": "a"}])
    except ValueError as exc:
        assert "保存しません" in str(exc)
    else:
        raise AssertionError("save_coding overwrote a file it could not read")
    assert path.read_bytes() == raw


def _coder(args):
    path, coder, n = args
    for i in range(n):
        save_coding(path, [{"segment_id": f"S-{i:03d}", "code": "X", "coder": coder}])
        set_segment_codes(path, f"T-{i:03d}", coder, ["Y"])


def test_two_coders_in_two_processes_lose_no_row(tmp_path):
    path = str(tmp_path / "coding.csv")
    n = 25
    with mp.get_context("spawn").Pool(2) as pool:
        pool.map(_coder, [(path, "coder_a", n), (path, "coder_b", n)])
    df, problems = read_coding(Path(path))
    assert problems == []
    assert len(df) == 4 * n
    assert df.groupby("coder").size().to_dict() == {"coder_a": 2 * n, "coder_b": 2 * n}


def test_validate_coding_warns_about_unknown_segments_and_codes():
    coding = pd.DataFrame({"segment_id": ["A-001", "Z-009"], "code": ["X", "Q"], "coder": ["a", "a"], "note": ""})
    segments = pd.DataFrame({"segment_id": ["A-001"]})
    codebook = pd.DataFrame({"code": ["X"]})
    problems = validate_coding(coding, segments, codebook)
    assert len(problems) == 2 and "Z-009" in problems[0].message and "Q" in problems[1].message


def test_random_saves_match_a_model(tmp_path_factory):
    """Any sequence of saves, removals and per-segment decisions keeps exactly the rows a plain
    dict model keeps: nothing is lost, nothing of another coder is touched."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    segs, codes, coders = ["S-001", "S-002", "S-003"], ["X", "Y", "Z"], ["a", "b"]
    key = st.tuples(st.sampled_from(segs), st.sampled_from(codes), st.sampled_from(coders))
    op = st.one_of(
        st.tuples(st.just("save"), st.lists(key, max_size=3)),
        st.tuples(st.just("remove"), st.lists(key, max_size=2)),
        st.tuples(st.just("set"), st.tuples(st.sampled_from(segs), st.sampled_from(coders),
                                            st.lists(st.sampled_from(codes), unique=True))),
    )

    @settings(max_examples=40, deadline=None)
    @given(st.lists(op, max_size=8))
    def check(ops):
        path = tmp_path_factory.mktemp("h") / "coding.csv"
        model: set[tuple[str, str, str]] = set()
        for kind, arg in ops:
            if kind == "save":
                save_coding(path, [dict(zip(("segment_id", "code", "coder"), k, strict=True)) for k in arg])
                model |= set(arg)
            elif kind == "remove":
                save_coding(path, [], remove=arg)
                model -= set(arg)
            else:
                seg, coder, chosen = arg
                set_segment_codes(path, seg, coder, chosen)
                model = {k for k in model if not (k[0] == seg and k[2] == coder)} | {(seg, c, coder) for c in chosen}
        df, _ = read_coding(path)
        got = list(map(tuple, df[["segment_id", "code", "coder"]].values.tolist()))
        assert len(got) == len(set(got)) and set(got) == model

    check()

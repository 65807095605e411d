"""Codebook: the shipped default, replace/extend merging, and problems."""

from gyomu.client import CODEBOOK_COLUMNS
from gyomu.codebook import codebook_table, default_codebook, load_codebook, parse_codebook

ISSUE_CODES = ["業務過多", "ミス・トラブル", "属人化", "離職・定着", "認識のずれ", "情報共有不足", "他部門連携",
               "期待される役割", "IT・DX", "働き方", "戦略的取組の不足", "集約・標準化"]


def test_default_codebook_has_the_issue_codes_with_definitions_and_keywords():
    cb = default_codebook()
    assert list(cb.columns) == CODEBOOK_COLUMNS
    assert set(ISSUE_CODES) <= set(cb["code"]) and len(cb) >= 12
    assert cb["code"].is_unique
    assert (cb["definition"].str.len() > 10).all()
    assert all(isinstance(k, list) and len(k) >= 5 for k in cb["keywords"])
    assert "残業代" in cb.set_index("code").loc["業務過多", "exclude"]


def test_missing_file_gives_default(tmp_path):
    cb, problems = load_codebook(tmp_path / "codebook.yml")
    assert problems == [] and list(cb["code"]) == list(default_codebook()["code"])
    cb, _ = load_codebook(None)
    assert len(cb) == len(default_codebook())


def test_plain_file_replaces_the_default(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_text("codes:\n  - code: 稟議\n    parent: 課題\n    definition: 決裁が遅い\n"
                    "    keywords: [稟議, 決裁]\n    exclude: 稟議書の様式、押印欄\n", encoding="utf-8")
    cb, problems = load_codebook(path)
    assert problems == []
    assert list(cb["code"]) == ["稟議"]
    row = cb.iloc[0]
    assert row["keywords"] == ["稟議", "決裁"] and row["exclude"] == ["稟議書の様式", "押印欄"]
    assert row["patterns"] == []


def test_extend_overrides_removes_and_appends():
    text = ("extends: default\nremove: [働き方]\ncodes:\n"
            "  - code: 業務過多\n    keywords: [繁忙期]\n"
            "  - コード: 稟議\n    キーワード: [稟議]\n    パターン: ['承認.{0,5}(遅|待)']\n")
    cb, problems = parse_codebook(text)
    assert problems == []
    codes = list(cb["code"])
    default = list(default_codebook()["code"])
    assert codes == [c for c in default if c != "働き方"] + ["稟議"]
    over = cb.set_index("code").loc["業務過多"]
    assert over["keywords"] == ["繁忙期"]  # the field given overrides
    assert over["definition"] == default_codebook().set_index("code").loc["業務過多", "definition"]  # kept
    assert cb.set_index("code").loc["稟議", "patterns"] == ["承認.{0,5}(遅|待)"]
    same, _ = parse_codebook(text.replace("extends: default", "mode: extend"))
    assert list(same["code"]) == codes


def test_duplicates_bad_regex_and_bad_mode_are_problems():
    text = ("mode: merge\ncodes:\n  - code: A\n    patterns: ['(未完', 'ok']\n  - code: A\n  - definition: 名前なし\n"
            "  - code: on\n    keywords: [yes, 001]\n")
    cb, problems = parse_codebook(text, "codebook.yml")
    messages = " ".join(p.message for p in problems)
    assert "mode" in messages and "重複" in messages and "正規表現" in messages and "名前(code)" in messages
    assert all(p.file == "codebook.yml" for p in problems)
    assert list(cb["code"]) == ["A", "on"]  # first definition kept; YAML 'on' stays text
    assert cb.iloc[0]["patterns"] == ["ok"]
    assert cb.iloc[1]["keywords"] == ["yes", "001"]


def test_broken_yaml_is_a_problem_and_default_is_used():
    cb, problems = parse_codebook("codes:\n  - code: [A\n")
    assert len(problems) == 1 and "YAML" in problems[0].message
    assert len(cb) == len(default_codebook())


def test_codebook_table_joins_lists():
    table = codebook_table(default_codebook())
    assert table.set_index("code").loc["属人化", "keywords"].startswith("属人化、")

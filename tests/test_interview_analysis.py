"""Interview analysis on a hand-checked fixture: frequencies, co-occurrence, quotes, issues, export,
plots and the coding tool."""

import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from gyomu import anonymize, make_client  # noqa: E402
from gyomu.autocoding import autocode  # noqa: E402
from gyomu.codebook import default_codebook  # noqa: E402
from gyomu.coding import read_coding  # noqa: E402
from gyomu.interview_analysis import (  # noqa: E402
    UNKNOWN_ROLE,
    code_frequency_by_role,
    coded_segments,
    cooccurrence,
    export_coded,
    interviewee_profiles,
    interviewees,
    issue_list,
    quotes,
)
from gyomu.interview_plots import (  # noqa: E402
    plot_agreement,
    plot_code_by_role,
    plot_cooccurrence,
    plot_issue_list,
    plot_precision_recall,
)
from gyomu.interviews import read_interviews  # noqa: E402

FIX = Path(__file__).parent / "fixtures" / "interviews_basic"


def fixture_client(folder: Path = FIX):
    interviews, segments, _ = read_interviews(folder / "interviews")
    coding, _ = read_coding(folder / "coding.csv")
    members = pd.DataFrame({"member_id": ["M001"], "name": ["山田 太郎"], "grade": ["G1"]})
    return make_client(members, pd.DataFrame({"task_id": ["T1"]}), pd.DataFrame({"member_id": ["M001"], "task_id": ["T1"]}),
                       interviews=interviews, segments=segments, codebook=default_codebook(), coding=coding,
                       path=folder)


def test_interviewees_table():
    table = interviewees(fixture_client())
    assert table["respondent"].tolist()[0] == "山田 太郎"  # a メンバーID shows as the member's name
    assert table[["interview_id", "role", "segments", "answers"]].values.tolist() == [
        ["I01", "組織長", 4, 2], ["I02", UNKNOWN_ROLE, 3, 3], ["I03", "他部署", 3, 2]]
    assert table.loc[1, "characters"] == sum(len(t) for t in fixture_client().segments["text"][4:7])


PAIRS = [["I01-002", "業務過多"], ["I01-004", "属人化"], ["I01-004", "離職・定着"], ["I02-001", "他部門連携"],
         ["I02-003", "期待される役割"], ["I03-002", "他部門連携"]]


def test_coded_segments_union_of_coders_and_one_coder():
    client = fixture_client()
    both = coded_segments(client)
    # 9 rows in coding.csv, 3 pairs coded by both coders -> 6 distinct (segment, code), codebook order
    assert both[["segment_id", "code"]].values.tolist() == PAIRS
    assert set(both["source"]) == {"人手"}
    assert both.loc[0, "respondent"] == "山田 太郎" and both.loc[0, "role"] == "組織長"
    b = coded_segments(client, coder="coder_b")
    assert b[["segment_id", "code"]].values.tolist() == [["I01-002", "業務過多"], ["I01-004", "属人化"],
                                                         ["I02-003", "期待される役割"], ["I03-002", "他部門連携"]]
    auto = coded_segments(client, coder="nobody")
    assert set(auto["source"]) == {"自動"}
    assert ("I03-003", "働き方") in set(zip(auto["segment_id"], auto["code"], strict=True))


def test_frequency_cooccurrence_profiles():
    client = fixture_client()
    coded = coded_segments(client)
    codes = list(client.codebook["code"])
    freq = code_frequency_by_role(coded, codes=codes)
    assert freq.loc["他部門連携"].to_dict() == {UNKNOWN_ROLE: 1, "他部署": 1, "組織長": 0}
    assert freq.loc["属人化", "組織長"] == 1 and freq.loc["人材育成"].sum() == 0
    assert freq.to_numpy().sum() == 6
    by_person = code_frequency_by_role(pd.concat([coded, coded.assign(segment_id="I03-009")]), unit="interviewees")
    assert by_person.loc["他部門連携", "他部署"] == 1
    co = cooccurrence(coded, codes)
    assert co.loc["属人化", "離職・定着"] == 1 and co.loc["離職・定着", "属人化"] == 1
    assert co.loc["他部門連携", "他部門連携"] == 2 and co.loc["業務過多", "属人化"] == 0
    prof = interviewee_profiles(coded, client)
    assert prof.index.tolist() == ["I01", "I02", "I03"]
    assert prof.loc["I01"].to_dict() == {"業務過多": 1, "属人化": 1, "離職・定着": 1, "他部門連携": 0, "期待される役割": 0}


def test_issue_list_ranked_by_interviewees_with_quotes():
    issues = issue_list(fixture_client())
    assert issues["code"].tolist() == ["他部門連携", "業務過多", "属人化", "離職・定着", "期待される役割"]
    top = issues.iloc[0]
    assert top["rank"] == 1 and top["interviewees"] == 2 and top["segment_count"] == 2
    assert top["interviewee_share"] == pytest.approx(2 / 3)
    assert top["roles"] == f"{UNKNOWN_ROLE}1・他部署1"
    assert top["quote"].startswith("「") and "依頼の窓口" in top["quote"] and "経理部" in top["quote"]
    assert top["parent"] == "関係" and top["source"] == "人手"


def test_quotes_skip_questions_and_prefer_one_per_interview():
    client = fixture_client()
    coded = coded_segments(client, coder="nobody")
    q = quotes(coded, n=2)
    assert not q["segment_id"].isin(["I01-001", "I01-003", "I03-001"]).any()
    assert (q.groupby("code")["interview_id"].nunique() == q.groupby("code").size()).all()


def test_anonymized_quotes_hide_member_names(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(FIX, folder)
    text = (folder / "interviews" / "I01.md").read_text(encoding="utf-8").replace("私しか", "山田さんしか")
    (folder / "interviews" / "I01.md").write_text(text, encoding="utf-8")
    client = anonymize(fixture_client(folder))
    issues = issue_list(client)
    quote = issues.set_index("code").loc["属人化", "quote"]
    assert "担当A" in quote and "山田" not in quote
    assert interviewees(client).loc[0, "respondent"] == "担当A"


def test_export_xlsx_and_csv(tmp_path):
    client = fixture_client()
    coded = coded_segments(client)
    [xlsx] = export_coded(client, coded, tmp_path / "coded.xlsx")
    sheets = pd.read_excel(xlsx, sheet_name=None, engine="calamine")
    assert list(sheets) == ["コード付き発言", "発言一覧", "コードブック"]
    assert len(sheets["コード付き発言"]) == 6 and "コード" in sheets["コード付き発言"].columns
    wide = sheets["発言一覧"].set_index("セグメントID")
    assert wide.loc["I01-004", "コード"] == "属人化;離職・定着"
    assert len(sheets["コードブック"]) == len(client.codebook)
    files = export_coded(client, coded, tmp_path / "csv" / "coded.csv")
    assert [f.name for f in files] == ["coded.csv", "coded_segments.csv", "coded_codebook.csv"]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_csv(files[1], encoding="utf-8-sig")) == len(client.segments)


def test_plots_draw_japanese_without_warnings(tmp_path, recwarn):
    from gyomu.agreement import agreement, auto_vs_human

    client = fixture_client()
    coded = coded_segments(client)
    codes = list(client.codebook["code"])
    table, _ = agreement(client.segments, client.coding, client.codebook, "coder_a", "coder_b")
    pr = auto_vs_human(client.segments, autocode(client), client.coding, client.codebook, "coder_a")
    axes = [
        plot_code_by_role(code_frequency_by_role(coded, codes=codes)),
        plot_cooccurrence(cooccurrence(coded, codes)),
        plot_issue_list(issue_list(client, coded)),
        plot_agreement(table),
        plot_precision_recall(pr),
    ]
    assert axes[0].get_xlabel() == "立場" and axes[2].get_title() == "インタビューで挙がった課題(定性課題)"
    assert [t.get_text() for t in axes[2].get_yticklabels()][0] == "他部門連携"
    for i, ax in enumerate(axes):
        ax.figure.savefig(tmp_path / f"{i}.png")
        plt.close(ax.figure)
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_coding_tool_prefills_saves_and_navigates(tmp_path):
    from gyomu.coding_tool import CodingTool

    client = fixture_client()
    path = tmp_path / "coding.csv"
    shutil.copy(FIX / "coding.csv", path)
    tool = CodingTool(client, "coder_c", path=path)
    assert tool.segment["segment_id"] == "I01-002"  # the question I01-001 is skipped
    assert "1 / 7 件目" in tool._header.value
    assert tool.ticked() == ["業務過多"]  # the auto-coder's suggestion is pre-ticked
    assert "山田 太郎 / 組織長" in tool._header.value
    assert "<mark>" in tool._text.value and "総務に期待されている役割" in tool._context_before.value
    tool.boxes["業務過多"].value = False
    tool.boxes["戦略的取組の不足"].value = True
    tool.note.value = "改善に手が回らない"
    tool.next_button.click()
    assert tool.segment["segment_id"] == "I01-004" and "2 / 7 件目" in tool._header.value
    coding, _ = read_coding(path)
    mine = coding[coding["coder"] == "coder_c"]
    assert mine[["segment_id", "code", "note"]].values.tolist() == [["I01-002", "戦略的取組の不足", "改善に手が回らない"]]
    assert len(coding) == 10  # the 9 rows of coder_a and coder_b are kept
    tool.skip_button.click()
    tool.previous_button.click()  # saves I02-001 with its suggestions, goes back to I01-004
    tool.previous_button.click()
    assert tool.segment["segment_id"] == "I01-002"
    assert tool.ticked() == ["戦略的取組の不足"]  # the saved decision, not the suggestion
    tool.go(99)
    assert "7 / 7 件目" in tool._header.value
    other = CodingTool(client, "coder_a", path=path)
    assert other.ticked() == ["業務過多"]  # coder_a's own decision


def test_report_sentences_follow_the_numbers():
    from gyomu.interview_analysis import (
        describe_agreement,
        describe_cooccurrence,
        describe_interviewees,
        describe_issues,
    )

    client = fixture_client()
    coded = coded_segments(client)
    assert describe_interviewees(interviewees(client)).startswith("3件のインタビュー(")
    assert "「属人化」と「離職・定着」(1件)" in describe_cooccurrence(cooccurrence(coded, list(client.codebook["code"])))
    assert describe_issues(issue_list(client, coded), 3).startswith("最も多くの回答者が触れた課題は「他部門連携」(2/3名)")
    assert "暫定" in describe_issues(issue_list(client, coded_segments(client, coder="nobody")), 3)
    table = pd.DataFrame({"code": ["A", "B"], "units": [10, 10], "kappa": [0.5, 0.9]})
    text = describe_agreement(table, 0.7, "a", "b")
    assert "10発言を単位" in text and "「A」(κ=0.50)" in text and "B" not in text.split("一致が低い")[1]
    assert "0.6以上" in describe_agreement(table.assign(kappa=[0.65, 0.9]), 0.85, "a", "b")


def test_describe_profiles_names_the_broadest_and_the_silent():
    from gyomu.interview_analysis import describe_profiles

    client = fixture_client()
    text = describe_profiles(interviewee_profiles(coded_segments(client), client), client)
    assert text.startswith("最も多くの種類のコードに触れたのはI01(山田 太郎)で、3種類です。")
    assert "平均2.0種類" in text  # I01: 3, I02: 2, I03: 1
    silent = interviewee_profiles(coded_segments(client, coder="coder_b").iloc[:1], client)
    assert "I02、I03" in describe_profiles(silent)

"""What the interviews say: code frequencies, co-occurrence, quotes, profiles, the issue list.

Every function takes a *coded* frame (one row per segment and code, see :func:`coded_segments`)
built from the human coding in coding.csv or, where nobody has coded yet, from the automatic
suggestions of :func:`gyomu.autocoding.autocode`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .interviews import INTERVIEWER_LABELS, is_question  # noqa: F401  (re-exported)
from .labels import register

if TYPE_CHECKING:
    from .client import Client

UNKNOWN_ROLE = "(役割未記入)"

CODED_COLUMNS = ["segment_id", "interview_id", "respondent", "role", "speaker", "code", "source", "text"]

#: Labels that differ from the survey's meaning of the same column (pass to gyomu.Outputs).
TABLE_LABELS = {"role": "立場", "note": "メモ"}

register({
    "respondent": "回答者", "date": "実施日", "file": "ファイル",
    "segments": "発言数", "answers": "回答の発言数", "characters": "文字数",
    "interviewees": "言及した回答者数", "interviewee_share": "言及率", "segment_count": "言及した発言数",
    "roles": "言及した立場", "quote": "代表的な発言", "rank": "順位", "parent": "分類",
    "definition": "定義", "source": "コードの出所", "speaker": "話者", "codes": "コード",
    "position": "位置", "coder": "コーダー", "keywords": "キーワード",
    "exclude": "除外キーワード", "patterns": "正規表現",
})


def _role(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna() & (series.astype(str).str.strip() != ""), UNKNOWN_ROLE)


def respondent_names(client: Client) -> pd.Series:
    """interview_id -> respondent as people read it (a メンバーID becomes the member's name)."""
    names = dict(zip(client.members["member_id"].astype(str), client.members["name"].astype(str), strict=True)) \
        if len(client.members) else {}
    resp = client.interviews.set_index("interview_id")["respondent"]

    def name(r):
        if not isinstance(r, str):
            return r
        parts = re.split(r"([・、,，/\s]+)", r)
        return "".join(names.get(p, p) for p in parts)

    return resp.map(name)



def interviewees(client: Client) -> pd.DataFrame:
    """Who was interviewed: interview_id, respondent, role, date, segments, answers, characters."""
    iv = client.interviews[["interview_id", "respondent", "role", "date"]].copy()
    iv["respondent"] = iv["interview_id"].map(respondent_names(client))
    seg = client.segments
    is_q = is_question(seg["speaker"])
    stats = pd.DataFrame({
        "segments": seg.groupby("interview_id").size(),
        "answers": seg[~is_q].groupby("interview_id").size(),
        "characters": seg.assign(n=seg["text"].str.len()).groupby("interview_id")["n"].sum(),
    })
    out = iv.merge(stats, left_on="interview_id", right_index=True, how="left")
    for col in ("segments", "answers", "characters"):
        out[col] = out[col].fillna(0).astype("int64")
    out["role"] = _role(out["role"])
    return out.reset_index(drop=True)


def coded_segments(client: Client, *, coder: str | None = None, auto: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (segment, code): the human coding, else the automatic suggestions.

    ``coder`` picks one coder's rows; ``coder=None`` takes every coder's rows (a code counts
    once per segment). When coding.csv has no row (for that coder), ``auto`` (or a fresh
    :func:`gyomu.autocoding.autocode`) is used. Column ``source`` says which: 人手 or 自動.
    Columns: :data:`CODED_COLUMNS`.
    """
    coding = client.coding
    if coder is not None:
        coding = coding[coding["coder"] == coder]
    coding = coding[coding["segment_id"].isin(client.segments["segment_id"])]
    if len(coding):
        pairs = coding[["segment_id", "code"]].drop_duplicates()
        source = "人手"
    else:
        if auto is None:
            from .autocoding import autocode

            auto = autocode(client)
        pairs = auto[["segment_id", "code"]].drop_duplicates()
        source = "自動"
    seg = client.segments.set_index("segment_id")
    names = respondent_names(client)
    out = pairs.join(seg[["interview_id", "speaker", "role", "text"]], on="segment_id")
    out["respondent"] = out["interview_id"].map(names)
    out["role"] = _role(out["role"])
    out["source"] = source
    order = {c: i for i, c in enumerate(client.codebook["code"])} if len(client.codebook) else {}
    pos = seg["position"].reindex(out["segment_id"]).to_numpy()
    out = out.assign(_i=out["interview_id"], _p=pos, _c=out["code"].map(order).fillna(len(order)))
    out = out.sort_values(["_i", "_p", "_c"]).drop(columns=["_i", "_p", "_c"])
    return out[CODED_COLUMNS].reset_index(drop=True)


def code_frequency_by_role(coded: pd.DataFrame, *, unit: str = "segments",
                           codes: list[str] | None = None) -> pd.DataFrame:
    """code × role counts: ``unit="segments"`` counts coded segments, ``"interviewees"`` counts
    interviews in which the code occurs at least once. ``codes`` fixes the row order."""
    if unit not in ("segments", "interviewees"):
        raise ValueError("unit は 'segments' か 'interviewees'")
    data = coded if unit == "segments" else coded.drop_duplicates(["interview_id", "code"])
    table = pd.crosstab(data["code"], data["role"]) if len(data) else pd.DataFrame(dtype="int64")
    if codes is not None:
        table = table.reindex(codes, fill_value=0)
    table.index.name = "code"
    table.columns.name = "role"
    return table.astype("int64")


def cooccurrence(coded: pd.DataFrame, codes: list[str] | None = None) -> pd.DataFrame:
    """code × code: number of segments carrying both codes (diagonal: segments with the code)."""
    codes = codes if codes is not None else list(dict.fromkeys(coded["code"]))
    onehot = pd.crosstab(coded["segment_id"], coded["code"]).clip(upper=1).reindex(columns=codes, fill_value=0)
    m = onehot.T @ onehot
    m.index.name = "code"
    m.columns.name = "code"
    return m.astype("int64")


def interviewee_profiles(coded: pd.DataFrame, client: Client | None = None) -> pd.DataFrame:
    """interview × code: how many segments of each interview carry each code (all interviews of
    ``client`` appear, also those with no code)."""
    table = pd.crosstab(coded["interview_id"], coded["code"]) if len(coded) else pd.DataFrame(dtype="int64")
    if client is not None:
        table = table.reindex(index=client.interviews["interview_id"], fill_value=0)
        if len(client.codebook):
            table = table.reindex(columns=[c for c in client.codebook["code"] if c in table.columns]
                                  + [c for c in table.columns if c not in set(client.codebook["code"])])
    table.index.name = "interview_id"
    table.columns.name = "code"
    return table.fillna(0).astype("int64")


def shorten(text: str, limit: int = 120) -> str:
    """One line of at most ``limit`` characters (… when cut)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def quotes(coded: pd.DataFrame, n: int = 3, *, limit: int = 120) -> pd.DataFrame:
    """Up to ``n`` representative quotes per code: answers (not interviewer questions), at most
    one per interview first, preferring mid-length statements (20–150 characters) that carry
    few other codes. Columns: code, interview_id, respondent, role, segment_id, quote."""
    if coded.empty:
        return pd.DataFrame(columns=["code", "interview_id", "respondent", "role", "segment_id", "quote"])
    data = coded[~is_question(coded["speaker"])].copy()
    n_codes = coded.groupby("segment_id")["code"].nunique()
    length = data["text"].str.len()
    data["_score"] = (
        (length.between(20, 150)).astype(int) * 2
        - data["segment_id"].map(n_codes).fillna(1).sub(1).clip(upper=3) * 0.5
        - (length - 60).abs() / 1000
    )
    data = data.sort_values(["code", "_score"], ascending=[True, False], kind="stable")
    data["_dup"] = data.duplicated(["code", "interview_id"])
    data = data.sort_values(["code", "_dup", "_score"], ascending=[True, True, False], kind="stable")
    picked = data.groupby("code", sort=False).head(n).copy()
    picked["quote"] = picked["text"].map(lambda t: shorten(t, limit))
    order = list(dict.fromkeys(coded["code"]))
    picked["_o"] = picked["code"].map({c: i for i, c in enumerate(order)})
    picked = picked.sort_values(["_o"], kind="stable")
    return picked[["code", "interview_id", "respondent", "role", "segment_id", "quote"]].reset_index(drop=True)


def issue_list(client: Client, coded: pd.DataFrame | None = None, *, quotes_per_issue: int = 2,
               coder: str | None = None) -> pd.DataFrame:
    """The qualitative issues list (定性課題): codes ranked by how many interviewees raised them.

    Uses ``coded`` or :func:`coded_segments` (human coding where it exists, else auto-codes).
    Columns: rank, code, parent, definition, interviewees, interviewee_share, segment_count,
    roles (立場ごとの回答者数, e.g. 組織長2・他部署1), quote (up to ``quotes_per_issue``
    quotes joined with ' / '), source. Codes nobody raised are left out.
    """
    if coded is None:
        coded = coded_segments(client, coder=coder)
    cols = ["rank", "code", "parent", "definition", "interviewees", "interviewee_share",
            "segment_count", "roles", "quote", "source"]
    total = max(len(client.interviews), 1)
    if coded.empty:
        return pd.DataFrame(columns=cols)
    answers = coded[~is_question(coded["speaker"])]
    answers = answers if len(answers) else coded
    grouped = answers.groupby("code")
    table = pd.DataFrame({
        "interviewees": grouped["interview_id"].nunique(),
        "segment_count": grouped["segment_id"].nunique(),
    })
    by_role = answers.drop_duplicates(["code", "interview_id"]).groupby(["code", "role"]).size()
    table["roles"] = [
        "・".join(f"{role}{k}" for role, k in by_role.loc[code].sort_values(ascending=False, kind="stable").items())
        for code in table.index
    ]
    q = quotes(answers, quotes_per_issue)
    table["quote"] = q.groupby("code")["quote"].agg(lambda s: " / ".join(f"「{x}」" for x in s)).reindex(table.index)
    book = client.codebook.set_index("code") if len(client.codebook) else pd.DataFrame(columns=["parent", "definition"])
    table["parent"] = book["parent"].reindex(table.index)
    table["definition"] = book["definition"].reindex(table.index)
    table["interviewee_share"] = table["interviewees"] / total
    table["source"] = "・".join(dict.fromkeys(coded["source"])) if "source" in coded else ""
    order = {c: i for i, c in enumerate(book.index)}
    table = table.reset_index()
    table["_o"] = table["code"].map(order).fillna(len(order))
    table = table.sort_values(["interviewees", "segment_count", "_o"], ascending=[False, False, True], kind="stable")
    table["rank"] = range(1, len(table) + 1)
    return table[cols].reset_index(drop=True)


def export_coded(client: Client, coded: pd.DataFrame, path: str | Path) -> list[Path]:
    """Write the coded segments with the codebook for QualCoder, MAXQDA or Excel.

    ``.xlsx``: one workbook with sheets コード付き発言 (one row per segment and code), 発言一覧
    (every segment with its codes joined by ';') and コードブック. ``.csv``: the same three
    tables as ``<stem>.csv``, ``<stem>_segments.csv`` and ``<stem>_codebook.csv`` (UTF-8 with
    BOM, so Excel opens them). Headers are Japanese. Returns the files written.
    """
    from .codebook import codebook_table
    from .labels import to_japanese

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    long = to_japanese(coded)
    joined = coded.groupby("segment_id")["code"].agg(lambda s: ";".join(dict.fromkeys(s)))
    wide = client.segments.copy()
    wide["codes"] = wide["segment_id"].map(joined).fillna("")
    wide = to_japanese(wide)
    book = to_japanese(codebook_table(client.codebook))
    if path.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            long.to_excel(writer, sheet_name="コード付き発言", index=False)
            wide.to_excel(writer, sheet_name="発言一覧", index=False)
            book.to_excel(writer, sheet_name="コードブック", index=False)
        return [path]
    files = [path, path.with_name(f"{path.stem}_segments.csv"), path.with_name(f"{path.stem}_codebook.csv")]
    for frame, file in zip((long, wide, book), files, strict=True):
        frame.to_csv(file, index=False, encoding="utf-8-sig")
    return files


def resolve_client_dir(client_dir: str | Path) -> Path:
    """A client folder given relative to the current folder or to the repository root.

    Notebooks run from ``notebooks/`` in JupyterLab and from the repository root under the
    runner; ``data/sample/kasou-denki`` works from both.
    """
    path = Path(client_dir).expanduser()
    if path.is_dir():
        return path.resolve()
    for base in (Path.cwd().parent, Path(__file__).resolve().parents[1]):
        if (base / path).is_dir():
            return (base / path).resolve()
    return path


# -- sentences for the report (written from the numbers) -------------------------------------


def describe_interviewees(table: pd.DataFrame) -> str:
    """Who was interviewed, in one or two Japanese sentences."""
    if table.empty:
        return "インタビューの記録(interviews/)がありません。"
    roles = table["role"].value_counts()
    parts = "、".join(f"{r} {n}名" for r, n in roles.items())
    return (f"{len(table)}件のインタビュー({parts})を{int(table['segments'].sum())}の発言に分けて分析しました。"
            f"回答の発言は合計{int(table['answers'].sum())}件、{int(table['characters'].sum()):,}字です。")


def describe_frequency(freq: pd.DataFrame, unit: str = "発言") -> str:
    """The most frequent codes overall and per role."""
    if freq.empty or freq.to_numpy().sum() == 0:
        return "コードの付いた発言はまだありません。"
    total = freq.sum(axis=1).sort_values(ascending=False, kind="stable")
    top = "、".join(f"「{c}」({n}{'件' if unit == '発言' else '名'})" for c, n in total.head(3).items() if n > 0)
    per_role = []
    for role in freq.columns:
        col = freq[role]
        if col.max() > 0:
            per_role.append(f"{role}は「{col.idxmax()}」")
    text = f"全体で多いのは{top}です。"
    if per_role:
        text += "立場ごとに最も多いコードは、" + "、".join(per_role) + "でした。"
    text += "立場によって重点が違うコードは、ワークショップで立場をまたいで話し合う材料になります。"
    return text


def describe_cooccurrence(matrix: pd.DataFrame) -> str:
    """The code pairs that occur together most often."""
    pairs = []
    codes = list(matrix.index)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            if matrix.loc[a, b] > 0:
                pairs.append((int(matrix.loc[a, b]), a, b))
    if not pairs:
        return "同じ発言の中で複数のコードが重なった例はありません。"
    pairs.sort(key=lambda p: -p[0])
    top = "、".join(f"「{a}」と「{b}」({n}件)" for n, a, b in pairs[:3])
    return (f"同じ発言に一緒に現れやすい組み合わせは{top}です。"
            "一緒に語られる課題は原因と結果の関係にあることが多く、施策をまとめて考える手がかりになります。")


def describe_issues(issues: pd.DataFrame, n_interviews: int) -> str:
    """The top issues of the 定性課題 list."""
    if issues.empty:
        return "課題として挙がったコードはまだありません。"
    top = issues.head(3)
    items = "、".join(f"「{r.code}」({r.interviewees}/{n_interviews}名)" for r in top.itertuples())
    first = top.iloc[0]
    text = f"最も多くの回答者が触れた課題は{items}です。"
    if first["interviewee_share"] >= 0.5:
        text += f"「{first['code']}」は回答者の{first['interviewee_share']:.0%}が挙げており、組織全体で共有された課題と言えます。"
    source = str(first.get("source", ""))
    if "自動" in source:
        text += "(人手のコーディングがまだないため、自動コードの提案に基づく暫定の一覧です。)"
    return text


def describe_agreement(table: pd.DataFrame, alpha: float, coder_a: str, coder_b: str) -> str:
    """Agreement figures with the unit and formulas stated."""
    kappas = table.dropna(subset=["kappa"])
    units = int(table["units"].iloc[0]) if len(table) else 0
    text = (f"{coder_a} と {coder_b} が共にコーディングしたインタビューの{units}発言を単位に、コードごとに"
            "「付けた/付けなかった」の一致を比べました。κ係数(Cohen)は κ = (p_o − p_e)/(1 − p_e)、"
            "p_o は一致した発言の割合、p_e は2人の付与率から偶然に一致する割合です。"
            f"全コードをまとめた Krippendorff の α(名義尺度、発言×コードを単位)は {alpha:.2f} です。")
    low = kappas[kappas["kappa"] < 0.6].sort_values("kappa")
    if len(low):
        text += "一致が低い(κ<0.6)コードは" + "、".join(f"「{r.code}」(κ={r.kappa:.2f})" for r in low.itertuples()) + \
            "で、定義の読み合わせが必要です。"
    elif len(kappas):
        worst = kappas.sort_values("kappa").iloc[0]
        text += f"すべてのコードで κ は0.6以上です(最も低いのは「{worst['code']}」の {worst['kappa']:.2f})。"
    if alpha == alpha:
        verdict = "十分に信頼できる水準(0.8以上)" if alpha >= 0.8 else (
            "暫定的な結論なら使える水準(0.667以上)" if alpha >= 0.667 else "定義の見直しが必要な水準(0.667未満)")
        text += f"α は{verdict}です。"
    return text


def describe_auto_vs_human(table: pd.DataFrame, coder: str) -> str:
    """How far the auto-codes can be trusted."""
    used = table[(table["auto"] > 0) | (table["human"] > 0)]
    if used.empty:
        return f"{coder} のコーディングがないため、自動コードの精度はまだ測れません。"
    tp, na, nh = used["true_positive"].sum(), used["auto"].sum(), used["human"].sum()
    p = tp / na if na else float("nan")
    r = tp / nh if nh else float("nan")
    text = (f"{coder} の判断を正解とすると、自動コード全体の適合率(提案のうち人も付けた割合)は{p:.0%}、"
            f"再現率(人が付けたうち提案された割合)は{r:.0%}です。")
    weak = used[used["human"] > 0].sort_values("recall").head(2)
    if len(weak):
        text += "取りこぼしが多いのは" + "、".join(f"「{c}」" for c in weak["code"]) + \
            "で、キーワードを補うか人手で確認してください。"
    return text


def describe_profiles(profiles: pd.DataFrame, client: Client | None = None) -> str:
    """Which interviewees raised the widest range of codes, and who raised none."""
    if profiles.empty:
        return "コードの付いた回答者はまだいません。"
    breadth = (profiles > 0).sum(axis=1).sort_values(ascending=False, kind="stable")
    names = respondent_names(client) if client is not None else pd.Series(dtype=object)

    def who(iid: str) -> str:
        name = names.get(iid) if len(names) else None
        return f"{iid}({name})" if isinstance(name, str) else str(iid)

    top = breadth.iloc[0]
    text = (f"最も多くの種類のコードに触れたのは{who(breadth.index[0])}で、{int(top)}種類です。"
            f"1人あたり平均{breadth.mean():.1f}種類のコードが付いています。")
    silent = [who(i) for i, n in breadth.items() if n == 0]
    if silent:
        text += "コードが1つも付いていないのは" + "、".join(silent) + "で、記録かコードブックの見直しが必要かもしれません。"
    return text

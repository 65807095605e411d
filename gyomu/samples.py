"""The two fictional sample clients under data/sample/, made by a seeded generator.

``generate(root)`` writes both client folders; running it again gives the same bytes
(``python data/sample/generate.py`` calls it). Everything here is fictional: the companies,
the people and what they say.

* ``kasou-denki``: the new 総務課 of 架空電気工事株式会社, a ~50-employee electrical contractor.
  Seven members over grades G1–G5, 54 tasks across 庶務 … 総務企画, person-dependent tasks,
  trained backups (対応可 with 0 hours), one member over capacity, senior grades doing easy
  work, seven interviews (one a paragraph memo without front matter, one a group interview
  with named speakers), a codebook.yml extending gyomu's default with one client code, two
  coders' coding.csv, vision.yml and an earlier round under history/2025-10/ (before M07
  joined). Survey as survey.xlsx.
* ``project-office``: 架空システム株式会社 第二開発本部 プロジェクト推進室, a desk that collects
  routine work (稟議作成, 契約書・注文書の確認, 請求書処理, 工数・予算管理, 各種集計, 日程調整,
  突発対応) from the development sections, staffed by employees and agency staff (派遣).
  Ten members from four teams, 33 tasks, five interviews, vision.yml with 集約 measures.
  Survey as members.csv (UTF-8 with BOM), tasks.csv (cp932) and hours.csv (UTF-8).

The hours are drawn with ``numpy.random.default_rng(seed)``: each task's monthly hours are
split between its 主担当 and 副担当, jittered, and scaled so each member's total matches a
realistic monthly load; rows of daily, weekly or monthly tasks are written either as 月間工数
or as 回数 × 1回あたり時間 (chosen at random, so both forms occur).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import schema
from .template import write_survey

SEED = 20261001
KASOU_DENKI = "kasou-denki"
PROJECT_OFFICE = "project-office"
CODERS = ("coder_a", "coder_b")
_GENERATED_NOTE = "# 架空のサンプルデータです(gyomu/samples.py が生成。手で編集しないでください)\n"

_ROLE = {"主": "主担当", "副": "副担当", "可": "対応可"}
_SHARE = {"主": 1.0, "副": 0.4, "可": 0.0}
_TIMES = {"日次": 20, "週次": 4, "月次": 1}


@dataclass
class SampleClient:
    """Everything one sample client folder holds, as Python objects."""

    client_id: str
    config: dict[str, Any]
    members: pd.DataFrame
    tasks: pd.DataFrame
    hours: pd.DataFrame
    interviews: list[dict] = field(default_factory=list)  #: id, respondent, role, date, turns
    memos: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  #: .txt paragraphs
    coding: pd.DataFrame | None = None
    vision: dict[str, Any] | None = None
    history: dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = field(default_factory=dict)
    codebook: dict[str, Any] | None = None  #: codebook.yml (extends gyomu's default)
    fmt: str = "xlsx"  #: "xlsx" or "csv"


def _parse_tasks(table: str) -> tuple[pd.DataFrame, list[list[tuple[str, str]]], np.ndarray]:
    """Tasks frame, per-task assignments [(member_id, 主/副/可)], and base monthly hours."""
    rows, assigns, base = [], [], []
    for line in table.strip().splitlines():
        f = line.split("|")
        rows.append(
            {
                "task_id": f[0], "category": f[1], "subcategory": f[2], "task": f[3],
                "purpose": f[4], "kind": f[5], "difficulty": int(f[6]), "remote": f[7],
                "outsourcing": f[8], "frequency": f[9], "manual": f[10],
            }
        )
        base.append(float(f[11]))
        assigns.append([tuple(a.split(":")) for a in f[12].split(",")])
    tasks = pd.DataFrame(rows)
    tasks["note"] = pd.Series([None] * len(tasks), dtype="object")
    return tasks, assigns, np.array(base)


def _draw_hours(
    tasks: pd.DataFrame,
    assigns: list[list[tuple[str, str]]],
    base: np.ndarray,
    targets: dict[str, float],
    rng: np.random.Generator,
    *,
    drop_tasks: tuple[str, ...] = (),
    replace: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One hours row per (member, task) with realistic, reproducible numbers.

    ``targets`` gives each member's monthly total; ``replace`` maps members absent from this
    round to the member who did their work; ``drop_tasks`` are tasks that did not exist yet.
    """
    replace = replace or {}
    recs = []
    for i, task_id in enumerate(tasks["task_id"]):
        if task_id in drop_tasks:
            continue
        merged: dict[str, str] = {}
        for member, r in assigns[i]:
            member = replace.get(member, member)
            if member not in merged or _SHARE[r] > _SHARE[merged[member]]:
                merged[member] = r
        weights = np.array([_SHARE[r] for r in merged.values()])
        jitter = rng.lognormal(0.0, 0.25, size=len(weights))
        split = weights * jitter
        split = split / split.sum() * base[i] * rng.lognormal(0.0, 0.15)
        for (member, r), h in zip(merged.items(), split, strict=True):
            recs.append({"member_id": member, "task_id": task_id, "raw": h, "role": _ROLE[r]})
    hours = pd.DataFrame(recs)
    totals = hours.groupby("member_id")["raw"].sum()
    factor = hours["member_id"].map(pd.Series(targets) / totals)
    hours["raw"] = hours["raw"] * factor
    freq = hours["task_id"].map(tasks.set_index("task_id")["frequency"])
    times = freq.map(_TIMES)
    use_times = times.notna() & (hours["raw"] > 0) & (rng.random(len(hours)) < 0.45)
    hpt = (hours["raw"] / times).mul(4).round().clip(lower=1) / 4  # quarter hours
    hours["times_per_month"] = times.where(use_times).astype(float)
    hours["hours_per_time"] = hpt.where(use_times).astype(float)
    monthly = (hours["raw"] * 2).round().clip(lower=1) / 2  # half hours
    hours["hours"] = monthly.where(~use_times & (hours["raw"] > 0)).astype(float)
    hours.loc[hours["role"] == "対応可", "hours"] = np.nan
    hours = hours[["member_id", "task_id", "hours", "times_per_month", "hours_per_time", "role"]]
    order = {m: k for k, m in enumerate(sorted(targets))}
    hours = hours.assign(_m=hours["member_id"].map(order)).sort_values(["_m", "task_id"], kind="stable")
    return hours.drop(columns="_m").reset_index(drop=True)


def _members(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["member_id", "name", "grade", "employment", "team", "capacity_hours"])


def _coding(
    interviews: list[dict],
    memos: dict[str, list[tuple[str, str]]],
    rng: np.random.Generator,
    *,
    coder_a: tuple[str, ...],
    coder_b: tuple[str, ...],
) -> pd.DataFrame:
    """Manual coding by two coders. coder_a's codes are written in the interview data;
    coder_b codes the interviews in ``coder_b`` independently: mostly the same codes, some
    missed and a few extra, so that agreement is high but not perfect."""
    first: list[tuple[str, str]] = []  # (segment_id, "code/code")
    for iv in interviews:
        for pos, (_speaker, _text, codes) in enumerate(iv["turns"], start=1):
            first.append((f"{iv['id']}-{pos:03d}", codes))
    for memo_id, paragraphs in memos.items():
        for pos, (_text, codes) in enumerate(paragraphs, start=1):
            first.append((f"{memo_id}-{pos:03d}", codes))
    rows = []
    for seg, codes in first:
        iid = seg.rsplit("-", 1)[0]
        coded = [c for c in codes.split("/") if c]
        if iid in coder_a:
            for c in coded:
                rows.append((seg, c, "coder_a", ""))
        if iid in coder_b:
            b = [c for c in coded if rng.random() < 0.85]
            if coded and rng.random() < 0.15:
                extra = CODES[int(rng.integers(0, len(CODES)))]
                if extra not in b:
                    b.append(extra)
            for c in b:
                note = "要確認" if c not in coded else ""
                rows.append((seg, c, "coder_b", note))
    df = pd.DataFrame(rows, columns=["segment_id", "code", "coder", "note"])
    return df


#: kasou-denki's codebook.yml: gyomu's default plus one code of this client.
KD_CODEBOOK: dict[str, Any] = {
    "mode": "extend",
    "codes": [
        {
            "code": "現場支援",
            "parent": "期待",
            "definition": "工事現場からの急な手配や書類の依頼に総務が応えること、またその負担",
            "keywords": ["現場", "工事部", "手配", "急ぎ"],
            "exclude": ["現場に戻りたい"],
        }
    ],
}


def kasou_denki(seed: int = SEED) -> SampleClient:
    """The sample client 架空電気工事株式会社 総務課 (see the module docstring)."""
    rng = np.random.default_rng(seed)
    members = _members(
        [
            ("M01", "山根 孝之", "G5", "正社員", "総務課", 160),
            ("M02", "北村 美穂", "G4", "正社員", "総務課", 160),
            ("M03", "岡崎 真一", "G3", "正社員", "総務課", 160),
            ("M04", "小野寺 彩", "G3", "正社員", "総務課", 160),
            ("M05", "宮下 健太", "G2", "契約社員", "総務課", 160),
            ("M06", "藤井 智子", "G1", "パート", "総務課", 120),
            ("M07", "野口 さやか", "G1", "パート", "総務課", 120),
        ]
    )
    members["capacity_hours"] = members["capacity_hours"].astype(float)
    tasks, assigns, base = _parse_tasks(KD_TASKS)
    tasks.loc[tasks["task_id"] == "T45", "note"] = "5年ごとの更新。前回は期限直前に気づいた"
    tasks.loc[tasks["task_id"] == "T53", "note"] = "電話・チャットで随時依頼が入る"
    tasks.loc[tasks["task_id"] == "T51", "note"] = "年4回発行"
    targets = {"M01": 157, "M02": 156, "M03": 194, "M04": 150, "M05": 158, "M06": 116, "M07": 98}
    hours = _draw_hours(tasks, assigns, base, targets, rng)
    # The earlier round: M07 had not joined yet (M06 did her work), the scanning and the
    # paperless project did not exist, and the load was spread a little differently.
    old_targets = {"M01": 152, "M02": 178, "M03": 171, "M04": 156, "M05": 149, "M06": 124}
    old_hours = _draw_hours(
        tasks, assigns, base, old_targets, rng, drop_tasks=("T44", "T48"), replace={"M07": "M06"}
    )
    old_tasks = tasks[~tasks["task_id"].isin(["T44", "T48"])].reset_index(drop=True)
    old_members = members[members["member_id"] != "M07"].reset_index(drop=True)
    memos = {"I07": KD_MEMO}
    coding = _coding(
        KD_INTERVIEWS, memos, rng,
        coder_a=("I01", "I02", "I03", "I04", "I05", "I06", "I07"),
        coder_b=("I01", "I02", "I03", "I04"),
    )
    config = {
        "name": "架空電気工事株式会社 総務課",
        "wave": "2026-10",
        "capacity_hours": 160,
        "grades": ["G1", "G2", "G3", "G4", "G5"],
        "strategic_purposes": ["戦略", "改善"],
        "anonymize": False,
    }
    vision = {
        "vision": "現場が工事に集中できる土台を整え、会社の変化に先回りして仕掛ける総務になる",
        "targets": {
            "strategic_share": 0.15,
            "person_dependent_share": 0.15,
            "undocumented_dependent_share": 0.08,
            "routine_share": 0.60,
            "remote_share": {"target": 0.45, "direction": "max"},
            "truck_factor": 6,
            "max_utilization": 1.0,
            "overloaded_members": 0,
        },
        "maturity": [
            {"dimension": "業務標準化", "current": 2, "target": 4},
            {"dimension": "属人化の解消", "current": 1, "target": 3},
            {"dimension": "IT・デジタル活用", "current": 2, "target": 4},
            {"dimension": "戦略・企画力", "current": 1, "target": 3},
            {"dimension": "人材育成", "current": 2, "target": 4},
            {"dimension": "他部門との連携", "current": 3, "target": 4},
        ],
        "measures": [
            {"name": "請求書受付・経費精算の外部委託", "tasks": ["T26", "T27"], "action": "外部委託",
             "reduction": 0.6, "start": "2027-01", "end": "2027-03", "owner": "総務課長"},
            {"name": "工事書類の電子保存と自動取込", "tasks": ["T42", "T44"], "action": "自動化",
             "reduction": 0.5, "start": "2027-02", "end": "2027-06", "owner": "総務課 主任"},
            {"name": "来客・電話受付の一本化", "tasks": ["T03", "T04", "T53"], "action": "集約",
             "reduction": 0.3, "start": "2027-01", "end": "2027-02", "owner": "総務課長"},
            {"name": "社内報の廃止(社内掲示板へ移行)", "tasks": ["T51"], "action": "廃止",
             "reduction": 0.8, "start": "2027-04", "end": "2027-04", "owner": "総務課 担当"},
            {"name": "属人化業務のマニュアル整備", "tasks": ["T11", "T13", "T28", "T34", "T37", "T38", "T45"],
             "action": "標準化", "reduction": 0.1, "start": "2027-01", "end": "2027-09",
             "owner": "総務課 係長"},
            {"name": "施設管理の一部外部委託", "category": "施設管理", "action": "外部委託",
             "reduction": 0.2, "start": "2027-04", "end": "2027-09", "owner": "総務課長"},
        ],
    }
    return SampleClient(
        client_id=KASOU_DENKI, config=config, members=members, tasks=tasks, hours=hours,
        interviews=KD_INTERVIEWS, memos=memos, coding=coding, vision=vision,
        history={"2025-10": (old_members, old_tasks, old_hours)}, codebook=KD_CODEBOOK, fmt="xlsx",
    )


def project_office(seed: int = SEED + 1) -> SampleClient:
    """The sample client 架空システム株式会社 プロジェクト推進室 (see the module docstring)."""
    rng = np.random.default_rng(seed)
    members = _members(
        [
            ("P01", "堀内 雅之", "課長", "正社員", "プロジェクト推進室", 160),
            ("P02", "松永 由紀", "係長", "正社員", "プロジェクト推進室", 160),
            ("P03", "三宅 亮介", "主任", "正社員(兼務)", "開発一課", 80),
            ("P04", "杉浦 千尋", "主任", "正社員(兼務)", "開発二課", 80),
            ("P05", "菅原 奈々", "一般", "派遣", "プロジェクト推進室", 140),
            ("P06", "長尾 里美", "一般", "派遣", "プロジェクト推進室", 140),
            ("P07", "平田 祐介", "一般", "派遣", "プロジェクト推進室", 140),
            ("P08", "森本 恵", "一般", "派遣", "プロジェクト推進室", 120),
            ("P09", "今井 紗希", "一般", "正社員(兼務)", "開発三課", 60),
            ("P10", "桑原 直樹", "係長", "正社員(兼務)", "開発一課", 60),
        ]
    )
    members["capacity_hours"] = members["capacity_hours"].astype(float)
    # P03, P04, P09 and P10 belong to development sections; their 月間所定時間 here is the
    # part of their month assigned to this desk's work.
    members.loc[members["member_id"] == "P08", "employment"] = "派遣(時短)"
    tasks, assigns, base = _parse_tasks(PO_TASKS)
    tasks.loc[tasks["task_id"] == "W01", "note"] = "年間件数は他本部の約3倍"
    tasks.loc[tasks["task_id"] == "W03", "note"] = "一度集約したが開発課へ戻した"
    targets = {"P01": 150, "P02": 182, "P03": 72, "P04": 66, "P05": 136, "P06": 137,
               "P07": 131, "P08": 114, "P09": 58, "P10": 41}
    hours = _draw_hours(tasks, assigns, base, targets, rng)
    coding = _coding(PO_INTERVIEWS, {}, rng, coder_a=("J01", "J02", "J03"), coder_b=())
    config = {
        "name": "架空システム株式会社 第二開発本部 プロジェクト推進室",
        "wave": "2026-11",
        "capacity_hours": 160,
        "grades": ["一般", "主任", "係長", "課長"],
        "strategic_purposes": ["戦略", "改善"],
        "anonymize": True,
    }
    vision = {
        "vision": "開発の現場が本来の仕事に集中できるよう、集めるべき仕事を見極めて一つの窓口で引き受ける",
        "targets": {
            "strategic_share": 0.15,
            "routine_share": 0.65,
            "adhoc_share": 0.12,
            "person_dependent_share": 0.12,
            "max_utilization": 1.05,
            "truck_factor": 3,
        },
        "maturity": [
            {"dimension": "業務標準化", "current": 2, "target": 4},
            {"dimension": "属人化の解消", "current": 2, "target": 4},
            {"dimension": "IT・デジタル活用", "current": 3, "target": 4},
            {"dimension": "戦略・企画力", "current": 2, "target": 3},
            {"dimension": "人材育成", "current": 2, "target": 3},
            {"dimension": "他部門との連携", "current": 2, "target": 4},
        ],
        "measures": [
            {"name": "稟議作成の推進室への集約", "tasks": ["W01", "W02"], "action": "集約",
             "reduction": 0.3, "start": "2027-01", "end": "2027-03", "owner": "推進室長"},
            {"name": "請求書処理の集約と照合ルールの統一", "category": "請求・支払", "action": "集約",
             "reduction": 0.25, "start": "2027-01", "end": "2027-04", "owner": "推進室 係長"},
            {"name": "管理職の日程調整の窓口一本化", "tasks": ["W22"], "action": "集約",
             "reduction": 0.2, "start": "2027-02", "end": "2027-03", "owner": "推進室長"},
            {"name": "月次集計のマクロ化", "tasks": ["W17", "W19", "W20"], "action": "自動化",
             "reduction": 0.5, "start": "2027-02", "end": "2027-06", "owner": "開発一課 主任"},
            {"name": "予算・原価管理の手順書整備", "tasks": ["W03", "W14", "W16"], "action": "標準化",
             "reduction": 0.1, "start": "2027-01", "end": "2027-06", "owner": "推進室 係長"},
        ],
    }
    return SampleClient(
        client_id=PROJECT_OFFICE, config=config, members=members, tasks=tasks, hours=hours,
        interviews=PO_INTERVIEWS, coding=coding, vision=vision, fmt="csv",
    )


# --- writing -----------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, except lists of scalars and the one-line rows of ``maturity``."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = set(data) == {"dimension", "current", "target"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def _yaml(data: dict[str, Any]) -> str:
    return _GENERATED_NOTE + yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() else repr(f)


def csv_text(frame: pd.DataFrame, sheet: schema.Sheet) -> str:
    """A survey frame (English aliases) as CSV text with the Japanese headers."""
    out = pd.DataFrame()
    for col in sheet.columns:
        if col.alias not in frame.columns:
            continue
        s = frame[col.alias]
        if col.kind in ("number", "integer"):
            out[col.ja] = [_number(v) for v in s.astype(object)]
        else:
            out[col.ja] = ["" if pd.isna(v) else str(v) for v in s.astype(object)]
    buf = io.StringIO()
    out.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def interview_text(interview: dict) -> str:
    """An interview as a .md file: front matter, then one turn per line."""
    head = (
        f"---\nid: {interview['id']}\nrespondent: {interview['respondent']}\n"
        f"role: {interview['role']}\ndate: {interview['date']}\n---\n"
    )
    return head + "".join(f"{speaker}: {text}\n" for speaker, text, _codes in interview["turns"])


def write_sample(sample: SampleClient, path: str | Path) -> Path:
    """Write one sample client folder (client.yml, survey, interviews, coding, vision, history)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / "client.yml").write_text(_yaml(sample.config), encoding="utf-8")
    grades = sample.config["grades"]
    if sample.fmt == "xlsx":
        write_survey(path / "survey.xlsx", sample.members, sample.tasks, sample.hours, grades=grades)
    else:
        # One encoding each, as clients send them: Excel's "CSV UTF-8" (BOM), Shift_JIS, plain.
        (path / "members.csv").write_bytes(
            csv_text(sample.members, schema.MEMBERS).encode("utf-8-sig")
        )
        (path / "tasks.csv").write_bytes(csv_text(sample.tasks, schema.TASKS).encode("cp932"))
        (path / "hours.csv").write_bytes(csv_text(sample.hours, schema.HOURS).encode("utf-8"))
    if sample.interviews or sample.memos:
        idir = path / "interviews"
        idir.mkdir(exist_ok=True)
        for iv in sample.interviews:
            (idir / f"{iv['id']}.md").write_text(interview_text(iv), encoding="utf-8")
        for memo_id, paragraphs in sample.memos.items():
            text = "\n\n".join(p for p, _codes in paragraphs) + "\n"
            (idir / f"{memo_id}.txt").write_text(text, encoding="utf-8")
    if sample.coding is not None and len(sample.coding):
        sample.coding.to_csv(path / "coding.csv", index=False, lineterminator="\n")
    if sample.codebook is not None:
        (path / "codebook.yml").write_text(_yaml(sample.codebook), encoding="utf-8")
    if sample.vision is not None:
        (path / "vision.yml").write_text(_yaml(sample.vision), encoding="utf-8")
    for wave, (m, t, h) in sample.history.items():
        write_survey(path / "history" / wave / "survey.xlsx", m, t, h, grades=grades)
    return path


def samples(seed: int = SEED) -> list[SampleClient]:
    """Both sample clients."""
    return [kasou_denki(seed), project_office(seed + 1)]


def generate(root: str | Path = "data/sample", seed: int = SEED) -> list[Path]:
    """Write both sample client folders under ``root``; returns their paths."""
    root = Path(root)
    return [write_sample(s, root / s.client_id) for s in samples(seed)]


# --- the data ----------------------------------------------------------------------------

#: Tasks of kasou-denki: id|大分類|中分類|業務名|目的|業務種別|難易度|リモート|外部委託|頻度|
#: マニュアル|base monthly hours|assignments (member:主/副/可).
KD_TASKS = """
T01|庶務|郵便・配送|郵便物の仕分け・配布|運用|定型|1|不可|一部可|日次|有|10|M06:主,M07:副,M05:可
T02|庶務|郵便・配送|宅配便・バイク便の手配|運用|定型|1|不可|一部可|随時|有|4|M07:主,M06:副
T03|庶務|来客・電話|来客受付・お茶出し|運用|突発|1|不可|不可|随時|無|10|M06:主,M07:副,M01:副,M05:副
T04|庶務|来客・電話|代表電話の一次対応・取次ぎ|運用|突発|1|一部可|一部可|日次|無|22|M06:主,M07:主,M05:副,M04:副,M02:副
T05|庶務|備品|事務用品・消耗品の発注と在庫管理|運用|定型|1|可|一部可|週次|有|6|M02:主,M06:可
T06|庶務|備品|作業服・安全靴・保護具の支給管理|運用|定型|2|不可|不可|月次|無|6|M05:主,M03:可
T07|庶務|備品|名刺の発注|運用|定型|1|可|可|月次|有|1.5|M07:主,M06:可
T08|庶務|行事|社内行事の準備(安全大会・忘年会)|運用|非定型|2|一部可|一部可|四半期|無|8|M04:主,M05:副,M07:副
T09|庶務|慶弔|慶弔対応(弔電・供花・見舞金)|管理|突発|2|一部可|不可|随時|有|3|M04:主,M02:可
T10|庶務|社用車|社用車の予約管理・鍵の貸出|運用|定型|1|不可|不可|日次|無|8|M05:主,M06:副
T11|施設管理|車両|社用車の車検・点検・保険管理|管理|定型|3|一部可|一部可|月次|無|7|M03:主
T12|施設管理|車両|ETCカード・燃料カードの管理|管理|定型|2|可|一部可|月次|無|4|M03:主,M05:副
T13|施設管理|設備|本社・資材倉庫の設備点検の立会い|管理|定型|3|不可|一部可|月次|有|5|M03:主
T14|施設管理|設備|清掃・警備業者との調整|運用|定型|2|一部可|一部可|月次|有|3|M03:主,M04:可
T15|施設管理|設備|資材倉庫の鍵管理・入出庫記録の確認|管理|定型|2|不可|不可|日次|無|9|M05:主,M03:副
T16|施設管理|防災|防災訓練の企画・実施|管理|非定型|3|一部可|不可|半期|無|3|M03:主,M01:可
T17|施設管理|保守契約|複合機・電話機の保守契約管理|管理|定型|2|可|可|月次|有|2|M04:主,M02:可
T18|施設管理|修繕|事務所のレイアウト変更・修繕の手配|改善|非定型|3|一部可|一部可|随時|無|5|M03:主,M01:副
T19|契約・購買|購買|工事用資材の発注補助・納期確認|運用|定型|3|一部可|一部可|日次|無|18|M04:主,M05:副
T20|契約・購買|購買|見積書の取りまとめ・相見積もり|運用|定型|3|可|一部可|週次|有|8|M04:主,M02:副
T21|契約・購買|契約|契約書の製本・押印・保管|管理|定型|2|不可|一部可|週次|有|5|M04:主,M06:副
T22|契約・購買|取引先|取引先登録・反社チェックの更新|管理|定型|3|可|一部可|月次|無|4|M02:主
T23|契約・購買|契約|リース契約の更新管理|管理|定型|3|可|一部可|月次|無|2|M02:主,M04:可
T24|契約・購買|印紙|収入印紙の管理と印紙税の確認|管理|定型|2|一部可|不可|月次|有|2|M04:主,M02:副
T25|経理連携|現金|小口現金の管理・出納|管理|定型|2|不可|不可|日次|有|9|M02:主,M04:可
T26|経理連携|経費|経費精算・立替金のチェック|管理|定型|2|可|可|週次|有|12|M05:主,M02:副,M07:可
T27|経理連携|請求|請求書の受付・経理への回付|運用|定型|1|一部可|可|日次|有|10|M07:主,M05:副
T28|経理連携|資産|固定資産台帳の更新|管理|定型|4|可|一部可|月次|無|4|M02:主
T29|経理連携|決算|月次締め資料の作成補助|管理|定型|3|可|一部可|月次|無|8|M02:主,M05:副
T30|経理連携|工事原価|工事原価の集計補助|管理|定型|3|可|一部可|月次|無|10|M05:主,M02:可
T31|人事労務|入退社|入退社手続き(雇用契約・貸与物)|運用|非定型|3|一部可|一部可|随時|無|6|M02:主,M04:副
T32|人事労務|勤怠|勤怠データの集計・確認|管理|定型|2|可|可|月次|有|14|M04:主,M07:副,M05:可
T33|人事労務|社会保険|社会保険・雇用保険の手続き|運用|定型|4|可|可|随時|有|5|M02:主
T34|人事労務|給与|給与計算の事前チェック|管理|定型|4|可|可|月次|無|8|M02:主
T35|人事労務|年末調整|年末調整書類の配布・回収|運用|定型|2|一部可|可|年次|有|3|M04:主,M06:副,M07:副
T36|人事労務|健康管理|健康診断の手配・受診勧奨|運用|定型|2|可|可|年次|有|3|M04:主,M05:可
T37|人事労務|資格|電気工事士・施工管理技士の資格更新管理|管理|定型|3|可|一部可|月次|無|4|M03:主
T38|人事労務|安全衛生|安全衛生委員会の運営・議事録作成|管理|定型|3|一部可|不可|月次|無|5|M03:主
T39|人事労務|採用|求人票の作成・面接の日程調整|運用|非定型|3|可|一部可|随時|無|5|M01:主,M04:副
T40|文書管理|稟議|稟議書の回付・進捗確認|運用|定型|2|一部可|不可|日次|無|10|M05:主,M04:副,M03:可
T41|文書管理|規程|社内規程の改訂管理|管理|非定型|4|可|不可|随時|無|4|M01:主
T42|文書管理|保管|文書の保管・廃棄(保存年限の管理)|管理|定型|2|不可|一部可|四半期|無|4|M06:主,M05:副
T43|文書管理|印章|社印・代表者印の押印管理|管理|定型|2|不可|不可|日次|有|6|M02:主,M01:副
T44|文書管理|電子化|工事書類のスキャン・電子保存|運用|定型|1|一部可|可|日次|有|14|M07:主,M06:副
T45|文書管理|許認可|建設業許可・電気工事業登録の更新書類作成|管理|定型|4|可|一部可|年次|無|3|M02:主
T46|総務企画|方針|総務方針・年度計画の策定|戦略|非定型|5|可|不可|年次|無|4|M01:主
T47|総務企画|標準化|業務マニュアルの整備|改善|非定型|3|可|一部可|随時|無|3|M04:主,M01:副
T48|総務企画|電子化|ペーパーレス化・電子申請の推進|改善|非定型|4|可|一部可|随時|無|4|M01:主,M05:副
T49|総務企画|BCP|BCP(事業継続計画)の見直し|戦略|非定型|4|可|一部可|年次|無|2|M01:主
T50|総務企画|会議|経営会議の資料作成・議事録|管理|定型|3|可|不可|月次|無|8|M01:主,M02:副
T51|総務企画|広報|社内報の発行|改善|定型|2|可|一部可|四半期|有|4|M05:主,M04:副
T52|総務企画|働き方|働き方改革・休暇取得促進の施策検討|戦略|非定型|4|可|不可|随時|無|3|M01:主,M04:可
T53|庶務|現場支援|工事現場からの急な依頼への対応(備品手配・書類送付)|運用|突発|2|一部可|不可|随時|無|14|M03:主,M05:副,M06:副
T54|総務企画|組織運営|課内の業務割り振り・メンバー面談|管理|定型|3|一部可|不可|週次|無|16|M01:主
"""

#: Tasks of project-office, same layout as KD_TASKS.
PO_TASKS = """
W01|稟議・契約|稟議|稟議書の作成(外注・購買)|運用|定型|3|可|一部可|日次|有|30|P05:主,P06:副,P10:副,P03:副
W02|稟議・契約|稟議|稟議の回付状況の確認・督促|運用|定型|1|可|可|日次|有|10|P06:主,P05:副
W03|稟議・契約|契約|契約書の内容確認(業務委託・秘密保持)|管理|定型|4|可|不可|週次|有|12|P02:主,P04:副
W04|稟議・契約|注文|注文書・注文請書の確認と発行|管理|定型|3|可|一部可|日次|有|14|P07:主,P05:副
W05|稟議・契約|契約|契約台帳の更新|管理|定型|2|可|可|週次|有|5|P07:主
W06|稟議・契約|契約|契約更新期限の管理・担当者への連絡|管理|定型|2|可|可|月次|無|3|P02:主,P07:可
W07|請求・支払|請求書|協力会社からの請求書の受付・照合|運用|定型|2|可|可|日次|有|20|P08:主,P06:副
W08|請求・支払|請求書|請求書の差し戻し・再発行の依頼|運用|突発|2|可|可|随時|無|5|P08:主,P07:副
W09|請求・支払|支払|支払依頼の入力・経理部への連携|運用|定型|2|可|可|週次|有|8|P08:主,P06:副
W10|請求・支払|請求|顧客向け請求書の発行|管理|定型|3|可|一部可|月次|無|6|P04:主
W11|請求・支払|検収|検収書の作成・回収|運用|定型|2|可|可|月次|有|6|P06:主,P08:可
W12|工数・予算|工数|プロジェクト工数の入力督促・集計|管理|定型|2|可|可|週次|有|12|P05:主,P09:副
W13|工数・予算|工数|工数の計画と実績の差異チェック|管理|定型|3|可|一部可|月次|無|8|P03:主,P09:副
W14|工数・予算|予算|部門予算の執行管理・見込みの更新|管理|定型|4|可|不可|月次|無|10|P02:主
W15|工数・予算|予算|外注費の予実管理|管理|定型|3|可|一部可|月次|無|8|P10:主,P02:副
W16|工数・予算|原価|プロジェクト原価の月次締め|管理|定型|4|可|一部可|月次|無|8|P04:主
W17|集計・報告|月次報告|月次報告資料のデータ集計|運用|定型|2|可|可|月次|有|12|P07:主,P05:副
W18|集計・報告|要員|要員計画表・アサイン表の更新|管理|定型|3|可|一部可|週次|無|8|P09:主,P03:副
W19|集計・報告|勤怠|残業時間の集計と上限超過の注意喚起|管理|定型|2|可|可|月次|有|6|P06:主,P09:可
W20|集計・報告|品質|品質指標(障害件数など)の集計|運用|定型|2|可|可|月次|無|5|P09:主
W21|集計・報告|効率化|集計作業のマクロ化・テンプレート整備|改善|非定型|3|可|一部可|随時|無|6|P03:主,P07:副
W22|日程調整|管理職|管理職の日程調整・会議室の予約|運用|突発|2|可|可|日次|無|22|P06:主,P05:副,P08:副
W23|日程調整|会議|定例会議の準備・議事録作成|運用|定型|2|可|一部可|週次|有|10|P05:主,P07:副
W24|日程調整|来訪・出張|顧客来訪・出張の手配|運用|非定型|2|一部可|一部可|随時|有|6|P08:主,P06:副
W25|突発対応|依頼|急な資料作成依頼への対応|運用|突発|3|可|一部可|随時|無|14|P05:主,P07:副,P06:副
W26|突発対応|依頼|依頼の受付・優先順位の判断|管理|突発|4|一部可|不可|日次|無|10|P02:主,P01:副
W27|突発対応|障害|システム障害時の連絡・報告の取りまとめ|管理|突発|3|一部可|不可|随時|無|4|P03:主,P10:副
W28|推進室運営|設計|集約対象業務の整理・受付ルールの設計|戦略|非定型|4|可|不可|随時|無|12|P01:主,P02:副
W29|推進室運営|体制|作業配分の見直し・派遣スタッフとの調整|管理|定型|4|一部可|不可|週次|無|12|P01:主,P02:副
W30|推進室運営|標準化|業務手順書・引き継ぎ資料の作成|改善|非定型|3|可|一部可|随時|無|8|P02:主,P05:副,P06:副
W31|推進室運営|報告|本部長への状況報告・課長との認識合わせ|戦略|定型|4|可|不可|週次|無|8|P01:主
W32|推進室運営|育成|派遣スタッフの受け入れ・教育|改善|非定型|3|一部可|不可|随時|無|6|P02:主,P01:副
W33|推進室運営|効果測定|集約効果の測定・改善提案|改善|非定型|4|可|不可|四半期|無|5|P01:主,P03:可
"""

#: Interviews of kasou-denki. Each turn: (speaker, text, codes of coder_a separated by "/").
KD_INTERVIEWS: list[dict] = [
    {
        "id": "I01", "respondent": "代表取締役", "role": "経営", "date": "2026-10-05",
        "turns": [
            ("Q", "本日はお時間をいただきありがとうございます。まず、総務課を新しく立ち上げた経緯を教えてください。", ""),
            ("A", "もともと総務の仕事は、経理の北村さんや工事部から来た岡崎くんが片手間でやっていたんです。社員が50人近くになって、それでは回らなくなってきた。それで今年の春に思い切って課として独立させました。", "期待される役割"),
            ("Q", "総務課にはどんな役割を期待していますか。", ""),
            ("A", "現場の職人が工事に集中できるようにしてほしい、というのが一番です。ただそれだけじゃなくて、採用や休みの取り方も含めて、会社の先のことを考える部署になってほしいと思っています。", "期待される役割/働き方"),
            ("Q", "今の総務課の様子をどうご覧になっていますか。", ""),
            ("A", "みんな目の前の仕事に追われているように見えますね。何か頼むと「今月は手が回らないので来月でいいですか」と言われることもある。責めるつもりはないんですが、総務のほうから改善の提案が上がってきたことは、ほとんどありません。", "業務過多/戦略的取組の不足"),
            ("Q", "気になっているリスクはありますか。", ""),
            ("A", "車両や許認可のことは、岡崎くんと北村さんしか分からないでしょう。二人のどちらかが長く休んだら、正直どうなるか分からない。建設業許可の更新を危うく忘れかけたこともありました。", "属人化/ミス・トラブル"),
            ("Q", "IT化やデジタル化についてはいかがですか。", ""),
            ("A", "工事書類は今も紙が中心です。現場からはタブレットで写真を送ってくるのに、事務所ではそれをまた印刷して綴じている。そこはもったいないと感じています。", "IT・DX"),
            ("Q", "3年後、総務課にどうなっていてほしいですか。", ""),
            ("A", "言われたことをこなすだけじゃなくて、「社長、これはやめましょう」と言ってくれる総務ですね。そのためにも、まずは仕事の中身を見える形にしてほしい。", "期待される役割/集約・標準化"),
        ],
    },
    {
        "id": "I02", "respondent": "M01", "role": "組織長", "date": "2026-10-06",
        "turns": [
            ("Q", "課長に就任されて半年ですが、率直な感想を聞かせてください。", ""),
            ("A", "想像していた以上に雑多な仕事が多いですね。郵便から車検、規程の改訂まで、とにかく幅が広い。私自身も来客や電話に出ることが多くて、本来やるべき方針づくりにはほとんど時間を割けていません。", "業務過多/戦略的取組の不足"),
            ("Q", "メンバーの負担についてはどう見ていますか。", ""),
            ("A", "岡崎は明らかに抱えすぎです。残業が月30時間を超える月が続いていて、本人は大丈夫だと言うんですが、見ていて心配になります。一方で、パートさんにはもう少し任せられる仕事があると思っています。", "業務過多/離職・定着"),
            ("Q", "属人化している業務はありますか。", ""),
            ("A", "給与計算の事前チェックや固定資産の管理は、完全に属人化しています。北村さんにしか分からなくて、マニュアルもない。彼女が休むと締めが止まってしまうので、引き継ぎの仕組みを作らないといけないとは分かっているんですが。", "属人化"),
            ("Q", "他部署からはどう見られていると思いますか。", ""),
            ("A", "「頼めば何でもやってくれる部署」だと思われている節があります。現場の急な依頼も断れずに受けてしまっていて、それが岡崎の負担にもつながっている。", "認識のずれ/他部門連携/業務過多"),
            ("Q", "業務を減らすとしたら、どこから手をつけたいですか。", ""),
            ("A", "請求書の受付や経費精算は外に出せると思います。あとは社内報ですね。毎号それなりに手間がかかっているのに、読まれている実感がない。やめるという判断も必要かもしれません。", "集約・標準化"),
            ("Q", "メンバーの働き方についてはいかがですか。", ""),
            ("A", "書類の電子化が進めば、一部はテレワークでもできるはずです。パートの藤井さんからも、子どもの行事がある日は家で作業したいという声が出ています。", "働き方/IT・DX"),
        ],
    },
    {
        "id": "I03", "respondent": "M02", "role": "総務メンバー", "date": "2026-10-07",
        "turns": [
            ("Q", "普段のお仕事の内容を教えてください。", ""),
            ("A", "経理との連携と人事まわりが中心です。給与の事前チェック、社会保険の手続き、固定資産台帳、それに小口現金も見ています。細かい仕事が毎日何かしら入ってきます。", ""),
            ("Q", "困っていることはありますか。", ""),
            ("A", "私が休むと止まる仕事が多すぎることです。去年インフルエンザで1週間休んだときは給与の確認が間に合わなくて、社長に直接謝りに行きました。それ以来、体調を崩せないというプレッシャーがずっとあります。", "属人化/ミス・トラブル"),
            ("Q", "引き継ぎやマニュアル作りは進んでいますか。", ""),
            ("A", "作りたい気持ちはあるんですが、締めの時期は残業しても終わらないくらいなので、なかなか手が回りません。頭の中にある手順を書き出すだけでも、まとまった時間が要ります。", "業務過多/属人化/集約・標準化"),
            ("Q", "ミスが起きやすい業務はありますか。", ""),
            ("A", "社会保険の手続きですね。入退社が月末に重なると、提出期限をうっかり過ぎそうになります。チェックリストはあるんですが、更新されていなくて今の手続きと合っていないんです。", "ミス・トラブル/集約・標準化"),
            ("Q", "他部署との関係はいかがですか。", ""),
            ("A", "経費精算の差し戻しが多くて、現場の人からは「総務は細かい」と言われてしまいます。ルールを決めたのは経営なのに、窓口の私たちが悪者になっている感じです。", "他部門連携/認識のずれ"),
            ("Q", "総務課として、これから取り組みたいことはありますか。", ""),
            ("A", "電子申請をもっと使いたいです。社会保険も年末調整も、今は紙で集めて手で入力しているので、そこが変われば月に何時間かは浮くと思います。", "IT・DX"),
        ],
    },
    {
        "id": "I04", "respondent": "M03", "role": "総務メンバー", "date": "2026-10-08",
        "turns": [
            ("Q", "今の仕事量について、どう感じていますか。", ""),
            ("A", "正直、きついです。車両と設備の管理に加えて、現場からの急ぎの頼まれごとが毎日のように入ってきます。定時で帰れた日は、今月はまだ数えるほどしかありません。", "業務過多"),
            ("Q", "急ぎの頼まれごととは、例えばどんなものですか。", ""),
            ("A", "「明日の現場で使う書類を今日中に送ってほしい」とか、「安全帯が足りないから手配して」とかですね。断ると現場が止まってしまうので、結局自分が動くことになります。", "他部門連携/業務過多/現場支援"),
            ("Q", "車検や保険の管理は、他の方でも対応できますか。", ""),
            ("A", "いや、たぶん無理だと思います。15台分の車検の時期や保険の条件は、私のエクセルにしか入っていないので。宮下さんに少し教えかけたんですが、忙しくて途中で止まってしまいました。", "属人化"),
            ("Q", "過去にトラブルはありましたか。", ""),
            ("A", "一度、車検が切れた車を現場に出しかけたことがあります。出発前に気づいたので事なきを得ましたが、あれはぞっとしました。仕組みで防げるようにしないといけないと思っています。", "ミス・トラブル"),
            ("Q", "今後のキャリアについてはどう考えていますか。", ""),
            ("A", "もともと工事部にいたので、いずれ現場に戻りたい気持ちもあります。ただ、今の状態で自分が抜けたら総務が回らなくなるのも分かっていて、言い出しにくいですね。", "離職・定着/属人化"),
            ("Q", "総務課に一番必要なものは何だと思いますか。", ""),
            ("A", "仕事を断る基準だと思います。何でも引き受けているうちは、改善に使う時間なんて生まれませんから。", "認識のずれ/戦略的取組の不足"),
        ],
    },
    {
        "id": "I05", "respondent": "M06・M07", "role": "総務メンバー", "date": "2026-10-08",
        "turns": [
            ("聞き手", "お二人の普段のお仕事を教えてください。", ""),
            ("藤井", "郵便の仕分けと電話、来客の受付が中心です。午後は工事書類のスキャンを手伝うこともあります。", ""),
            ("野口", "私は請求書の受付と書類のスキャンがほとんどです。入社してまだ半年なので、覚えることがたくさんあります。", ""),
            ("聞き手", "仕事の中で困っていることはありますか。", ""),
            ("野口", "分からないことを誰に聞けばいいのか迷うことです。みなさん忙しそうなので、声をかけるのをためらってしまって。手順書があれば自分で調べられるんですが。", "情報共有不足/集約・標準化"),
            ("藤井", "電話を取り次ぐときに、誰が今どこにいるのか分からないのも困ります。予定表が更新されていないことが多くて、お客様をお待たせしてしまうんです。", "情報共有不足/ミス・トラブル"),
            ("聞き手", "もっと任せてほしい仕事はありますか。", ""),
            ("藤井", "備品の発注なら私でもできると思います。北村さんがやっているのを横で見ていて、あれなら覚えられそうだなと。", ""),
            ("野口", "在宅で書類のチェックができると助かります。子どもが小さいので、急に休まないといけない日もあって。", "働き方"),
            ("聞き手", "前任の方が辞められたと伺いましたが。", ""),
            ("藤井", "はい、去年の秋に一人辞めてしまいました。仕事が急に増えたのに、相談できる人がいなかったみたいです。引き継ぎの資料もほとんど残っていなくて、しばらくは手探りでした。", "離職・定着/属人化/情報共有不足"),
        ],
    },
    {
        "id": "I06", "respondent": "工事部長", "role": "他部署", "date": "2026-10-09",
        "turns": [
            ("Q", "工事部から見て、総務課はどんな存在ですか。", ""),
            ("A", "困ったときの駆け込み寺ですね。資材の手配でも書類でも、とりあえず岡崎くんに電話すれば何とかしてくれる。あの人しか分からないことが多いので、ついそうなってしまうんです。頼りすぎている自覚はあります。", "他部門連携/属人化/現場支援"),
            ("Q", "総務課に期待することは何ですか。", ""),
            ("A", "安全衛生と資格の管理をしっかり回してほしいです。電気工事士の更新が切れていたら、その人は現場に出せなくなる。そこは総務に仕組みとして持っていてほしいですね。", "期待される役割"),
            ("Q", "不満に感じていることはありますか。", ""),
            ("A", "書類のやり取りがまだ紙とファクスなんですよ。現場から事務所に戻って書類を出すだけで、往復1時間かかることもある。スマホで済むようにならないのかと、若い連中からよく言われます。", "IT・DX/働き方"),
            ("Q", "総務課と工事部の連携で改善できそうな点はありますか。", ""),
            ("A", "頼みごとの窓口を一本にしてほしいですね。今は誰に頼めばいいか分からないから、知っている人に直接電話してしまう。依頼の受付ルールを決めてもらえれば、こちらも従います。", "他部門連携/集約・標準化/情報共有不足"),
            ("Q", "最後に、総務課へ一言お願いします。", ""),
            ("A", "現場のことを分かってくれる総務がいるのは、うちの会社の強みだと思っています。だからこそ、無理をして潰れてしまわないようにしてほしい。", "期待される役割/業務過多"),
        ],
    },
]

#: A memo without front matter, written as paragraphs (file I07.txt).
KD_MEMO: list[tuple[str, str]] = [
    ("営業課としての意見をまとめました。見積もりや契約書の作成では、総務課の小野寺さんに助けてもらうことが多く、とても感謝しています。", "他部門連携"),
    ("一方で、契約書の押印に時間がかかることがあります。社印の管理を北村さんが一人でしているため、北村さんが不在だと押印が翌日に回ってしまい、お客様への返送が遅れたことが何度かありました。", "属人化/ミス・トラブル"),
    ("電子契約を使う取引先も増えてきました。紙の契約書だけでなく電子契約にも対応できるよう、総務課で検討していただけると助かります。", "IT・DX"),
    ("また、来客時の受付やお茶出しを営業課員がしていることもあります。総務課の手が足りていないのは分かっているので、受付のやり方を一緒に見直せればと思います。", "業務過多/他部門連携"),
]

PO_INTERVIEWS: list[dict] = [
    {
        "id": "J01", "respondent": "第二開発本部長", "role": "経営", "date": "2026-11-02",
        "turns": [
            ("Q", "プロジェクト推進室を作った狙いを教えてください。", ""),
            ("A", "開発の課長やリーダーが、稟議や請求書の処理に時間を取られすぎていたんです。本来はお客様と向き合ってほしい人たちが、夜になってから事務作業をしている。それをやめさせたかった。", "業務過多/期待される役割"),
            ("Q", "集約を始めて、変化はありましたか。", ""),
            ("A", "稟議の差し戻しは目に見えて減りました。書式がそろったのが大きいですね。一方で、確認のやり取りが増えて、かえって時間がかかるという声も聞こえてきます。", "集約・標準化/他部門連携"),
            ("Q", "今後、推進室に期待することは何ですか。", ""),
            ("A", "集めた仕事を回すだけでなく、どの仕事を集めるべきかを自分たちで判断してほしい。何でも集めればいいというものではないはずです。", "期待される役割/集約・標準化"),
            ("Q", "懸念していることはありますか。", ""),
            ("A", "派遣の方に頼る部分が大きいので、契約の切り替えで人が入れ替わると、ノウハウがごっそり抜けてしまうことです。", "離職・定着/属人化"),
        ],
    },
    {
        "id": "J02", "respondent": "P01", "role": "組織長", "date": "2026-11-04",
        "turns": [
            ("Q", "推進室の1日はどのように進みますか。", ""),
            ("A", "朝に依頼の一覧を見て、その日の優先順位を決めるところから始まります。ただ、昼までに急ぎの依頼が3件、4件と割り込んでくるので、計画どおりに進む日はほとんどありません。", "業務過多"),
            ("Q", "依頼の優先順位はどう決めていますか。", ""),
            ("A", "正直なところ、松永さんの判断に頼り切っています。どの課長の依頼をどこまで待ってもらえるか、彼女は感覚で分かっている。あの人しか分からない状態は、推進室としては危ういと思っています。", "属人化"),
            ("Q", "集約してうまくいかなかった業務はありますか。", ""),
            ("A", "契約書の確認は、一度まとめてみたものの結局戻しました。開発の担当者でないと判断できない条項が多くて、推進室を経由するとやり取りが一往復増えるだけだったんです。", "集約・標準化/他部門連携"),
            ("Q", "派遣スタッフの方との連携はいかがですか。", ""),
            ("A", "よくやってくれています。ただ、得意不得意がはっきりしているので、作業の割り振りは毎週見直しています。焦っている様子の人がいたら、こちらから声をかけるようにしています。", ""),
            ("Q", "これから取り組みたいことは何ですか。", ""),
            ("A", "手順書をそろえて、誰が休んでも回る体制にしたいです。それから、集計作業の多くはマクロで自動化できるはずなので、そこに時間を使いたいですね。", "集約・標準化/IT・DX"),
        ],
    },
    {
        "id": "J03", "respondent": "P05", "role": "推進室メンバー", "date": "2026-11-05",
        "turns": [
            ("Q", "担当している業務を教えてください。", ""),
            ("A", "稟議書の作成と工数の集計、それに定例会議の議事録です。稟議は月に40件くらい作っています。", ""),
            ("Q", "業務で大変なところはありますか。", ""),
            ("A", "依頼の内容があいまいなまま来ることが多くて、確認に時間がかかります。開発の方はお忙しいので、メールの返事が翌日になることもあって、締め切りに追われてしまいます。", "他部門連携/業務過多"),
            ("Q", "ミスが起きたことはありますか。", ""),
            ("A", "注文書の金額を前の版のまま出してしまったことがあります。ファイルの置き場所が人によって違っていて、古い版を開いてしまったんです。", "ミス・トラブル/情報共有不足"),
            ("Q", "働き方についてはいかがですか。", ""),
            ("A", "週2日は在宅で作業しています。ただ、押印が必要な書類がある日は出社しないといけないので、電子化が進めばもっと楽になると思います。", "働き方/IT・DX"),
            ("Q", "推進室に期待することは何ですか。", ""),
            ("A", "受付のルールをはっきりさせてほしいです。同じ依頼がチャットとメールの両方で届くこともあって、二重に対応しそうになります。", "集約・標準化/情報共有不足"),
        ],
    },
    {
        "id": "J04", "respondent": "開発二課長", "role": "他部署", "date": "2026-11-06",
        "turns": [
            ("Q", "推進室ができて、課長としての仕事は変わりましたか。", ""),
            ("A", "請求書の照合から解放されたのは本当に助かっています。以前は月末になると、夜遅くまで請求書と注文書を突き合わせていましたから。", "業務過多/集約・標準化"),
            ("Q", "逆に不便になったことはありますか。", ""),
            ("A", "日程調整ですね。推進室経由にしてから、急ぎの打ち合わせが入れにくくなりました。自分で調整したほうが早いときもあります。", "他部門連携"),
            ("Q", "推進室に任せたい業務は他にありますか。", ""),
            ("A", "要員計画の更新も任せたいですね。ただ、あれはプロジェクトの事情を知らないと書けないので、すぐには難しいかもしれません。", "集約・標準化"),
            ("Q", "推進室に一言お願いします。", ""),
            ("A", "派遣の方が替わるたびに一から説明し直すのは大変なので、引き継ぎの仕組みは作っておいてほしいです。", "離職・定着/情報共有不足"),
        ],
    },
    {
        "id": "J05", "respondent": "P08", "role": "推進室メンバー", "date": "2026-11-06",
        "turns": [
            ("Q", "請求書の処理を担当されていますが、月の中で忙しい時期はいつですか。", ""),
            ("A", "月末から月初の1週間です。協力会社からの請求書がまとめて届くので、その時期は時短勤務の枠に収まらなくて、残業をお願いされることもあります。", "業務過多/働き方"),
            ("Q", "請求書の照合でつまずきやすいのはどんなところですか。", ""),
            ("A", "注文書と金額が合わないときです。どちらが正しいのか私たちでは判断できないので、開発の担当者に確認するんですが、返事を待っているうちに支払の締めが近づいてしまいます。", "他部門連携/ミス・トラブル"),
            ("Q", "改善のアイデアはありますか。", ""),
            ("A", "照合のチェック項目を一覧にして、よくある差異の対応方法を書いておけば、担当者に聞かなくても済むものが増えると思います。", "集約・標準化"),
        ],
    },
]

CODES: tuple[str, ...] = (
    "業務過多", "ミス・トラブル", "属人化", "離職・定着", "認識のずれ", "情報共有不足",
    "他部門連携", "期待される役割", "IT・DX", "働き方", "戦略的取組の不足", "集約・標準化",
)

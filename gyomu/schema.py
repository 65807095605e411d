"""The survey contract as data: sheets, columns, aliases and allowed labels.

Everything that knows what a survey column is called or may contain reads it from here,
so intake, the template writer, the tests and the reports agree. Names follow
``../shared/spec/survey-format.md``: the Japanese header is canonical, the English alias
is the column name in every DataFrame gyomu returns.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND = ("定型", "非定型", "突発")
POSSIBILITY = ("可", "一部可", "不可")  # remote / outsourcing
FREQUENCY = ("日次", "週次", "月次", "四半期", "半期", "年次", "随時")
MANUAL = ("有", "無")
ROLE = ("主担当", "副担当", "対応可")
DIFFICULTY = (1, 2, 3, 4, 5)
ACTIONS = ("外部委託", "集約", "自動化", "廃止", "標準化")

#: Weight of each possibility label in remote_share / outsourceable_share.
POSSIBILITY_WEIGHT = {"可": 1.0, "一部可": 0.5, "不可": 0.0}


@dataclass(frozen=True)
class Column:
    """One column of a survey sheet."""

    ja: str  #: canonical Japanese header
    alias: str  #: English alias, the DataFrame column name
    kind: str  #: "text", "number", "integer" or "label"
    required: bool = False
    labels: tuple | None = None  #: allowed values for kind == "label" / "integer"
    hint: str = ""  #: short Japanese description for the template and messages


@dataclass(frozen=True)
class Sheet:
    """One sheet of survey.xlsx (or one CSV file)."""

    ja: str  #: sheet name in survey.xlsx
    alias: str  #: attribute name on Client and CSV file stem
    columns: tuple[Column, ...]

    @property
    def csv_name(self) -> str:
        return f"{self.alias}.csv"

    def column(self, alias: str) -> Column:
        return next(c for c in self.columns if c.alias == alias)


MEMBERS = Sheet(
    "メンバー",
    "members",
    (
        Column("メンバーID", "member_id", "text", True, hint="一意のID"),
        Column("氏名", "name", "text", True, hint="氏名"),
        Column("等級", "grade", "label", True, hint="client.yml の grades のいずれか"),
        Column("雇用形態", "employment", "text", hint="正社員 / 契約社員 / 派遣 / パート など"),
        Column("所属", "team", "text", hint="所属チーム"),
        Column("月間所定時間", "capacity_hours", "number", hint="空欄なら client.yml の値"),
    ),
)

TASKS = Sheet(
    "業務一覧",
    "tasks",
    (
        Column("業務ID", "task_id", "text", True, hint="一意のID"),
        Column("大分類", "category", "text", True, hint="例: 庶務, 施設管理, 契約・購買"),
        Column("中分類", "subcategory", "text"),
        Column("業務名", "task", "text", True),
        Column("目的", "purpose", "text", hint="例: 戦略 / 改善 / 運用 / 管理"),
        Column("業務種別", "kind", "label", True, KIND, "定型 / 非定型 / 突発"),
        Column("難易度", "difficulty", "integer", True, DIFFICULTY, "1(易)〜5(熟練)の整数"),
        Column("リモート", "remote", "label", True, POSSIBILITY, "可 / 一部可 / 不可"),
        Column("外部委託", "outsourcing", "label", True, POSSIBILITY, "可 / 一部可 / 不可"),
        Column("頻度", "frequency", "label", False, FREQUENCY, "日次 / 週次 / 月次 / 四半期 / 半期 / 年次 / 随時"),
        Column("マニュアル", "manual", "label", False, MANUAL, "有 / 無"),
        Column("備考", "note", "text"),
    ),
)

HOURS = Sheet(
    "工数",
    "hours",
    (
        Column("メンバーID", "member_id", "text", True, hint="メンバーシートのID"),
        Column("業務ID", "task_id", "text", True, hint="業務一覧シートのID"),
        Column("月間工数", "hours", "number", hint="月あたりの時間"),
        Column("回数", "times_per_month", "number", hint="月あたりの回数"),
        Column("1回あたり時間", "hours_per_time", "number", hint="1回あたりの時間"),
        Column("役割", "role", "label", False, ROLE, "主担当 / 副担当 / 対応可"),
    ),
)

SHEETS = (MEMBERS, TASKS, HOURS)

#: Japanese labels for the English column aliases, for tables shown to people.
COLUMN_LABELS: dict[str, str] = {c.alias: c.ja for s in SHEETS for c in s.columns}
COLUMN_LABELS.update(
    {
        "interview_id": "インタビューID",
        "segment_id": "セグメントID",
        "speaker": "話者",
        "respondent": "回答者",
        "text": "発言",
        "code": "コード",
        "coder": "コーダー",
    }
)

#: Japanese names and directions of the KPIs of the spec's KPI table.
#: direction "max": the goal is to reach or exceed the target; "min": stay at or below.
KPI_LABELS: dict[str, str] = {
    "total_hours": "総工数(時間/月)",
    "fte": "FTE(人月換算)",
    "strategic_share": "戦略業務比率",
    "routine_share": "定型業務比率",
    "adhoc_share": "突発業務比率",
    "remote_share": "リモート可能比率",
    "outsourceable_share": "外部委託可能比率",
    "person_dependent_share": "属人化業務比率",
    "undocumented_dependent_share": "マニュアル無し属人化業務比率",
    "delegable_share": "権限委譲可能比率",
    "max_utilization": "最大稼働率",
    "overloaded_members": "過負荷メンバー数",
    "truck_factor": "トラックファクター",
}
KPI_KEYS = tuple(KPI_LABELS)
KPIS_TO_REACH = ("strategic_share", "remote_share", "outsourceable_share", "truck_factor")


def kpi_direction(key: str) -> str:
    """Default goal direction of a KPI target: ``"at_least"`` or ``"at_most"`` (spec's rule)."""
    if key in KPIS_TO_REACH:
        return "at_least"
    return "at_most"

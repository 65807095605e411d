"""The Client: one client's survey as tidy DataFrames, the object every analysis takes.

``gyomu.load_client(path)`` builds it from a client folder (see ``gyomu.intake``); tests and
benchmarks may also build one directly from DataFrames with :func:`make_client`.

Frames and their columns (English aliases of the spec; extra input columns are kept after
these):

``members``  member_id, name, grade (ordered categorical, client.yml order), employment,
             team, capacity_hours (float, filled from client.yml where blank)
``tasks``    task_id, category, subcategory, task, purpose, kind (ordered cat 定型<非定型<突発),
             difficulty (ordered cat 1<…<5, int categories), remote, outsourcing (ordered cat
             可<一部可<不可), frequency (ordered cat, spec order), manual (cat 有/無, NaN = not
             stated), note
``hours``    member_id, task_id, hours (float ≥ 0, 回数 × 1回あたり時間 where those were given),
             times_per_month, hours_per_time (float or NaN), role (cat 主担当/副担当/対応可 or NaN)
``interviews`` interview_id, respondent, role, date, file
``segments`` interview_id, segment_id ("<interview_id>-<nnn>", 1-based position), position,
             speaker ("Q", "A" or a name; NaN for paragraphs), respondent, role, text
``codebook`` code, parent, definition, keywords (list[str]), exclude (list[str]),
             patterns (list[str]; regular expressions)
``coding``   segment_id, code, coder, note
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema
from .errors import Problem


@dataclass
class ClientConfig:
    """Typed client.yml."""

    client_id: str
    name: str
    wave: str = ""
    capacity_hours: float = 160.0
    grades: list[str] = field(default_factory=lambda: ["G1", "G2", "G3", "G4", "G5"])
    strategic_purposes: list[str] = field(default_factory=lambda: ["戦略", "改善"])
    anonymize: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  #: other keys, kept as given


@dataclass
class Target:
    """One KPI target of vision.yml. ``direction`` is "at_least" or "at_most"."""

    kpi: str
    target: float
    direction: str


@dataclass
class Measure:
    """One 施策 of vision.yml. Exactly one of ``tasks`` / ``category`` selects its tasks."""

    name: str
    action: str  #: one of schema.ACTIONS
    reduction: float  #: share (0–1) of the selected tasks' hours that leaves the department
    tasks: list[str] | None = None
    category: str | None = None
    start: pd.Period | None = None  #: monthly Period, e.g. Period("2027-01", "M")
    end: pd.Period | None = None
    owner: str | None = None


@dataclass
class Vision:
    """Typed vision.yml."""

    targets: dict[str, Target] = field(default_factory=dict)
    maturity: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["dimension", "current", "target"])
    )
    measures: list[Measure] = field(default_factory=list)
    statement: str | None = None  #: optional free-text vision statement (key ``vision``)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


SEGMENT_COLUMNS = ["interview_id", "segment_id", "position", "speaker", "respondent", "role", "text"]
INTERVIEW_COLUMNS = ["interview_id", "respondent", "role", "date", "file"]
CODEBOOK_COLUMNS = ["code", "parent", "definition", "keywords", "exclude", "patterns"]
CODING_COLUMNS = ["segment_id", "code", "coder", "note"]


@dataclass
class Client:
    """One client's survey, validated and typed. See the module docstring for the frames."""

    config: ClientConfig
    members: pd.DataFrame
    tasks: pd.DataFrame
    hours: pd.DataFrame
    path: Path | None = None
    interviews: pd.DataFrame = field(default_factory=lambda: _empty(INTERVIEW_COLUMNS))
    segments: pd.DataFrame = field(default_factory=lambda: _empty(SEGMENT_COLUMNS))
    codebook: pd.DataFrame = field(default_factory=lambda: _empty(CODEBOOK_COLUMNS))
    coding: pd.DataFrame = field(default_factory=lambda: _empty(CODING_COLUMNS))
    vision: Vision | None = None
    history: dict[str, Client] = field(default_factory=dict)  #: wave label -> earlier round
    warnings: list[Problem] = field(default_factory=list)

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def wave(self) -> str:
        return self.config.wave

    def __repr__(self) -> str:
        return (
            f"<Client {self.client_id} {self.name} wave={self.wave}: "
            f"{len(self.members)} members, {len(self.tasks)} tasks, {len(self.hours)} hours rows, "
            f"{len(self.segments)} segments>"
        )


def categorize(df: pd.DataFrame, grades: list[str]) -> pd.DataFrame:
    """Give the enumerated columns of a members, tasks or hours frame their ordered categoricals.

    Returns a new frame; columns that are absent are skipped. Values outside the categories
    become NaN, so validate before calling this.
    """
    out = df.copy()
    cats: dict[str, tuple] = {
        "grade": tuple(grades),
        "kind": schema.KIND,
        "difficulty": schema.DIFFICULTY,
        "remote": schema.POSSIBILITY,
        "outsourcing": schema.POSSIBILITY,
        "frequency": schema.FREQUENCY,
        "manual": schema.MANUAL,
        "role": schema.ROLE,
    }
    for col, values in cats.items():
        if col in out.columns:
            ordered = col not in ("manual", "role")
            out[col] = pd.Categorical(out[col], categories=list(values), ordered=ordered)
    return out


def make_client(
    members: pd.DataFrame,
    tasks: pd.DataFrame,
    hours: pd.DataFrame,
    *,
    client_id: str = "fixture",
    name: str = "テスト株式会社",
    grades: list[str] | None = None,
    capacity_hours: float = 160.0,
    **kwargs: Any,
) -> Client:
    """Build a Client straight from frames with the English aliases (tests, benchmarks).

    Fills the optional columns that are missing, computes ``hours`` from times × hours per
    time where ``hours`` is NaN, and applies :func:`categorize`. No validation.
    """
    grades = list(grades) if grades is not None else sorted(members["grade"].astype(str).unique())
    config = ClientConfig(client_id=client_id, name=name, grades=grades, capacity_hours=capacity_hours)
    for key in ("wave", "strategic_purposes", "anonymize"):
        if key in kwargs:
            setattr(config, key, kwargs.pop(key))
    members = members.copy()
    tasks = tasks.copy()
    hours = hours.copy()
    for sheet, frame in ((schema.MEMBERS, members), (schema.TASKS, tasks), (schema.HOURS, hours)):
        for col in sheet.columns:
            if col.alias not in frame.columns:
                frame[col.alias] = pd.NA if col.kind != "number" else float("nan")
    members["capacity_hours"] = pd.to_numeric(members["capacity_hours"]).fillna(capacity_hours)
    computed = pd.to_numeric(hours["times_per_month"]) * pd.to_numeric(hours["hours_per_time"])
    hours["hours"] = pd.to_numeric(hours["hours"]).fillna(computed).fillna(0.0).astype(float)
    order = lambda frame, sheet: frame[  # noqa: E731
        [c.alias for c in sheet.columns] + [c for c in frame.columns if c not in {x.alias for x in sheet.columns}]
    ]
    return Client(
        config=config,
        members=categorize(order(members, schema.MEMBERS), grades),
        tasks=categorize(order(tasks, schema.TASKS), grades),
        hours=categorize(order(hours, schema.HOURS), grades),
        **kwargs,
    )

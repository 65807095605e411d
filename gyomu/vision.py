"""vision.yml: KPI targets, the maturity self-assessment and the 施策 (measures).

:func:`read_vision` parses the file into :class:`gyomu.client.Vision` and lists every problem
in Japanese (file ``vision.yml``, ``row`` = YAML line where known, ``column`` = the key);
:func:`check_vision` checks the measures against the client's tasks.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pandas as pd

from . import schema
from .client import Measure, Target, Vision
from .errors import Problem

__all__ = ["read_vision", "parse_vision", "check_vision"]

_DIRECTIONS = {
    "min": "at_most", "max": "at_least", "at_most": "at_most", "at_least": "at_least",
    "以下": "at_most", "以上": "at_least",
}
_MATURITY = ("dimension", "current", "target")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(float(value)) else None
    if isinstance(value, str):
        text = value.strip().replace("%", "")
        try:
            number = float(text)
        except ValueError:
            return None
        return number / 100 if value.strip().endswith("%") else number
    return None


def _month(value: Any) -> pd.Period | None:
    """'2027-01', 2027-01-15 (a date) or '2027/01' as a monthly Period; None if unreadable."""
    if isinstance(value, dt.date):
        return pd.Period(year=value.year, month=value.month, freq="M")
    if isinstance(value, str):
        try:
            return pd.Period(value.strip().replace("/", "-"), freq="M")
        except (ValueError, TypeError):
            return None
    return None


def parse_vision(data: Any, file: str = "vision.yml") -> tuple[Vision, list[Problem]]:
    """Typed vision from already-parsed YAML data, and the problems found in it."""
    problems: list[Problem] = []
    vision = Vision()
    if data is None:
        return vision, problems
    if not isinstance(data, dict):
        return vision, [Problem(file, "vision.yml は targets: / maturity: / measures: の"
                                "「キー: 値」の形で書いてください。")]
    targets = data.get("targets") or {}
    if not isinstance(targets, dict):
        problems.append(Problem(file, "targets は 'strategic_share: 0.30' のように KPI 名と目標値を"
                                "並べてください。", column="targets"))
        targets = {}
    for key, spec in targets.items():
        key = str(key).strip()
        if key not in schema.KPI_LABELS:
            problems.append(Problem(
                file, f"targets の '{key}' は KPI の名前ではありません。使える名前: "
                f"{', '.join(schema.KPI_KEYS)}", column="targets", value=key))
            continue
        direction = schema.kpi_direction(key)
        value = spec
        if isinstance(spec, dict):
            value = spec.get("target")
            given = spec.get("direction")
            if given is not None:
                if str(given).strip() not in _DIRECTIONS:
                    problems.append(Problem(
                        file, f"targets.{key} の direction '{given}' は使えません。min(以下に抑える)"
                        "か max(以上を目指す)を書いてください。", column=f"targets.{key}", value=given))
                else:
                    direction = _DIRECTIONS[str(given).strip()]
        number = _number(value)
        if number is None:
            problems.append(Problem(
                file, f"targets.{key} の目標値 '{value}' を数値として読めません"
                f"({schema.KPI_LABELS[key]}。例: 0.30)。", column=f"targets.{key}", value=value))
            continue
        if key.endswith("_share") and not 0 <= number <= 1:
            problems.append(Problem(
                file, f"targets.{key} '{value}' は比率なので 0〜1 で書いてください(例: 30% なら 0.30)。",
                column=f"targets.{key}", value=value))
            continue
        vision.targets[key] = Target(kpi=key, target=number, direction=direction)

    rows = []
    maturity = data.get("maturity") or []
    if not isinstance(maturity, list):
        problems.append(Problem(file, "maturity は '- {dimension: 業務標準化, current: 2, target: 4}' "
                                "の形のリストで書いてください。", column="maturity"))
        maturity = []
    for n, item in enumerate(maturity, 1):
        if not isinstance(item, dict) or not item.get("dimension"):
            problems.append(Problem(file, f"maturity の{n}番目に dimension(観点の名前)がありません。",
                                    column="maturity", value=item))
            continue
        row = {"dimension": str(item["dimension"]).strip()}
        for key in ("current", "target"):
            number = _number(item.get(key))
            if number is None or not number.is_integer() or not 1 <= number <= 5:
                problems.append(Problem(
                    file, f"maturity '{row['dimension']}' の {key} '{item.get(key)}' は 1〜5 の整数で"
                    "書いてください。", column=f"maturity.{key}", value=item.get(key)))
                number = None
            row[key] = None if number is None else int(number)
        rows.append(row)
    vision.maturity = pd.DataFrame(rows, columns=list(_MATURITY))
    vision.maturity[["current", "target"]] = vision.maturity[["current", "target"]].astype("Int64")

    measures = data.get("measures") or []
    if not isinstance(measures, list):
        problems.append(Problem(file, "measures は '- name: ...' の形のリストで書いてください。",
                                column="measures"))
        measures = []
    for n, item in enumerate(measures, 1):
        measure, found = _measure(item, n, file)
        problems += found
        if measure is not None:
            vision.measures.append(measure)
    statement = data.get("vision")
    vision.statement = None if statement is None else str(statement).strip()
    return vision, problems


def _measure(item: Any, n: int, file: str) -> tuple[Measure | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [Problem(file, f"measures の{n}番目が 'name: ...' の形になっていません。",
                              column="measures", value=item)]
    problems: list[Problem] = []
    name = str(item.get("name") or "").strip()
    label = f"施策 '{name}'" if name else f"measures の{n}番目"
    if not name:
        problems.append(Problem(file, f"{label}に name(施策名)がありません。", column="measures.name"))
    action = str(item.get("action") or "").strip()
    if action not in schema.ACTIONS:
        problems.append(Problem(file, f"{label}の action '{action}' は使えません。"
                                f"{' / '.join(schema.ACTIONS)} のいずれかを書いてください。",
                                column="measures.action", value=item.get("action")))
    reduction = _number(item.get("reduction"))
    if reduction is None or not 0 <= reduction <= 1:
        problems.append(Problem(file, f"{label}の reduction '{item.get('reduction')}' は、対象業務の工数の"
                                "うち部署から減る割合を 0〜1 で書いてください(例: 0.6)。",
                                column="measures.reduction", value=item.get("reduction")))
    tasks = item.get("tasks")
    category = item.get("category")
    if tasks is not None and not isinstance(tasks, list):
        tasks = [tasks]
    if (tasks is None) == (category is None):
        problems.append(Problem(file, f"{label}には tasks(業務IDのリスト)か category(大分類)の"
                                "どちらか一方を書いてください。", column="measures.tasks"))
    start, end = item.get("start"), item.get("end")
    periods = {}
    for key, value in (("start", start), ("end", end)):
        if value is None:
            periods[key] = None
            continue
        periods[key] = _month(value)
        if periods[key] is None:
            problems.append(Problem(file, f"{label}の {key} '{value}' を年月として読めません"
                                    "(例: 2027-01)。", column=f"measures.{key}", value=value))
    if periods.get("start") and periods.get("end") and periods["end"] < periods["start"]:
        problems.append(Problem(file, f"{label}の end({end})が start({start})より前です。",
                                column="measures.end", value=end))
    if problems:
        return None, problems
    owner = item.get("owner")
    return Measure(
        name=name, action=action, reduction=float(reduction),
        tasks=None if tasks is None else [str(t).strip() for t in tasks],
        category=None if category is None else str(category).strip(),
        start=periods.get("start"), end=periods.get("end"),
        owner=None if owner is None else str(owner).strip(),
    ), []


def read_vision(path: str | Path, file: str = "vision.yml") -> tuple[Vision | None, list[Problem]]:
    """Read vision.yml; returns (Vision or None when unreadable, problems)."""
    from .intake import read_yaml

    data, problems = read_yaml(Path(path), file)
    if problems:
        return None, problems
    vision, problems = parse_vision(data, file)
    return vision, problems


def check_vision(vision: Vision, tasks: pd.DataFrame, file: str = "vision.yml") -> list[Problem]:
    """Measures that name task IDs or categories the survey does not have."""
    problems: list[Problem] = []
    if tasks.empty:
        return problems
    task_ids = set(tasks["task_id"].dropna().astype(str))
    categories = set(tasks["category"].dropna().astype(str))
    for m in vision.measures:
        unknown = [t for t in (m.tasks or []) if t not in task_ids]
        if unknown:
            problems.append(Problem(file, f"施策 '{m.name}' の tasks にある業務ID "
                                    f"{'、'.join(unknown)} が業務一覧にありません。",
                                    column="measures.tasks", value=unknown))
        if m.category is not None and m.category not in categories:
            problems.append(Problem(file, f"施策 '{m.name}' の category '{m.category}' は業務一覧の"
                                    f"大分類にありません。使える大分類: {'、'.join(sorted(categories))}",
                                    column="measures.category", value=m.category))
    return problems

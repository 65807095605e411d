"""Random but valid surveys of any size, for benchmarks and for tests that need many clients.

``random_survey(n_members, n_tasks, n_rows, seed=...)`` builds a :class:`gyomu.Client` in
memory (vectorised: 20,000 members x 2,000 tasks x 1,000,000 rows in about a second);
``write_client_folder(client, path, fmt="xlsx"|"csv")`` writes it as a client folder that
``gyomu.load_client`` reads back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import schema
from .client import Client, make_client
from .template import write_survey

DEFAULT_GRADES = ("G1", "G2", "G3", "G4", "G5")
CATEGORIES = ("庶務", "施設管理", "契約・購買", "経理連携", "人事労務", "文書管理", "総務企画")
PURPOSES = ("戦略", "改善", "運用", "管理")
_PURPOSE_P = (0.05, 0.10, 0.55, 0.30)
EMPLOYMENT = ("正社員", "契約社員", "派遣", "パート")
_EMPLOYMENT_P = (0.6, 0.15, 0.15, 0.10)
_CAPACITY = np.array([160.0, 160.0, 140.0, 120.0])
_ROLE_P = (0.55, 0.30, 0.15)  # 主担当, 副担当, 対応可


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(3, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _unique_pairs(n_members: int, n_tasks: int, n_rows: int, rng: np.random.Generator) -> np.ndarray:
    """``n_rows`` distinct codes member * n_tasks + task, sorted; every member has a row
    when ``n_rows >= n_members``."""
    universe = n_members * n_tasks
    if n_rows > universe:
        raise ValueError(f"n_rows={n_rows} は メンバー数 × 業務数 = {universe} を超えています")
    if n_rows > universe // 2:
        return np.sort(rng.permutation(universe)[:n_rows])
    first = np.empty(0, dtype=np.int64)
    if n_rows >= n_members:
        first = np.arange(n_members, dtype=np.int64) * n_tasks + rng.integers(0, n_tasks, n_members)
    codes = first
    while True:
        need = n_rows - len(codes)
        if need <= 0:
            break
        extra = rng.integers(0, universe, int(need * 1.1) + 16)
        codes = pd.unique(np.concatenate([codes, extra]))
    return np.sort(codes[:n_rows])


def random_frames(
    n_members: int,
    n_tasks: int,
    n_rows: int,
    *,
    seed: int = 0,
    grades: Sequence[str] = DEFAULT_GRADES,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Members, tasks and hours frames (English aliases, plain values) of a random survey.

    Each (member_id, task_id) pair occurs at most once. About a third of the rows give 回数
    and 1回あたり時間 instead of 月間工数; 対応可 rows carry no hours. Hours are scaled so a
    member's month is around 150 hours when they have enough rows.
    """
    rng = np.random.default_rng(seed)
    grades = [str(g) for g in grades]
    emp = rng.choice(len(EMPLOYMENT), n_members, p=_EMPLOYMENT_P)
    members = pd.DataFrame(
        {
            "member_id": _ids("M", n_members),
            "name": _ids("メンバー", n_members),
            "grade": np.asarray(grades, dtype=object)[rng.integers(0, len(grades), n_members)],
            "employment": np.asarray(EMPLOYMENT, dtype=object)[emp],
            "team": np.array([f"チーム{i + 1}" for i in range(max(1, n_members // 8))], dtype=object)[
                rng.integers(0, max(1, n_members // 8), n_members)
            ],
            "capacity_hours": _CAPACITY[emp],
        }
    )
    cat = rng.integers(0, len(CATEGORIES), n_tasks)
    task_ids = _ids("T", n_tasks)
    tasks = pd.DataFrame(
        {
            "task_id": task_ids,
            "category": np.asarray(CATEGORIES, dtype=object)[cat],
            "subcategory": pd.Series(np.nan, index=range(n_tasks), dtype="str"),
            "task": np.char.add(np.asarray(CATEGORIES)[cat].astype(str), np.char.add("業務", task_ids.astype(str))).astype(object),
            "purpose": np.asarray(PURPOSES, dtype=object)[rng.choice(4, n_tasks, p=_PURPOSE_P)],
            "kind": np.asarray(schema.KIND, dtype=object)[rng.choice(3, n_tasks, p=(0.6, 0.3, 0.1))],
            "difficulty": rng.integers(1, 6, n_tasks),
            "remote": np.asarray(schema.POSSIBILITY, dtype=object)[rng.integers(0, 3, n_tasks)],
            "outsourcing": np.asarray(schema.POSSIBILITY, dtype=object)[rng.integers(0, 3, n_tasks)],
            "frequency": np.asarray(schema.FREQUENCY, dtype=object)[rng.integers(0, 7, n_tasks)],
            "manual": np.asarray(schema.MANUAL, dtype=object)[rng.integers(0, 2, n_tasks)],
            "note": pd.Series(np.nan, index=range(n_tasks), dtype="str"),
        }
    )
    codes = _unique_pairs(n_members, n_tasks, n_rows, rng)
    m_idx, t_idx = np.divmod(codes, n_tasks)
    role = rng.choice(3, n_rows, p=_ROLE_P)
    raw = rng.gamma(1.5, 1.0, n_rows) * np.where(role == 0, 2.5, 1.0)
    raw[role == 2] = 0.0
    per_member = np.bincount(m_idx, weights=raw, minlength=n_members)
    rows_per_member = np.bincount(m_idx, minlength=n_members)
    target = rng.normal(150.0, 20.0, n_members).clip(60, 220) * np.minimum(1.0, rows_per_member / 15)
    scale = np.divide(target, per_member, out=np.zeros(n_members), where=per_member > 0)
    raw = raw * scale[m_idx]
    use_times = (rng.random(n_rows) < 0.33) & (role != 2)
    times = rng.integers(1, 21, n_rows).astype(float)
    hpt = np.maximum(np.round(raw / times * 4) / 4, 0.25)
    hours_col = np.maximum(np.round(raw * 2) / 2, 0.5)
    hours = pd.DataFrame(
        {
            "member_id": members["member_id"].to_numpy()[m_idx],
            "task_id": task_ids[t_idx],
            "hours": np.where(use_times | (role == 2), np.nan, hours_col),
            "times_per_month": np.where(use_times, times, np.nan),
            "hours_per_time": np.where(use_times, hpt, np.nan),
            "role": pd.Categorical.from_codes(role, categories=list(schema.ROLE)),
        }
    )
    return members, tasks, hours


def random_survey(
    n_members: int,
    n_tasks: int,
    n_rows: int,
    *,
    seed: int = 0,
    grades: Sequence[str] = DEFAULT_GRADES,
    client_id: str | None = None,
    name: str | None = None,
) -> Client:
    """A random, valid survey as a :class:`gyomu.Client` (see :func:`random_frames`).

    ``n_rows`` must not exceed ``n_members * n_tasks``. The same seed gives the same client.
    """
    members, tasks, hours = random_frames(n_members, n_tasks, n_rows, seed=seed, grades=grades)
    return make_client(
        members,
        tasks,
        hours,
        client_id=client_id or f"synthetic-{seed}",
        name=name or f"合成データ株式会社{seed}",
        grades=list(grades),
        wave="2026-10",
    )


def _config_dict(client: Client | None, grades: Sequence[str], name: str) -> dict[str, Any]:
    if client is None:
        return {
            "name": name, "wave": "2026-10", "capacity_hours": 160, "grades": list(grades),
            "strategic_purposes": ["戦略", "改善"], "anonymize": False,
        }
    c = client.config
    cap = float(c.capacity_hours)
    out: dict[str, Any] = {
        "name": c.name,
        "wave": c.wave or "2026-10",
        "capacity_hours": int(cap) if cap.is_integer() else cap,
        "grades": [str(g) for g in c.grades],
        "strategic_purposes": list(c.strategic_purposes),
        "anonymize": bool(c.anonymize),
    }
    return out


def _plain(frame: pd.DataFrame, sheet: schema.Sheet) -> pd.DataFrame:
    """Only the sheet's columns, categoricals as plain values, ready to write."""
    cols = [c.alias for c in sheet.columns if c.alias in frame.columns]
    out = frame[cols].copy()
    for col in cols:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _csv(frame: pd.DataFrame, sheet: schema.Sheet) -> pd.DataFrame:
    out = _plain(frame, sheet)
    return out.rename(columns={c.alias: c.ja for c in sheet.columns})


def write_client_folder(
    client_or_frames: Client | Mapping[str, Any] | Sequence[pd.DataFrame],
    path: str | Path,
    fmt: str = "xlsx",
    *,
    encoding: str = "utf-8",
) -> Path:
    """Write a client folder (client.yml plus survey.xlsx or the three CSV files).

    ``client_or_frames`` is a Client, a mapping with ``members``, ``tasks``, ``hours`` (and
    optionally ``grades``, ``name``), or a (members, tasks, hours) tuple. ``fmt="csv"``
    writes members.csv, tasks.csv and hours.csv in ``encoding`` with the Japanese headers.
    Hours are written as given: rows with 回数 and 1回あたり時間 keep those, with 月間工数
    blank. The folder is created; existing files are overwritten. Returns the path.
    """
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"fmt は 'xlsx' か 'csv' です: {fmt!r}")
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    client: Client | None = None
    name = "合成データ株式会社"
    if isinstance(client_or_frames, Client):
        client = client_or_frames
        members, tasks, hours = client.members, client.tasks, client.hours
        grades = [str(g) for g in client.config.grades]
    elif isinstance(client_or_frames, Mapping):
        members = client_or_frames["members"]
        tasks = client_or_frames["tasks"]
        hours = client_or_frames["hours"]
        grades = list(client_or_frames.get("grades") or DEFAULT_GRADES)
        name = client_or_frames.get("name", name)
    else:
        members, tasks, hours = client_or_frames
        grades = list(DEFAULT_GRADES)
    config = _config_dict(client, grades, name)
    (path / "client.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    hours = hours.copy()
    both = hours["times_per_month"].notna() & hours["hours_per_time"].notna()
    hours["hours"] = hours["hours"].astype(float).mask(both)
    if fmt == "xlsx":
        write_survey(
            path / "survey.xlsx",
            _plain(members, schema.MEMBERS),
            _plain(tasks, schema.TASKS),
            _plain(hours, schema.HOURS),
            grades=grades,
        )
    else:
        for sheet, frame in ((schema.MEMBERS, members), (schema.TASKS, tasks), (schema.HOURS, hours)):
            _csv(frame, sheet).to_csv(
                path / sheet.csv_name, index=False, encoding=encoding, lineterminator="\n"
            )
    return path

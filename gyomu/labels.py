"""Japanese display labels for the English column names gyomu's functions return.

Each analysis module registers the labels of the columns it creates with :func:`register`;
:func:`to_japanese` renames a frame's columns (and index names) for people to read.
"""

from __future__ import annotations

import pandas as pd

from .schema import COLUMN_LABELS, KPI_LABELS

LABELS: dict[str, str] = {**COLUMN_LABELS, **KPI_LABELS}

#: (name, label kept, label refused) for every name registered twice with different labels;
#: the tests keep this empty, so one English column reads the same in every table.
CONFLICTS: list[tuple[str, str, str]] = []


def register(labels: dict[str, str]) -> None:
    """Add Japanese labels for English column names.

    A name keeps its first label; registering it again with another label is recorded in
    :data:`CONFLICTS` (a table-specific wording goes to ``Outputs.table(labels=...)``).
    """
    for name, text in labels.items():
        if name in LABELS and LABELS[name] != text:
            CONFLICTS.append((name, LABELS[name], text))
        else:
            LABELS[name] = text


def label(name: object) -> object:
    """The Japanese label of one column name, or the name itself when none is known."""
    return LABELS.get(name, name) if isinstance(name, str) else name


def to_japanese(df: pd.DataFrame, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with Japanese column and index names."""
    mapping = {**LABELS, **(extra or {})}
    out = df.rename(columns=lambda c: mapping.get(c, c) if isinstance(c, str) else c)
    out.index.names = [mapping.get(n, n) if isinstance(n, str) else n for n in out.index.names]
    if isinstance(out.columns, pd.MultiIndex) or out.columns.name:
        out.columns.names = [mapping.get(n, n) if isinstance(n, str) else n for n in out.columns.names]
    return out

"""gyomu (業務): turn a back-office survey into workshop material.

The public API is imported lazily, so ``import gyomu`` stays fast and a notebook pays only
for what it uses::

    import gyomu
    client = gyomu.load_client("data/sample/kasou-denki")
    gyomu.kpis(client)
"""

from __future__ import annotations

import importlib
from typing import Any

from .client import Client, ClientConfig, Measure, Target, Vision, make_client
from .errors import Problem, SurveyError

__version__ = "0.1.0"

_LAZY = {
    "load_client": "gyomu.intake",
    "anonymize": "gyomu.anonymization",
    "Outputs": "gyomu.outputs",
    "kpis": "gyomu.kpi",
    "autocode": "gyomu.autocoding",
    "gap_table": "gyomu.gap",
    "simulate": "gyomu.simulation",
    "maturity_gaps": "gyomu.gap",
    "measure_effects": "gyomu.simulation",
    "reallocate": "gyomu.reallocation",
    "write_template": "gyomu.template",
    "write_survey": "gyomu.template",
    "random_survey": "gyomu.synthetic",
    "write_client_folder": "gyomu.synthetic",
}

__all__ = [
    "Client", "ClientConfig", "Measure", "Problem", "SurveyError", "Target", "Vision",
    "make_client", *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gyomu' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

"""What a notebook shows is also saved for the report run.

A notebook creates one :class:`Outputs` and passes every table it shows through
:meth:`Outputs.table`: the table is displayed with Japanese headers and pickled under
``<output_dir>/tables/<notebook>/`` with an ``index.json`` manifest (order, name, title),
from which ``gyomu run`` builds tables.xlsx.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .labels import to_japanese

_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def read_tables(output_dir: str | Path) -> list[tuple[str, str, pd.DataFrame]]:
    """Every table saved under ``output_dir/tables``: (notebook, title, frame), in notebook order."""
    root = Path(output_dir) / "tables"
    found = []
    for index in sorted(root.glob("*/index.json")):
        for entry in json.loads(index.read_text(encoding="utf-8")):
            found.append((index.parent.name, entry["title"], pd.read_pickle(index.parent / entry["file"])))
    return found


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """Values as a workshop reads them: True/False as はい/いいえ, midnight datetimes as dates."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_bool_dtype(values) or (
            values.dtype == object and len(values) and values.map(lambda v: isinstance(v, bool)).all()
        ):
            out[col] = values.map({True: "はい", False: "いいえ"}).astype(object)
        elif pd.api.types.is_datetime64_any_dtype(values):
            if (values.dropna().dt.normalize() == values.dropna()).all():
                out[col] = values.dt.strftime("%Y-%m-%d").astype(object)
    return out


@dataclass
class Outputs:
    """Displays tables in a notebook and saves them for the report run.

    ``output_dir=None`` (exploring in JupyterLab) only displays.
    """

    output_dir: str | Path | None
    notebook: str
    display: bool = True
    #: labels for this notebook's tables that differ from the shared ones in gyomu.labels
    #: (e.g. an interview's ``role`` reads 立場, a task row's ``role`` 役割)
    labels: dict[str, str] | None = None
    _entries: list[dict] = field(default_factory=list, repr=False)

    @property
    def folder(self) -> Path | None:
        return None if self.output_dir is None else Path(self.output_dir) / "tables" / self.notebook

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        title: str,
        *,
        labels: dict[str, str] | None = None,
        index: bool | None = None,
        float_format: str = "{:,.1f}",
        percent: list[str] | tuple[str, ...] = (),
    ) -> None:
        """Show ``df`` with Japanese headers and save it as table ``name`` titled ``title``.

        ``percent`` names (English) columns shown as percentages. Returns nothing, so a cell
        ending in ``out.table(...)`` shows the table once (a returned frame would be echoed
        again, unstyled, below it).
        """
        if not _NAME.match(name):
            raise ValueError(f"表の名前は英数字と _ のみ: {name!r}")
        labels = {**(self.labels or {}), **(labels or {})}
        ja = readable(to_japanese(df, labels))
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            file = f"{len(self._entries) + 1:02d}_{name}.pkl"
            ja.to_pickle(self.folder / file)
            self._entries = [e for e in self._entries if e["name"] != name]
            self._entries.append({"name": name, "title": title, "file": file})
            (self.folder / "index.json").write_text(
                json.dumps(self._entries, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        if self.display:
            from IPython.display import HTML, display

            pct = {to_japanese(pd.DataFrame(columns=[c]), labels).columns[0] for c in percent}
            fmt = {
                c: ("{:.1%}" if c in pct else float_format)
                for c in ja.columns
                if pd.api.types.is_float_dtype(ja[c])
            }
            show_index = index if index is not None else not isinstance(ja.index, pd.RangeIndex)
            styler = ja.style.format(fmt, na_rep="")
            if not show_index:
                styler = styler.hide(axis="index")
            display(HTML(f"<h4 class='gyomu-table-title'>{title}</h4>"), styler)

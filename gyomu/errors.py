"""Problems found in a client's input, reported all at once in Japanese."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem in a client folder.

    ``row`` is the row number Excel shows (or the CSV line number, header = 1); ``column``
    is the header as it reads in the file. Any of file/sheet/row/column may be ``None``
    when the problem is about a whole file or sheet.
    """

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    level: str = "error"  #: "error" or "warning"

    def where(self) -> str:
        """Japanese location, e.g. ``survey.xlsx 業務一覧 12行目 難易度``."""
        parts = [self.file]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"{self.row}行目")
        if self.column:
            parts.append(str(self.column))
        return " ".join(parts)

    def __str__(self) -> str:
        mark = "警告" if self.level == "warning" else "エラー"
        return f"[{mark}] {self.where()}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SurveyError(ValueError):
    """A client folder that cannot be read; ``.problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], path: str | None = None):
        self.problems = [p for p in problems if p.level == "error"] or list(problems)
        self.warnings = [p for p in problems if p.level == "warning"]
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        head = f"{self.path} の入力に" if self.path else "入力に"
        lines = [f"{head}{len(self.problems)}件の問題があります。修正して再実行してください。"]
        lines += [f"  {i}. {p.where()}: {p.message}" for i, p in enumerate(self.problems, 1)]
        if self.warnings:
            lines.append(f"警告({len(self.warnings)}件):")
            lines += [f"  - {p.where()}: {p.message}" for p in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._text()

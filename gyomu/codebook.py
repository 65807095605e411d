"""The interview codebook: what consultants listen for, as a DataFrame.

gyomu ships a default codebook (``gyomu/data/default_codebook.yml``). A client's
``codebook.yml`` either *replaces* it or *extends* it::

    mode: extend          # or: extends: default      (default mode: replace)
    remove: [働き方]      # extend only: default codes to drop
    codes:
      - code: 業務過多     # same name as a default code: the fields given here override
        keywords: [追う, 手が回らない, 繁忙期]
      - code: 稟議の遅さ   # a new code is appended
        parent: 課題
        definition: 決裁に時間がかかり仕事が止まる
        keywords: [稟議, 決裁, 承認待ち]
        exclude: [稟議書の様式]
        patterns: ['承認.{0,5}(遅|待)']

Without ``mode``/``extends`` the file is a complete codebook (``replace``), as in the spec's
example. Fields: ``code`` (required, unique), ``parent``, ``definition``, ``keywords``,
``exclude`` (lists or comma-separated text) and ``patterns`` (regular expressions). Japanese
keys (コード, 親, 定義, キーワード, 除外, パターン) are accepted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .client import CODEBOOK_COLUMNS
from .errors import Problem
from .interviews import decode

LIST_FIELDS = ("keywords", "exclude", "patterns")
FIELD_KEYS = {
    "code": "code", "コード": "code", "name": "code",
    "parent": "parent", "親": "parent", "親コード": "parent", "カテゴリ": "parent",
    "definition": "definition", "定義": "definition",
    "keywords": "keywords", "キーワード": "keywords",
    "exclude": "exclude", "除外": "exclude", "除外キーワード": "exclude",
    "patterns": "patterns", "パターン": "patterns", "正規表現": "patterns",
}
MODES = ("replace", "extend")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts = re.split(r"[,、，]", value)
    elif isinstance(value, (list, tuple)):
        parts = [str(v) for v in value if v is not None]
    else:
        parts = [str(value)]
    return [p.strip() for p in parts if p.strip()]


def _parse(data: Any, file: str) -> tuple[str, list[str], list[dict[str, Any]], list[Problem]]:
    """(mode, codes to remove, code entries, problems) of one loaded YAML document."""
    problems: list[Problem] = []
    if data is None:
        data = {}
    if isinstance(data, list):  # a bare list of codes
        data = {"codes": data}
    if not isinstance(data, dict):
        return "replace", [], [], [Problem(file, "コードブックは 'codes:' の下にコードを並べてください。")]
    mode = str(data.get("mode", "") or "").strip().lower()
    extends = data.get("extends")
    if not mode:
        mode = "extend" if extends is not None and str(extends).strip() in ("default", "標準") else "replace"
        if extends is not None and str(extends).strip() not in ("default", "標準"):
            problems.append(Problem(
                file, f"extends: '{extends}' は使えません。標準コードブックを拡張するときは 'extends: default' と書いてください。",
                column="extends", value=extends,
            ))
    if mode not in MODES:
        problems.append(Problem(
            file, f"mode: '{mode}' は使えません。'extend'(標準に追加)か 'replace'(置き換え)を指定してください。",
            column="mode", value=mode,
        ))
        mode = "replace"
    remove = _as_list(data.get("remove"))
    raw = data.get("codes", [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        problems.append(Problem(file, "'codes:' の下は '- code: ...' の形のリストにしてください。", column="codes"))
        raw = []
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict):
            problems.append(Problem(file, f"{n}番目のコードが 'code: 名前' の形になっていません。", value=item))
            continue
        entry: dict[str, Any] = {}
        for key, value in item.items():
            field = FIELD_KEYS.get(str(key).strip())
            if field is None:
                continue
            entry[field] = _as_list(value) if field in LIST_FIELDS else (
                None if value is None else str(value).strip())
        code = entry.get("code")
        if not code:
            problems.append(Problem(file, f"{n}番目のコードに名前(code)がありません。", column="code"))
            continue
        if code in seen:
            problems.append(Problem(
                file, f"コード '{code}' が重複しています。1つにまとめてください(最初の定義を使います)。",
                column="code", value=code,
            ))
            continue
        seen.add(code)
        good = []
        for pattern in entry.get("patterns", []):
            try:
                re.compile(pattern)
                good.append(pattern)
            except re.error as exc:
                problems.append(Problem(
                    file, f"コード '{code}' の正規表現 '{pattern}' が不正です({exc.msg})。この式は使いません。",
                    column="patterns", value=pattern,
                ))
        if "patterns" in entry:
            entry["patterns"] = good
        entries.append(entry)
    return mode, remove, entries, problems


def _frame(entries: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{
        "code": e["code"],
        "parent": e.get("parent") or pd.NA,
        "definition": e.get("definition") or "",
        **{f: list(e.get(f, [])) for f in LIST_FIELDS},
    } for e in entries]
    df = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
    for f in LIST_FIELDS:
        df[f] = df[f].astype(object)
    return df


@lru_cache(maxsize=1)
def _default_entries() -> tuple[dict[str, Any], ...]:
    text = resources.files("gyomu").joinpath("data/default_codebook.yml").read_text(encoding="utf-8")
    _, _, entries, problems = _parse(yaml.load(text, Loader=yaml.BaseLoader), "default_codebook.yml")
    assert not problems, problems
    return tuple(entries)


def default_codebook() -> pd.DataFrame:
    """The codebook gyomu ships (columns :data:`gyomu.client.CODEBOOK_COLUMNS`)."""
    return _frame([dict(e) for e in _default_entries()])


def merge_codebooks(base: list[dict[str, Any]], extra: list[dict[str, Any]],
                    remove: list[str] = ()) -> list[dict[str, Any]]:
    """Entries of ``base`` minus ``remove``, with ``extra`` overriding same-named codes field by
    field and new codes appended in their order."""
    merged = {e["code"]: dict(e) for e in base if e["code"] not in set(remove)}
    for e in extra:
        merged[e["code"]] = {**merged.get(e["code"], {}), **e}
    return list(merged.values())


def parse_codebook(text: str, file: str = "codebook.yml") -> tuple[pd.DataFrame, list[Problem]]:
    """A codebook from YAML text (see the module docstring for replace/extend)."""
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)  # all scalars stay text
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        return default_codebook(), [Problem(
            file, "YAML として読めません。インデントと 'キー: 値' の書き方を確認してください。標準コードブックを使います。",
            row=mark.line + 1 if mark is not None else None,
        )]
    mode, remove, entries, problems = _parse(data, file)
    defaults = [dict(e) for e in _default_entries()]
    if mode == "extend":
        unknown = [c for c in remove if c not in {e["code"] for e in defaults}]
        for c in unknown:
            problems.append(Problem(file, f"remove のコード '{c}' は標準コードブックにありません。",
                                    column="remove", value=c, level="warning"))
        entries = merge_codebooks(defaults, entries, remove)
    elif remove:
        problems.append(Problem(file, "remove は mode: extend のときだけ使えます(無視します)。",
                                column="remove", level="warning"))
    if not entries:
        problems.append(Problem(file, "コードが1つもありません。標準コードブックを使います。", level="warning"))
        return default_codebook(), problems
    return _frame(entries), problems


def load_codebook(path: Path | None) -> tuple[pd.DataFrame, list[Problem]]:
    """The client's codebook: ``path`` (a codebook.yml) or the default when None / missing."""
    if path is None or not Path(path).is_file():
        return default_codebook(), []
    path = Path(path)
    text = decode(path.read_bytes())
    if text is None:
        return default_codebook(), [Problem(
            path.name, "文字コードを判別できません。UTF-8 で保存してください。標準コードブックを使います。")]
    return parse_codebook(text, path.name)


def codebook_table(codebook: pd.DataFrame) -> pd.DataFrame:
    """The codebook for people to read: list columns joined with '、'."""
    out = codebook.copy()
    for f in LIST_FIELDS:
        out[f] = out[f].map(lambda v: "、".join(v) if isinstance(v, list) else "")
    return out

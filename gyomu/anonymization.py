"""Pseudonyms for handouts: 担当A, 担当B … instead of member names."""

from __future__ import annotations

import dataclasses
import re
import string

import pandas as pd

from .client import Client


def pseudonym(i: int) -> str:
    """The i-th pseudonym (0-based): 担当A … 担当Z, 担当AA, 担当AB …"""
    letters = string.ascii_uppercase
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = letters[r] + name
    return f"担当{name}"


def pseudonyms(members: pd.DataFrame) -> dict[str, str]:
    """Map each member's name to a pseudonym, stable in メンバーID order (one-to-one)."""
    ordered = members.sort_values("member_id", kind="stable")
    return {str(n): pseudonym(i) for i, n in enumerate(ordered["name"].astype(str))}


def mask_text(text: str, names: dict[str, str]) -> str:
    """Replace every name (and its family-name part before a space) in ``text``."""
    if not isinstance(text, str) or not names:
        return text
    variants: dict[str, str] = {}
    for real, alias in names.items():
        variants[real] = alias
        compact = re.sub(r"\s+", "", real)
        variants[compact] = alias
        family = re.split(r"[\s\u3000]+", real.strip())[0]
        if len(family) >= 2 and family != real:
            variants.setdefault(family, alias)
    pattern = re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)))
    return pattern.sub(lambda m: variants[m.group(0)], text)


def anonymize(client: Client) -> Client:
    """A copy of ``client`` whose member names, interview respondents and texts show pseudonyms.

    The mapping is one-to-one and stable (メンバーID order), so the same member is 担当A in
    every chart and table of one report. Earlier survey rounds use the same mapping.
    """
    names = pseudonyms(client.members)
    for old in client.history.values():  # members who have left since: letters after the current ones
        for real in old.members.sort_values("member_id", kind="stable")["name"].astype(str):
            names.setdefault(real, pseudonym(len(names)))
    members = client.members.copy()
    members["name"] = members["name"].astype(str).map(names)
    ids = dict(zip(client.members["member_id"].astype(str), members["name"], strict=True))

    def mask(value):
        if isinstance(value, str):
            return ids.get(value, mask_text(value, names))
        return value

    segments = client.segments.copy()
    for col in ("text", "respondent", "speaker"):
        if col in segments:
            segments[col] = segments[col].map(mask)
    interviews = client.interviews.copy()
    if "respondent" in interviews:
        interviews["respondent"] = interviews["respondent"].map(mask)
    coding = client.coding.copy()
    if "note" in coding:
        coding["note"] = coding["note"].map(mask)
    history = {}
    for wave, old in client.history.items():
        old_members = old.members.copy()
        old_members["name"] = old_members["name"].astype(str).map(names)
        history[wave] = dataclasses.replace(old, members=old_members)
    config = dataclasses.replace(client.config, anonymize=True)
    return dataclasses.replace(
        client, config=config, members=members, segments=segments, interviews=interviews,
        coding=coding, history=history,
    )

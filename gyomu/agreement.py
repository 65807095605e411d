"""How far two coders agree, and how far the auto-codes can be trusted.

Unit of analysis: the *segment*. For each code a coder either applied it to a segment (1) or
did not (0). Only segments of interviews that both coders (or the human coder, for
:func:`auto_vs_human`) have started coding are counted, so unfinished work does not count as
disagreement.

- Cohen's kappa per code: κ = (p_o − p_e) / (1 − p_e), p_o the share of segments where both
  coders decided the same, p_e = p_a·p_b + (1−p_a)(1−p_b) the agreement expected by chance
  from each coder's own rate.
- Krippendorff's alpha overall (nominal): every (segment, code) pair is one unit with one
  value per coder; α = 1 − D_o / D_e = 1 − (n−1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k, o the
  coincidence matrix and n the number of pairable values (Krippendorff 2011).
- Auto vs human per code: precision = both / auto, recall = both / human, F1 their harmonic
  mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .labels import register

register({
    "coder_a": "コーダーA", "coder_b": "コーダーB", "units": "対象セグメント数",
    "count_a": "Aの付与数", "count_b": "Bの付与数", "both": "両者一致(付与)",
    "observed": "一致率", "kappa": "κ係数", "auto": "自動コード数", "human": "人手コード数",
    "true_positive": "一致数", "precision": "適合率", "recall": "再現率", "f1": "F値",
})


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two coders' nominal decisions on the same units (NaN when undefined)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape or a.size == 0:
        raise ValueError("同じ数の判断が必要です")
    cats = np.union1d(a, b)
    po = float(np.mean(a == b))
    pe = float(sum(np.mean(a == c) * np.mean(b == c) for c in cats))
    if pe == 1.0:
        return float("nan")
    return (po - pe) / (1.0 - pe)


def krippendorff_alpha(data: np.ndarray | Sequence[Sequence]) -> float:
    """Krippendorff's alpha for nominal data: ``data`` is coders × units, NaN = missing.

    Units with fewer than two values are not pairable and are left out.
    """
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError("data は コーダー × 単位 の2次元で与えてください")
    values = np.unique(arr[~np.isnan(arr)])
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for unit in arr.T:
        vals = unit[~np.isnan(unit)]
        m = len(vals)
        if m < 2:
            continue
        counts = np.zeros(len(values))
        for v in vals:
            counts[index[v]] += 1
        o += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return float("nan")
    disagree = o.sum() - np.trace(o)
    expected = n_c.sum() ** 2 - (n_c**2).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * disagree / expected)


def coders(coding: pd.DataFrame) -> list[str]:
    """Coder names in coding.csv, in order of first appearance."""
    return list(dict.fromkeys(coding["coder"].astype(str))) if len(coding) else []


def coded_units(segments: pd.DataFrame, coding: pd.DataFrame, who: Sequence[str]) -> pd.Index:
    """segment_ids of the interviews in which every coder in ``who`` has coded something.

    The interviewer's turns (Q, 聞き手 …) are left out unless one of the coders coded them.
    """
    seg = segments.set_index("segment_id")["interview_id"]
    started = None
    for name in who:
        ids = set(seg.reindex(coding.loc[coding["coder"] == name, "segment_id"]).dropna())
        started = ids if started is None else started & ids
    keep = segments["interview_id"].isin(started or set())
    if "speaker" in segments:
        from .interviews import is_question

        coded_ids = coding.loc[coding["coder"].isin(list(who)), "segment_id"]
        keep &= ~is_question(segments["speaker"]) | segments["segment_id"].isin(coded_ids)
    return pd.Index(segments.loc[keep, "segment_id"])


def code_matrix(coding: pd.DataFrame, units: pd.Index, codes: Sequence[str], coder: str | None = None) -> pd.DataFrame:
    """units × codes 0/1 frame of one coder's decisions (``coder=None``: all rows given)."""
    rows = coding if coder is None else coding[coding["coder"] == coder]
    rows = rows[rows["segment_id"].isin(units) & rows["code"].isin(codes)]
    m = pd.DataFrame(0, index=units, columns=list(codes), dtype="int64")
    for seg, code in zip(rows["segment_id"], rows["code"], strict=True):
        m.loc[seg, code] = 1
    return m


def agreement(segments: pd.DataFrame, coding: pd.DataFrame, codebook: pd.DataFrame,
              coder_a: str, coder_b: str) -> tuple[pd.DataFrame, float]:
    """Agreement of two coders: (per-code table, Krippendorff's alpha over all segment×code units).

    Table columns: code, units, count_a, count_b, both, observed, kappa.
    """
    codes = list(codebook["code"])
    units = coded_units(segments, coding, [coder_a, coder_b])
    a = code_matrix(coding, units, codes, coder_a)
    b = code_matrix(coding, units, codes, coder_b)
    rows = []
    for code in codes:
        x, y = a[code].to_numpy(), b[code].to_numpy()
        rows.append({
            "code": code, "units": len(units), "count_a": int(x.sum()), "count_b": int(y.sum()),
            "both": int((x & y).sum()),
            "observed": float(np.mean(x == y)) if len(units) else float("nan"),
            "kappa": cohen_kappa(x, y) if len(units) else float("nan"),
        })
    alpha = krippendorff_alpha(np.vstack([a.to_numpy().ravel(), b.to_numpy().ravel()])) if len(units) else float("nan")
    return pd.DataFrame(rows), alpha


def auto_vs_human(segments: pd.DataFrame, auto: pd.DataFrame, coding: pd.DataFrame,
                  codebook: pd.DataFrame, coder: str) -> pd.DataFrame:
    """Precision and recall of the auto-codes against one human coder, per code.

    Columns: code, units, auto, human, true_positive, precision, recall, f1 (NaN where a
    denominator is zero). Only segments of interviews the coder has started count.
    """
    codes = list(codebook["code"])
    units = coded_units(segments, coding, [coder])
    h = code_matrix(coding, units, codes, coder)
    au = code_matrix(auto.assign(coder="auto"), units, codes)
    rows = []
    for code in codes:
        x, y = au[code].to_numpy(), h[code].to_numpy()
        tp, na, nh = int((x & y).sum()), int(x.sum()), int(y.sum())
        p = tp / na if na else float("nan")
        r = tp / nh if nh else float("nan")
        f = (2 * p * r / (p + r) if p + r else 0.0) if na and nh else float("nan")
        rows.append({"code": code, "units": len(units), "auto": na, "human": nh,
                     "true_positive": tp, "precision": p, "recall": r, "f1": f})
    return pd.DataFrame(rows)

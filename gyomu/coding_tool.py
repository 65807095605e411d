"""An ipywidgets tool for coding interview segments by hand, one segment at a time.

The coder sees the segment with its neighbours (the turn before and after), the interviewee
and role, and one checkbox per code of the codebook. Codes the auto-coder suggests are
pre-ticked (and their keyword highlighted) unless the coder has already decided on the
segment, in which case their own earlier decision is shown. 「保存して次へ」/「保存して前へ」
record the ticked codes for this coder with :func:`gyomu.coding.set_segment_codes` (atomic,
locked; other coders' rows are never touched), 「スキップ」 moves on without saving.

    tool = CodingTool(client, coder="coder_a")
    tool.widget   # display in JupyterLab
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .coding import read_coding, set_segment_codes

if TYPE_CHECKING:
    from .client import Client


def highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """HTML of ``text`` with the character ``spans`` wrapped in ``<mark>`` (escaped, line breaks kept)."""
    out, last = [], 0
    for start, end in sorted(set(spans)):
        if start < last:
            continue
        out.append(html.escape(text[last:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out).replace("\n", "<br>")


class CodingTool:
    """One coder's coding session over a client's segments (see the module docstring).

    ``path`` defaults to ``<client folder>/coding.csv``; ``auto`` to a fresh
    :func:`gyomu.autocoding.autocode`. ``only_answers`` hides the interviewer's turns.
    """

    def __init__(self, client: Client, coder: str, *, path: str | Path | None = None,
                 auto: pd.DataFrame | None = None, only_answers: bool = True, start: int = 0):
        import ipywidgets as w

        from .interview_analysis import is_question, respondent_names

        if not str(coder).strip():
            raise ValueError("コーダー名(coder)を指定してください")
        self.client = client
        self.coder = str(coder).strip()
        if path is None:
            if client.path is None:
                raise ValueError("保存先の coding.csv(path)を指定してください")
            path = Path(client.path) / "coding.csv"
        self.path = Path(path)
        if auto is None:
            from .autocoding import autocode

            auto = autocode(client)
        self.auto = auto
        self.all_segments = client.segments.reset_index(drop=True)
        keep = ~is_question(self.all_segments["speaker"]) if only_answers else pd.Series(True, index=self.all_segments.index)
        self.order = list(self.all_segments.index[keep])
        self.codes = list(client.codebook["code"]) if len(client.codebook) else sorted(set(auto["code"]))
        definitions = dict(zip(client.codebook["code"], client.codebook["definition"], strict=True)) \
            if len(client.codebook) else {}
        self.names = respondent_names(client)
        self.saved: set[str] = set()
        self.i = min(max(start, 0), max(len(self.order) - 1, 0))

        self._header = w.HTML()
        self._context_before = w.HTML()
        self._text = w.HTML()
        self._context_after = w.HTML()
        self.boxes = {c: w.Checkbox(description=c, indent=False, tooltip=definitions.get(c, ""),
                                    layout=w.Layout(width="auto")) for c in self.codes}
        self.note = w.Text(description="メモ", placeholder="判断の理由など(任意)", layout=w.Layout(width="90%"))
        self.previous_button = w.Button(description="保存して前へ", icon="arrow-left")
        self.next_button = w.Button(description="保存して次へ", icon="arrow-right", button_style="primary")
        self.skip_button = w.Button(description="スキップ")
        self.status = w.HTML()
        self.previous_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.skip_button.on_click(lambda _: self.go(self.i + 1))
        grid = w.GridBox(list(self.boxes.values()),
                         layout=w.Layout(grid_template_columns="repeat(3, 33%)"))
        self.widget = w.VBox([
            self._header, self._context_before, self._text, self._context_after, grid, self.note,
            w.HBox([self.previous_button, self.skip_button, self.next_button]), self.status,
        ])
        self.go(self.i)

    # -- state -------------------------------------------------------------------------------
    @property
    def segment(self) -> pd.Series:
        """The segment on screen."""
        return self.all_segments.loc[self.order[self.i]]

    def decisions(self) -> dict[str, list[str]]:
        """This coder's saved codes per segment (read from coding.csv)."""
        coding, _ = read_coding(self.path)
        mine = coding[coding["coder"] == self.coder]
        return {k: list(v) for k, v in mine.groupby("segment_id", sort=False)["code"]}

    def suggestions(self, segment_id: str) -> pd.DataFrame:
        """Auto-code rows of one segment."""
        return self.auto[self.auto["segment_id"] == segment_id]

    def ticked(self) -> list[str]:
        """Codes ticked on screen, in codebook order."""
        return [c for c, box in self.boxes.items() if box.value]

    # -- navigation ----------------------------------------------------------------------------
    def go(self, i: int) -> None:
        """Show the i-th segment (clamped to the range)."""
        if not self.order:
            self._header.value = "<b>コーディングする発言がありません。</b>"
            return
        self.i = min(max(i, 0), len(self.order) - 1)
        seg = self.segment
        sid = seg["segment_id"]
        mine = self.decisions()
        sugg = self.suggestions(sid)
        if sid in mine:
            chosen, origin = set(mine[sid]), "保存済みの判断"
        else:
            chosen, origin = set(sugg["code"]), "自動コードの提案"
        for code, box in self.boxes.items():
            box.value = code in chosen
        coding, _ = read_coding(self.path)
        notes = coding[(coding["segment_id"] == sid) & (coding["coder"] == self.coder)]["note"]
        self.note.value = next((n for n in notes if n), "")
        who = " / ".join(str(x) for x in (self.names.get(seg["interview_id"]), seg.get("role")) if isinstance(x, str))
        self._header.value = (
            f"<b>{self.i + 1} / {len(self.order)} 件目</b> ・ {html.escape(sid)} ・ {html.escape(who)}"
            f" ・ コーダー: <b>{html.escape(self.coder)}</b> ・ 初期表示: {origin}"
        )
        pos = self.order[self.i]
        same = self.all_segments["interview_id"] == seg["interview_id"]

        def neighbour(j: int) -> str:
            if j in self.all_segments.index and same.get(j, False):
                s = self.all_segments.loc[j]
                speaker = s["speaker"] if isinstance(s["speaker"], str) else ""
                return (f"<div style='color:#777;font-size:90%'>{html.escape(speaker)}"
                        f"{': ' if speaker else ''}{highlight(s['text'], [])}</div>")
            return ""

        self._context_before.value = neighbour(pos - 1)
        self._context_after.value = neighbour(pos + 1)
        speaker = seg["speaker"] if isinstance(seg["speaker"], str) else ""
        spans = list(zip(sugg["start"], sugg["end"], strict=True)) if "start" in sugg else []
        keywords = "、".join(f"{c}({k})" for c, k in zip(sugg["code"], sugg["keyword"], strict=True))
        self._text.value = (
            f"<div style='border-left:4px solid #2a9d8f;padding:4px 8px;margin:4px 0'>"
            f"<b>{html.escape(speaker)}</b>{': ' if speaker else ''}{highlight(seg['text'], spans)}</div>"
            + (f"<div style='font-size:85%;color:#555'>提案: {html.escape(keywords)}</div>" if keywords else "")
        )
        self.status.value = f"このセッションで保存: {len(self.saved)} 件"

    def save(self) -> None:
        """Record the ticked codes of the segment on screen for this coder."""
        sid = self.segment["segment_id"]
        set_segment_codes(self.path, sid, self.coder, self.ticked(), note=self.note.value.strip())
        self.saved.add(sid)
        self.status.value = f"保存しました({html.escape(sid)}: {html.escape('、'.join(self.ticked()) or 'コードなし')})"

    def next(self) -> None:
        """Save, then show the next segment."""
        self.save()
        self.go(self.i + 1)

    def previous(self) -> None:
        """Save, then show the previous segment."""
        self.save()
        self.go(self.i - 1)


def coding_tool(client: Client, coder: str, **kwargs) -> CodingTool:
    """Create a :class:`CodingTool`; display ``tool.widget`` in the notebook."""
    return CodingTool(client, coder, **kwargs)

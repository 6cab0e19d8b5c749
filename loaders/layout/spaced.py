"""Space-separated rows: a web table copied as text, its cells on one line between spaces.

Prose has spaces too (a date, a signature, a report whose paragraphs were joined with spaces), so a
spaced line is a row only when its pieces look like cells: short, no sentence running on past a full
stop inside a piece, and either a label the vocabulary knows or a label followed by numbers. Runs of two
or more spaces always separate cells; single spaces only when every piece passes those tests.
"""

from __future__ import annotations

import re

from loaders.vocabulary import Vocabulary

_WIDE_GAP = re.compile(r"(?: {2,}|\u3000+)")
_GAP = re.compile(r"[ \u3000]+")
_NUMBER = re.compile(r"^[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?\s*[%％]?$")
_MAX_CELL = 80
_SHORT = 30  # a cell of an item row, not a sentence
_HEADER_CELL = 12
_NOT_A_HEADER_CELL = re.compile(r"[\d:：。；;,，]")  # a figure, a label with its value, a sentence
_FIELD_CONTEXTS = ("project_header", "evaluation_header")
# a full stop with more text after it inside one piece: a sentence, not a cell
_SENTENCE_INSIDE = re.compile(r"[。；;]\s*\S")


_LABELLED_NUMBER = re.compile(r"^(?:其中\s*[:：]?\s*)?(?P<label>[^\d:：]{2,20})[:：]\s*[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?$")


def _labelled_number(piece: str, vocab: Vocabulary) -> bool:
    """A cell that holds its label and its amount (其中：一般公共预算：1850), as department forms print parts."""
    m = _LABELLED_NUMBER.match(piece)
    return bool(m) and any(vocab.lookup(ctx, m.group("label")) for ctx in ("funding_group_part", "section"))


def _cell_like(piece: str) -> bool:
    return len(piece) <= _MAX_CELL and not _SENTENCE_INSIDE.search(piece)


def spaced_cells(raw: str, vocab: Vocabulary, after_row: bool = False) -> list[str] | None:
    """The cells of a spaced row, or None when the line reads as prose.

    ``after_row``: the line follows a spaced row and is indented, so it continues that table even
    without a label of its own (the second indicator of a merged 二级指标 cell).
    """
    text = raw.strip()
    pieces = [p for p in _GAP.split(text) if p.strip()]
    if len(pieces) >= 2 and all(_cell_like(p) for p in pieces):
        labels = sum(1 for p in pieces if vocab.is_label(p))
        numbers = sum(1 for p in pieces if _NUMBER.match(p))
        if any(_labelled_number(p, vocab) for p in pieces):
            return pieces
        # numbers after a first number are a row only under another row (序号 then the row's cells)
        if labels >= 2 or (labels >= 1 and numbers >= 1) or (numbers >= 2 and (after_row or not _NUMBER.match(pieces[0]))):
            return pieces
        # a header field and its value (转移(项目)名称 基本药物制度补助资金)
        if len(pieces) == 2 and any(vocab.lookup(ctx, pieces[0]) for ctx in _FIELD_CONTEXTS):
            return pieces
        # an indicator row opens with its level label (数量指标 指标1:… 目标 实际)
        if any(vocab.lookup(ctx, pieces[0]) for ctx in ("level1", "level2")):
            return pieces
        if after_row and raw[:1] in (" ", "\u3000", "\t"):
            return pieces
        # an item row under a table row: short cells ending in its amount (公共卫生服务 开展… 860)
        if after_row and len(pieces) >= 3 and _NUMBER.match(pieces[-1]) and all(len(p) <= _SHORT for p in pieces):
            return pieces
    wide = [p for p in _WIDE_GAP.split(text) if p.strip()]
    if len(wide) >= 2 and any(vocab.is_label(p) for p in wide):
        return wide
    # wide gaps between short pieces right under a table row: the next row of that table
    if after_row and len(wide) >= 2 and _NUMBER.match(wide[-1]) and all(_cell_like(p) and len(p) <= _SHORT for p in wide):
        return wide
    # or its second header row: the labels printed under a group cell (灌区改造  高效节水  河道清淤)
    for cut in (wide, pieces):
        if after_row and len(cut) >= 3 and all(len(p) <= _HEADER_CELL and not _NOT_A_HEADER_CELL.search(p) for p in cut):
            return cut
    return None

"""A stream of cells with no row boundaries, cut into rows by the labels it holds.

Two text layouts lose the rows of a table and keep only its cells in order: one cell per line with blank
lines between (a web table copied cell by cell) and the OCR text of a scanned page (the cells of a whole
page on one line, between spaces). The rows come back from the vocabulary:

* three or more column labels in a row are a header row (一级指标 二级指标 三级指标 …, 年初预算数 全年执行数 …);
* a header-field label (项目名称, 主管部门 …) opens a row that takes the cells up to the next label;
* under a money header, a funding label (年度资金总额, 其中：财政拨款, 其他资金) takes the numbers that follow,
  one per money column;
* under an indicator header, a level label (产出指标, 数量指标) opens a row, and the cells after it are cut
  into indicators of the header's width from 三级指标 on.
"""

from __future__ import annotations

import re

from loaders.model import Cell
from loaders.vocabulary import Vocabulary

_HEADER_CONTEXTS = ("funding_column", "indicator_column")
_FIELD_CONTEXTS = ("project_header", "evaluation_header")
_LEVELS = ("level1", "level2")
_NUMBER = re.compile(r"^[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?\s*[%％]?$|^[—\-/]+$")


def _key(vocab: Vocabulary, text: str, contexts: tuple[str, ...]) -> tuple[str, str] | None:
    for ctx in contexts:
        m = vocab.lookup(ctx, text)
        if m is not None:
            return ctx, m.field_key
    return None


def _is_funding_label(vocab: Vocabulary, text: str) -> bool:
    hit = _key(vocab, text, ("evaluation_header", "project_header", "section"))
    return hit is not None and (hit[1] == "funding_total" or hit[1].startswith("funding_part"))


def label_count(cells: list[str], vocab: Vocabulary) -> int:
    """Distinct labels among the cells: how a reader tells a stream of cells from prose."""
    keys = {_key(vocab, c, (*_HEADER_CONTEXTS, *_FIELD_CONTEXTS, *_LEVELS)) for c in cells}
    keys.discard(None)
    return len(keys)


def rows_of(cells: list[Cell], vocab: Vocabulary) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    header: list[str | None] = []
    i = 0
    n = len(cells)

    def is_column(k: int) -> bool:
        return k < n and _key(vocab, cells[k].text, _HEADER_CONTEXTS) is not None

    def is_row_start(k: int) -> bool:
        text = cells[k].text
        return (
            _key(vocab, text, (*_FIELD_CONTEXTS, *_LEVELS)) is not None
            or _is_funding_label(vocab, text)
            or (is_column(k) and is_column(k + 1) and is_column(k + 2))
        )

    while i < n:
        if is_column(i) and is_column(i + 1) and is_column(i + 2):
            j = i
            while is_column(j):
                j += 1
            rows.append(cells[i:j])
            header = [(_key(vocab, c.text, _HEADER_CONTEXTS) or (None, None))[1] for c in cells[i:j]]
            i = j
            continue
        text = cells[i].text
        money_width = sum(1 for k in header if k and k not in ("level1", "level2", "level3"))
        if _is_funding_label(vocab, text) and money_width and "level3" not in header:
            j = i + 1
            while j < n and j - i - 1 < money_width and _NUMBER.match(cells[j].text.strip()):
                j += 1
            rows.append(cells[i:j])
            i = j
            continue
        if _key(vocab, text, _LEVELS) is not None and "level3" in header:
            start = i
            while i < n and _key(vocab, cells[i].text, _LEVELS) is not None:
                i += 1
            levels = cells[start:i]
            j = i
            while j < n and not is_row_start(j):
                j += 1
            width = len(header) - header.index("level3")
            body = cells[i:j]
            chunks = [body[k : k + width] for k in range(0, len(body), width)] or [[]]
            rows.append(levels + chunks[0])
            rows.extend(chunks[1:])
            i = j
            continue
        j = i + 1
        while j < n and not is_row_start(j):
            j += 1
        rows.append(cells[i:j])
        i = j
    return [r for r in rows if r]

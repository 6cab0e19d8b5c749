"""Form titles: how a title reads, and titles that an export glued into the cell above them."""

from __future__ import annotations

import re

from loaders.model import Block, Cell, ReadDocument
from loaders.textnorm import compact

# Words that end a form title in these documents (…绩效目标表, …申报表, …自评表 …).
TITLE_END = re.compile(r"(绩效目标表|绩效目标|申报表|自评表|汇总表|基础数据表|评价表|目标表|分配表|明细表|一览表)\s*$")
_YEAR_START = re.compile(r"^\s*[(（]?\s*\d{4}\s*年")


def is_title_text(text: str) -> bool:
    t = compact(text).lstrip("#")
    return bool(t) and len(t) <= 60 and bool(TITLE_END.search(t))


def split_titles_out_of_cells(doc: ReadDocument) -> None:
    """A form title that the export glued onto the last cell of the previous form becomes paragraphs again.

    Word exports sometimes lose the blank line after a table, so the next form's title reads as a
    continuation of the last cell (002: 需说明的问题 … → "2021年城镇老旧小区改造项目 / 总体绩效目标表").
    """
    out: list[Block] = []
    for block in doc.blocks:
        if block.kind != "row":
            out.append(block)
            continue
        cut = None
        for ci, cell in enumerate(block.cells):
            for k in range(1, len(cell.fragments)):
                if is_title_text(cell.fragments[k][1]):
                    start = k - 1 if k > 1 and _YEAR_START.match(cell.fragments[k - 1][1]) else k
                    cut = (ci, start)
                    break
            if cut:
                break
        if not cut:
            out.append(block)
            continue
        ci, k = cut
        head_cell = Cell(block.cells[ci].fragments[:k], col=block.cells[ci].col)
        title_frags = block.cells[ci].fragments[k:]
        head = block.cells[:ci] + [head_cell]
        out.append(Block("row", head[0].line, head_cell.line_end, cells=head, page=block.page))
        for no, text in title_frags:
            out.append(Block("paragraph", no, no, text=text.strip(), page=block.page))
        tail = block.cells[ci + 1 :]
        if tail:
            for j, c in enumerate(tail):
                c.col = j
            out.append(Block("row", tail[0].line, max(c.line_end for c in tail), cells=tail, page=block.page))
    doc.blocks = out

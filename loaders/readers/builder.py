"""Build a :class:`ReadDocument` from paragraphs and table rows, the same way for every binary format.

Binary formats have no lines of their own, so lines are synthesised: one line per paragraph and one per
physical table row, its cells joined by tabs. A cell's fragment carries the number of the row line it
was read from, so ``landing.source_lines`` reads like a tab-separated export and every value stays
traceable. A row continued on the next page keeps a second fragment from the continuation's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.model import Block, Cell, Line, ReadDocument

_SPACE = re.compile(r"[\t\r\n\v\f]+")


def flat(text: str) -> str:
    """Text on one line: tabs and breaks inside a cell or paragraph cannot survive a tab-joined line."""
    return _SPACE.sub(" ", text).strip(" ")


@dataclass
class RawCell:
    """A cell as a reader found it: its text, grid column and spans."""

    text: str
    col: int
    rowspan: int = 1
    colspan: int = 1


class DocumentBuilder:
    def __init__(self, file_format: str) -> None:
        self.lines: list[Line] = []
        self.blocks: list[Block] = []
        self.notes: list[str] = []
        self.file_format = file_format
        self._tables = 0

    def new_table(self) -> int:
        self._tables += 1
        return self._tables

    def line(self, text: str, page: int | None = None) -> int:
        self.lines.append(Line(len(self.lines) + 1, text, page))
        return len(self.lines)

    def paragraph(self, text: str, page: int | None = None) -> Block | None:
        text = flat(text)
        if not text:
            return None
        no = self.line(text, page)
        block = Block("paragraph", no, no, text=text, page=page)
        self.blocks.append(block)
        return block

    def row(self, cells: list[RawCell], page: int | None = None, table: int | None = None) -> Block | None:
        if not cells:
            return None
        texts = [flat(c.text) for c in cells]
        no = self.line("\t".join(texts), page)
        block = Block(
            "row",
            no,
            no,
            cells=[Cell([(no, t)], col=c.col, rowspan=c.rowspan, colspan=c.colspan) for c, t in zip(cells, texts, strict=True)],
            page=page,
            table=table,
        )
        self.blocks.append(block)
        return block

    def build(self, page_count: int | None = None) -> ReadDocument:
        return ReadDocument(self.lines, self.blocks, self.file_format, page_count=page_count, notes=self.notes)

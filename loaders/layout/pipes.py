"""Pipe layouts: cells that end in ``|``, one or many to a line.

Two shapes occur in text copied from web tables:

* cell runs — each cell ends in `` |`` (one per line, or several on a line separated by `` | ``); a bare
  ``|`` is an empty cell, and a run of two or more pipes at the end of a line (``||||``) closes the row,
  padding it to the table's width. A run with no closing pipes at all is a table whose rows were never
  closed: its width is found from its columns (see :func:`split_by_width`). Some exports open every row with
  a bare ``|`` and close only the rows that end in empty cells; rows closed that way all pad to one width,
  and a row that fills that width ends there (see :class:`PipeRun`).
* markdown rows — a line that starts and ends with ``|`` is one whole row.
"""

from __future__ import annotations

import re

from loaders.model import Cell

_BARE = re.compile(r"^[\s|]*\|[\s|]*$")
_CLOSES = re.compile(r"\|\s*\|\s*$")
_NUMBER = re.compile(r"^[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?\s*[%％]?$")


def is_cell_line(raw: str) -> bool:
    """A line of the cell-run shape: it ends in a pipe and does not start with one (unless all pipes)."""
    s = raw.strip()
    if not s.endswith("|"):
        return False
    return _BARE.match(s) is not None or not s.startswith("|")


def cells_of_line(raw: str, no: int) -> tuple[list[Cell], int | None]:
    """The cells a cell-run line holds and, when it closes its row, how many empty cells pad it (dropped)."""
    s = raw.strip()
    closes = _CLOSES.search(s) is not None
    if _BARE.match(s):
        if closes:
            return [], s.count("|")
        return [Cell([(no, "")])], None
    pieces = s.split("|")[:-1]  # the text after the last pipe is empty
    padding = 0
    if closes:
        while pieces and not pieces[-1].strip():
            pieces.pop()
            padding += 1
    return [Cell([(no, p.strip())]) for p in pieces], padding if closes else None


class PipeRun:
    """Cells of the cell-run shape collected until their row closes.

    A row closes at a run of pipes. Where every closed row pads to the same width, that width is the
    table's, and a row that fills it closes there too: the rows with no empty cell at their end, which such
    exports leave unclosed.
    """

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self._widths: set[int] = set()
        self._held: list[tuple[int, str]] = []

    @property
    def is_open(self) -> bool:
        return bool(self.cells)

    def hold(self, raw: str, no: int) -> None:
        """A line with no pipe inside an open row: the first line of the next cell, broken over lines
        (or the last cell of a text cut off before its pipe)."""
        self._held.append((no, raw.strip()))

    def add(self, raw: str, no: int) -> list[Cell] | None:
        cells, padding = cells_of_line(raw, no)
        if self._held:
            first = cells[0] if cells else Cell([])
            first.fragments[:0] = self._held
            cells = cells or [first]
            self._held = []
        self.cells.extend(cells)
        width = next(iter(self._widths)) if len(self._widths) == 1 else None
        if padding is None and (width is None or len(self.cells) < width):
            return None
        if padding is not None:
            self._widths.add(len(self.cells) + padding)
        row, self.cells = self.cells, []
        return row

    def reset(self) -> list[Cell]:
        """The cells left open, at the end of the run; the run starts again."""
        rest, self.cells = self.cells, []
        if self._held:
            rest.append(Cell(self._held))
        self._widths, self._held = set(), []
        return rest


def markdown_cells(raw: str, no: int) -> list[Cell]:
    parts = raw.strip().strip("|").split("|")
    return [Cell([(no, p.strip())]) for p in parts]


def _numeric(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def split_by_width(cells: list[Cell], max_width: int = 12) -> list[list[Cell]] | None:
    """Rows of a cell run that was never closed, or None when no width fits.

    The first row is a header of labels (no empty or numeric cell); a width fits when every data row has
    its numbers in the same columns — at least one column numeric in every row that fills it — and the
    cells divide into whole rows (the last may be short).
    """
    n = len(cells)
    best: tuple[int, int] | None = None
    for width in range(2, min(max_width, n // 2) + 1):
        header = cells[:width]
        # the header row: labels (a merged corner cell may be empty), never a number
        if any(_numeric(c.text) for c in header) or sum(c.is_empty for c in header) * 2 > width:
            continue
        rows = [cells[k : k + width] for k in range(width, n, width)]
        if len(rows[-1]) < width and len(rows) > 1 and n % width > width // 2 + 1:
            continue
        full = [r for r in rows if len(r) == width]
        if not full:
            continue
        numeric_cols = [
            j for j in range(width) if all(_numeric(r[j].text) for r in full) and not all(_numeric(r[j].text) for r in [header])
        ]
        # a text column must not hold numbers in some rows and words in others at the first column
        if not numeric_cols or 0 in numeric_cols:
            continue
        mixed = sum(
            1
            for j in range(width)
            if j not in numeric_cols and any(_numeric(r[j].text) for r in full) and not all(r[j].is_empty for r in full)
        )
        score = (len(numeric_cols) - mixed) * 100 - width
        if n % width == 0:
            score += 50
        if best is None or score > best[0]:
            best = (score, width)
    if best is None:
        return None
    width = best[1]
    return [cells[k : k + width] for k in range(0, n, width)]

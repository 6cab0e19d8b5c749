"""The layout step: any text layout becomes one grid of blocks (paragraphs and rows of cells).

Readers of binary formats know their cells; a text export does not, and it comes in many shapes, often
several in one file. This step turns each into the same rows, with every cell's line number, so no
recogniser repairs an export's quirks:

* cell-per-line Word exports: every cell on its own line behind one tab, a blank line ending the row, a
  line without a tab continuing the cell above (``数量\\n指标``);
* tab-separated rows (PDF and spreadsheet exports);
* pipes: cells ending in `` |`` with ``||||`` closing a row, and markdown ``| a | b |`` rows
  (:mod:`loaders.layout.pipes`);
* spaced rows: cells between runs of spaces (:mod:`loaders.layout.spaced`);
* glued forms: a whole form on one line with no separator at all, cut at the labels the vocabulary knows
  and at number shapes (:mod:`loaders.layout.glued`).

Everything else is a paragraph. This step knows labels, never form kinds.
"""

from __future__ import annotations

import re

from loaders.layout import glued, pipes, stream
from loaders.layout.spaced import spaced_cells
from loaders.model import Block, Cell, Line
from loaders.vocabulary import load_vocabulary

# A rule line of dashes or equals signs; written as a plain scan, not a regex with nested repeats,
# so a very long line of dashes costs one pass.
_SPACES = " \t\n\r\f\v"
_RULE_CHARS = frozenset(_SPACES + "|:-=")
# A short line after a blank inside a table is a cell broken by an empty paragraph (年度预 / 算申请).
_MAX_BROKEN_CELL_FRAGMENT = 12
_TITLE_END = re.compile(r"(绩效目标表|绩效目标|申报表|自评表|汇总表|基础数据表|评价表|目标表|分配表|自评报告)\s*$")


def is_rule(raw: str) -> bool:
    """``^[\\s|:]*(-{3,}|={3,})[\\s\\-|:=]*$`` as one linear scan."""
    rest = raw.lstrip(_SPACES + "|:")
    return rest.startswith(("---", "===")) and all(c in _RULE_CHARS for c in rest)


def _kind(raw: str) -> str:
    if not raw.strip(" \u3000\r"):
        return "cell" if raw.startswith("\t") else "blank"
    if is_rule(raw):
        return "rule"
    if raw.startswith("\t") and raw.count("\t") == 1:
        return "cell"
    if "\t" in raw.strip("\t") or raw.count("\t") > 1:
        return "tsv"
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3 and stripped.strip("| "):
        return "pipe"
    if pipes.is_cell_line(raw):
        return "pipecell"
    return "text"


def _next_kinds(kinds: list[str]) -> list[str | None]:
    """For each line, the kind of the next line that is not blank (one backward pass)."""
    out: list[str | None] = [None] * len(kinds)
    nxt: str | None = None
    for i in range(len(kinds) - 1, -1, -1):
        out[i] = nxt
        if kinds[i] != "blank":
            nxt = kinds[i]
    return out


def lay_out(lines: list[Line]) -> list[Block]:
    """Group lines into paragraphs and table rows (see the module docstring)."""
    vocab = load_vocabulary()
    blocks: list[Block] = []
    row: list[Cell] | None = None
    pipe_run = pipes.PipeRun()
    pipe_rows_in_table = 0
    pipe_rows: list[Block] = []  # the rows of the open cell run
    glued_state = None  # the open table of a glued form, carried to its next page's line

    def page_of(no: int) -> int | None:
        return lines[no - 1].page

    def emit_row(cells: list[Cell]) -> None:
        nonlocal pipe_rows_in_table
        filled = [c for c in cells if not c.is_empty]
        if not filled:
            return
        if len(filled) == 1 and pipe_rows_in_table == 0:
            # a title or a note above a table (附表1 |, (2021年度) |) reads as a paragraph
            c = filled[0]
            blocks.append(Block("paragraph", c.line, c.line_end, text=c.text, page=page_of(c.line)))
            return
        for j, c in enumerate(cells):
            c.col = j
        pipe_rows_in_table += 1
        block = Block(
            "row", cells[0].line, max(c.line_end for c in cells), cells=cells, page=page_of(cells[0].line), positional=False
        )
        blocks.append(block)
        pipe_rows.append(block)

    def flush_pipes() -> None:
        nonlocal pipe_rows_in_table
        rest = pipe_run.reset()
        if rest:
            # cells left after the last closed row: a table whose rows were never closed
            split = pipes.split_by_width(rest) if len(rest) >= 6 else None
            for r in split or [rest]:
                emit_row(r)
        if len(pipe_rows) > 1 and all(b.cells[0].is_empty and not b.cells[0].fragments[0][1] for b in pipe_rows):
            # every row opened by a bare bar: the bar opens the row, it is not an empty first cell
            for b in pipe_rows:
                b.cells = b.cells[1:]
                for j, c in enumerate(b.cells):
                    c.col = j
                b.line_start = b.cells[0].line
        pipe_rows.clear()
        pipe_rows_in_table = 0

    def close_row() -> None:
        nonlocal row
        if row:
            blocks.append(
                Block(
                    "row",
                    row[0].line,
                    max(c.line_end for c in row),
                    cells=row,
                    page=page_of(row[0].line),
                    positional=False,
                    ends_known=False,
                )
            )
        row = None

    kinds = [_kind(line.text) for line in lines]
    next_kinds = _next_kinds(kinds)
    # a form printed row by row with its cells glued: some line holds a glued run of column labels
    rows_glued = any(k == "text" and glued.has_header_run(line.text, vocab) for k, line in zip(kinds, lines, strict=True))
    for i, line in enumerate(lines):
        raw = line.text.rstrip("\r\n")
        kind = kinds[i]
        if (
            kind == "text"
            and pipe_run.is_open
            and lines[i - 1].text.strip(" |\r\n")  # right after a cell with text, not after an empty one
            and (i + 1 == len(lines) or kinds[i + 1] == "pipecell")
        ):
            pipe_run.hold(raw, line.no)
            continue
        if kind != "pipecell":
            flush_pipes()
        if kind == "pipecell":
            close_row()
            done = pipe_run.add(raw, line.no)
            if done is not None:
                emit_row(done)
        elif kind == "cell":
            if row is None:
                row = []
            row.append(Cell([(line.no, raw[1:])], col=len(row)))
        elif kind == "blank":
            close_row()
        elif kind == "text":
            if row is not None:
                row[-1].fragments.append((line.no, raw))
                continue
            if glued.is_glued(raw, vocab, continuing=glued_state, rows_glued=rows_glued):
                glued_state = glued_state or glued.new_state()
                blocks.extend(glued.blocks_of_line(raw, line.no, line.page, vocab, glued_state))
                continue
            glued_state = None
            page_cells = _page_of_cells(raw, vocab)
            if page_cells:
                for cells in stream.rows_of([Cell([(line.no, p)]) for p in page_cells], vocab):
                    _append_row(blocks, cells, line.page, vocab)
                continue
            pieces = raw.split()
            figures = stream.figures_table(pieces, vocab) if len(pieces) >= _MIN_PAGE_CELLS else None
            if figures is not None:
                # a page of figures under labels the vocabulary does not know: its rows by their width
                start, width, stop = figures
                if start:
                    blocks.append(Block("paragraph", line.no, line.no, text=" ".join(pieces[:start]), page=line.page))
                _append_rows_of_width(blocks, [Cell([(line.no, p)]) for p in pieces[start:stop]], width, line.page, vocab)
                if stop < len(pieces):
                    blocks.append(Block("paragraph", line.no, line.no, text=" ".join(pieces[stop:]), page=line.page))
                continue
            previous = blocks[-1] if blocks else None
            after_spaced = previous is not None and previous.kind == "row" and previous.line_end == line.no - 1
            spaced = None if _TITLE_END.search(raw.strip()) else spaced_cells(raw, vocab, after_spaced)
            if spaced:
                cells = [Cell([(line.no, p.strip())], col=j) for j, p in enumerate(spaced)]
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page, positional=False))
                continue
            if (
                previous is not None
                and previous.kind == "row"
                and kinds[i - 1] == "blank"
                and len(raw.strip()) <= _MAX_BROKEN_CELL_FRAGMENT
                and next_kinds[i] in ("cell", "text")
                and previous.cells[-1].line_end >= i - 2
                # only cell-per-line rows break cells that way; a tab-separated row is whole on its line
                and not (len(previous.cells) > 1 and len({c.line for c in previous.cells}) == 1)
            ):
                previous.cells[-1].fragments.append((line.no, raw))
                previous.line_end = line.no
            else:
                blocks.append(Block("paragraph", line.no, line.no, text=raw.strip(), page=line.page))
        else:
            close_row()
            if kind == "tsv":
                cells = [Cell([(line.no, p)], j) for j, p in enumerate(raw.split("\t"))]  # col by position: cheaper per cell
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page))
            elif kind == "pipe":
                # markdown syntax keeps every cell, empty ones too, so its rows are positional
                cells = pipes.markdown_cells(raw, line.no)
                for j, c in enumerate(cells):
                    c.col = j
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page))
            # rule lines (----- | :---) carry no content; they stay in source_lines only
    close_row()
    flush_pipes()
    # a cell left empty in a table copied cell by cell is a line of spaces between the blank lines
    spaces = {line.no for line, kind in zip(lines, kinds, strict=True) if kind == "blank" and line.text.strip("\r\n")}
    return _cells_between_blank_lines(blocks, vocab, spaces)


# A scanned page read by OCR: the cells of a whole page on one line between spaces.
_MIN_PAGE_CELLS = 12
_MIN_PAGE_LABELS = 4
# One cell per line with blank lines between: short lines, no sentence inside, several labels.
_MAX_STREAM_CELL = 50
_MIN_STREAM_CELLS = 8
_MIN_STREAM_LABELS = 3
_SENTENCE_INSIDE = re.compile(r"[。；;]\s*\S")


def _page_of_cells(raw: str, vocab) -> list[str] | None:
    pieces = raw.split()
    if len(pieces) < _MIN_PAGE_CELLS or any(len(p) > _MAX_STREAM_CELL * 2 for p in pieces):
        return None
    return pieces if stream.label_count(pieces, vocab) >= _MIN_PAGE_LABELS else None


def _append_row(blocks: list[Block], cells: list[Cell], page: int | None, vocab) -> None:
    if len(cells) == 1 and vocab.title_kind(cells[0].text):
        # a stream's lone cell naming a form (…基础数据表) is the title above its table
        blocks.append(Block("paragraph", cells[0].line, cells[0].line_end, text=cells[0].text, page=page))
        return
    for j, c in enumerate(cells):
        c.col = j
    blocks.append(Block("row", cells[0].line, max(c.line_end for c in cells), cells=cells, page=page, positional=False))


def _append_rows_of_width(blocks: list[Block], cells: list[Cell], width: int, page: int | None, vocab) -> None:
    """A table of figures (see :func:`stream.figures_table`): its cells cut into rows of its width."""
    for k in range(0, len(cells), width):
        _append_row(blocks, cells[k : k + width], page, vocab)


def _cell_like(block: Block) -> bool:
    text = block.text
    return block.kind == "paragraph" and 0 < len(text) <= _MAX_STREAM_CELL and not _SENTENCE_INSIDE.search(text)


def _adjacent(before: Block, after: Block, spaces: set[int]) -> bool:
    """Two cells of a copied table: one line apart, a blank line apart, or blank lines around lines of
    spaces (the empty cells between them, which carry nothing a recogniser reads)."""
    gap = range(before.line_end + 1, after.line_start)
    if len(gap) <= 1:
        return True
    empty = sum(1 for n in gap if n in spaces)
    return empty > 0 and len(gap) == 2 * empty + 1


def _cells_between_blank_lines(blocks: list[Block], vocab, spaces: set[int]) -> list[Block]:
    """Runs of short paragraphs, one to a line or a blank line apart, that hold several labels are a
    table's cells (a web table copied cell by cell)."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i + 1
        if _cell_like(blocks[i]):
            while j < len(blocks) and _cell_like(blocks[j]) and _adjacent(blocks[j - 1], blocks[j], spaces):
                j += 1
        run = blocks[i:j]
        texts = [b.text for b in run]
        figures = stream.figures_table(texts, vocab) if len(run) >= _MIN_STREAM_CELLS else None
        if figures is not None and stream.label_count(texts, vocab) < _MIN_STREAM_LABELS:
            # a table of figures under labels the vocabulary does not know: cut by the width of its rows
            start, width, stop = figures
            out.extend(run[:start])
            _append_rows_of_width(out, [Cell([(b.line_start, b.text)]) for b in run[start:stop]], width, run[start].page, vocab)
            out.extend(run[stop:])
        elif len(run) >= _MIN_STREAM_CELLS and stream.label_count(texts, vocab) >= _MIN_STREAM_LABELS:
            # the title and year above the table stay paragraphs: the table starts at its first label
            first = next(k for k, t in enumerate(texts) if stream.label_count([t], vocab))
            out.extend(run[:first])
            cells = [Cell([(b.line_start, b.text)]) for b in run[first:]]
            for row in stream.rows_of(cells, vocab):
                _append_row(out, row, run[first].page, vocab)
        else:
            out.extend(run)
        i = j
    return out

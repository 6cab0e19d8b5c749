"""Helpers every extractor shares: title splitting, label/value rows, header rows, column alignment."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import chain

from loaders.amounts import UNIT_IN_LABEL
from loaders.layout.titles import _YEAR_START, is_title_text
from loaders.model import Block, Cell, FieldRecord, IssueRecord, ReadDocument
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

# Printed shapes every extractor meets: a cell that holds no value, a money unit in brackets after a
# label (项目资金申请 (万元)), a 其中 that opens a list of parts, a year (2022 年).
# cells that print nothing: a dash for "none", an ellipsis where a template's rows were cut
PLACEHOLDERS = frozenset({"", "无", "/", "-", "--", "—", "——", "－", "…", "……", "...", "......"})
PARTS_MARK = re.compile(r"^\s*其中\s*[:：]?\s*")
YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年")


def title_before(doc: ReadDocument, index: int, max_blocks: int = 3) -> tuple[int, str | None]:
    """Walk back over the title paragraphs right before block ``index``; return (first index, title)."""
    first = index
    parts: list[str] = []
    j = index - 1
    while j >= 0 and index - j <= max_blocks and doc.blocks[j].kind == "paragraph":
        text = doc.blocks[j].text.strip().lstrip("#").strip()
        if text.startswith("单位") and len(text) <= 20:
            j -= 1  # a 单位：元 line between title and table belongs to the form, not to its title
            first = j + 1
            continue
        if not text or len(text) > 60:
            break
        parts.insert(0, text)
        first = j
        if _YEAR_START.match(text) or is_title_text(text) and j < index - 1:
            break
        j -= 1
    return first, ("".join(parts) or None)


def label_value_fields(block: Block, vocab: Vocabulary, context: str) -> tuple[list[FieldRecord], list[IssueRecord]]:
    """Read a label/value row: each known label takes the next cell that is not itself a label."""
    fields: list[FieldRecord] = []
    issues: list[IssueRecord] = []
    cells = [c for c in block.cells if not c.is_empty]
    i = 0
    consumed: set[int] = set()
    while i < len(cells):
        match = vocab.lookup(context, cells[i].text)
        if match is None:
            i += 1
            continue
        consumed.add(i)
        value_cell = None
        if i + 1 < len(cells) and vocab.lookup(context, cells[i + 1].text) is None:
            value_cell = cells[i + 1]
            consumed.add(i + 1)
        fields.append(
            FieldRecord(
                label_printed=cells[i].text,
                field_key=match.field_key,
                value_printed=value_cell.text if value_cell else "",
                line_no=value_cell.line if value_cell else cells[i].line,
                placement=match.placement,
            )
        )
        i += 2 if value_cell else 1
    return fields, issues


def mark_labels(doc: ReadDocument, vocab: Vocabulary) -> None:
    """Note on every row the labels its cells print (``Block.labels``): every recogniser asks of every row
    whether it carries one, and most rows carry none."""
    index = _rows_by_text(doc)
    # a label's (context, key) pairs go to the rows that print it: the rows and cells printing none are not visited
    found: dict[int, list[tuple[str, str]]] = {}
    for text in vocab.texts_where("labels", lambda text: _cell_labels(vocab, text), index.keys()):
        pairs = _cell_labels(vocab, text)
        for i in index[text]:
            found.setdefault(i, []).extend(pairs)
    for i, block in enumerate(doc.blocks):
        if block.kind != "row":
            continue
        labels = frozenset(found[i]) if i in found else _NO_LABELS
        block.labels, block.label_contexts = labels, frozenset(context for context, _ in labels) if labels else _NO_LABELS


def _rows_by_text(doc: ReadDocument) -> dict[str, list[int]]:
    """Each distinct cell text of the document, with the indices of the blocks that print it. A budget book
    prints the same labels in each of its dozens of forms, so a question recognisers ask of every cell is
    answered once per text, and the rows that print a yes are looked up, not scanned (``rows_where``).
    Noted when the document is frozen (``ReadDocument.freeze``)."""
    if "rows_by_text" not in doc.derived:
        doc.freeze()  # a recogniser called on its own (tests); parse_document freezes first
    return doc.derived["rows_by_text"]


def rows_where(doc: ReadDocument, vocab: Vocabulary, question: str, test: Callable[[str], object]) -> frozenset[int]:
    """The indices of the rows with a cell whose text passes ``test``, a question about a printed text that only
    the vocabulary answers (``Vocabulary.texts_where``; ``question`` names it)."""
    index = _rows_by_text(doc)
    return frozenset(chain.from_iterable(map(index.__getitem__, vocab.texts_where(question, test, index.keys()))))


def row_labels(block: Block, vocab: Vocabulary) -> frozenset[tuple[str, str]]:
    """The (context, field key) of every label the row's cells print: noted on the row, else read from its cells."""
    if block.labels is not None:
        return block.labels
    found = [pair for cell in block.cells if (pairs := _cell_labels(vocab, cell.text)) for pair in pairs]
    return frozenset(found) if found else _NO_LABELS


_NO_LABELS: frozenset = frozenset()


@lru_cache(maxsize=65536)  # cell texts repeat across rows and documents
def _cell_labels(vocab: Vocabulary, text: str) -> tuple[tuple[str, str], ...]:
    return tuple(vocab.contexts_of(text).items())


def row_has_label(block: Block, vocab: Vocabulary, context: str, key: str | None = None) -> bool:
    if block.kind != "row":
        return False
    if block.labels is not None:
        return (context, key) in block.labels if key is not None else context in block.label_contexts
    for cell in block.cells:
        found = vocab.contexts_of(cell.text).get(context)
        if found is not None and (key is None or found == key):
            return True
    return False


def header_columns(block: Block, vocab: Vocabulary, context: str = "indicator_column") -> list[str | None]:
    if block.label_contexts is not None and context not in block.label_contexts:
        return [None] * len(block.cells)  # a cell is a label of a context only if the row's labels say so
    return [(m.field_key if (m := vocab.lookup(context, c.text)) else None) for c in block.cells]


def is_header_row(block: Block, vocab: Vocabulary, context: str = "indicator_column", min_hits: int = 3) -> bool:
    return block.kind == "row" and sum(k is not None for k in header_columns(block, vocab, context)) >= min_hits


def align(cells: list[Cell], width: int, positional: bool) -> list[Cell | None]:
    """Fit a row's cells to a header of ``width`` columns.

    Readers that know cell positions (tab-separated rows, Word and Excel tables) give full rows; the
    cell-per-line text export drops the cells that a vertical merge covers, and those are always the
    leading ones, so a short row is aligned to the right.
    """
    if len(cells) == width:
        return list(cells)
    if len(cells) > width:
        extra = len(cells) - width
        if all(c.is_empty for c in cells[:extra]):
            return list(cells[extra:])
        return list(cells[:width])
    if positional:
        return list(cells) + [None] * (width - len(cells))
    return [None] * (width - len(cells)) + list(cells)


def unplaced(block: Block, code: str = "unplaced_row", severity: str = "warning") -> IssueRecord:
    text = " | ".join(t for t in block.texts if t) if block.kind == "row" else block.text
    return IssueRecord(severity, code, f"content not placed in any field: {text[:80]}", block.line_start, text)


def merge_rows_to_width(blocks: list[Block], width: int) -> list[tuple[int, int, list[Cell]]]:
    """Rejoin table rows that the export split on blank lines inside a cell, until they reach ``width``.

    Word's cell-per-line text ends a row at every empty line, and a cell that starts with an empty
    paragraph leaves one in the middle of a row, so one printed row arrives as several short blocks.
    Consecutive row blocks are joined until their cells fill the header's width. Returns
    ``(first block index, end block index, cells)`` per row; a row that overshoots or is left short at
    the end is returned as it is, for the caller to report.
    """
    rows: list[tuple[int, int, list[Cell]]] = []
    start: int | None = None
    cells: list[Cell] = []
    for i, block in enumerate(blocks):
        if block.kind != "row":
            continue
        if start is None and block.ends_known:
            # a row whose layout marks its end (a line of its own, a closing run of bars, a cut by labels)
            # is whole, however short
            rows.append((i, i + 1, list(block.cells)))
            continue
        if start is None:
            start, cells = i, []
        cells = cells + list(block.cells)
        if len(cells) >= width:
            rows.append((start, i + 1, cells))
            start = None
    if start is not None:
        rows.append((start, len(blocks), cells))
    return rows


# ---------------------------------------------------------------- forms known by their printed title
# (自评报告, 基础数据表, 自评表): the title's last words name the kind, through the ``form_title`` vocabulary.

# a label starts a run of text (after a space or a colon): trying every position inside a long
# paragraph's runs made this quadratic in the paragraph's length
_COLON_PAIR = re.compile(r"(?<![^\s：:])(?P<label>[^\s：:]+)\s*[：:]\s*(?P<value>[^\s：:]*)")


def form_title_kind(text: str | None, vocab: Vocabulary) -> str | None:
    """The form kind whose title words end ``text`` (…整体支出绩效自评表 → department_self_evaluation)."""
    return vocab.title_kind(compact(text))


def titled_table_forms(doc: ReadDocument, vocab: Vocabulary, kind: str) -> list[tuple[int, str]]:
    """(first block, title) of each table form of ``kind``: a title paragraph right above a run of rows."""
    found: list[tuple[int, str]] = []
    for i, block in enumerate(doc.blocks):
        if block.kind != "row" or (i > 0 and doc.blocks[i - 1].kind == "row"):
            continue
        first, title = title_before(doc, i)
        if title and form_title_kind(title, vocab) == kind:
            found.append((first, title))
    return found


def next_form_start(doc: ReadDocument, vocab: Vocabulary, after: int) -> int:
    """Index of the first block after ``after`` that starts a titled table form (or the document's end)."""
    for i in range(after + 1, len(doc.blocks)):
        if doc.blocks[i].kind == "row" and doc.blocks[i - 1].kind != "row":
            first, title = title_before(doc, i)
            if title and form_title_kind(title, vocab) and first > after:
                return first
    return len(doc.blocks)


def unit_in_label(text: str | None) -> str | None:
    """The money unit a label carries in brackets (经费控制情况（万元）, 年度预算申请（万元）)."""
    m = UNIT_IN_LABEL.search(text or "")
    return m.group("unit") if m else None


def colon_fields(text: str, line: int, vocab: Vocabulary, context: str) -> list[FieldRecord]:
    """Known ``label：value`` pairs in one line of text (填表人：罗莉   填报日期：2025.10.17 …)."""
    fields = []
    for m in _COLON_PAIR.finditer(text or ""):
        match = vocab.lookup(context, m.group("label"))
        if match is not None:
            fields.append(FieldRecord(m.group("label"), match.field_key, m.group("value"), line, match.placement))
    return fields

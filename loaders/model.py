"""The shapes every reader produces and every extractor returns.

A reader (text, .docx, .pdf …) turns a file into a :class:`ReadDocument`: its lines as read, and the
blocks (paragraphs and table rows of cells) built from them. Extractors only ever see this model, so
they run unchanged on every file format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Line:
    """One line of the document as read (1-based number), the unit of provenance."""

    no: int
    text: str
    page: int | None = None


class _Joined:
    """A cell's joined text (or its emptiness), computed from its fragments until the cell is frozen; then
    the value frozen in the instance is read instead (a non-data descriptor: the instance's own wins)."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __get__(self, cell: Cell | None, owner: type | None = None):
        return self if cell is None else cell._join()[self.index]


_BLANK = " \u3000\t"  # a cell of only these prints nothing


def _joined_text(fragments: list[tuple[int, str]]) -> str:
    # Cell-internal line breaks are joined with no separator, as the gold convention does; most cells are one
    # fragment, and there is nothing to join
    return (fragments[0][1] if len(fragments) == 1 else "".join(t for _, t in fragments)).strip()


@dataclass
class Cell:
    """One table cell; ``fragments`` are (line number, text) pieces a multi-line cell was read from."""

    fragments: list[tuple[int, str]]
    col: int = 0
    rowspan: int = 1
    colspan: int = 1

    # the joined text and whether it is empty, kept with the fragment list they were joined from and its
    # length: readers append fragments to a cell (a row broken over lines) or give it a new list, and
    # either makes them stale. Once read, a document is frozen (ReadDocument.freeze): recognisers ask for
    # them millions of times per thousand documents, and then read plain attributes.
    _joined: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _join(self) -> tuple:
        fragments, joined = self.fragments, self._joined
        if joined is None or joined[0] is not fragments or joined[1] != len(fragments):
            text = _joined_text(fragments)
            joined = self._joined = (fragments, len(fragments), text, not text.strip(_BLANK))
        return joined

    text = _Joined(2)
    is_empty = _Joined(3)

    @property
    def line(self) -> int:
        return self.fragments[0][0] if self.fragments else 0

    @property
    def line_end(self) -> int:
        return self.fragments[-1][0] if self.fragments else 0


@dataclass
class Block:
    """A paragraph (``cells`` empty, ``text`` set) or a table row (``cells`` set)."""

    kind: str  # "paragraph" | "row"
    line_start: int
    line_end: int
    text: str = ""
    cells: list[Cell] = field(default_factory=list)
    page: int | None = None
    table: int | None = None  # rows of one physical table share this number when a reader knows it
    # every cell in its column (Word/Excel/PDF tables, tab-separated rows); False where the layout drops
    # the cells a merge covers (cell-per-line exports, pipe runs, spaced rows), so a short row needs aligning
    positional: bool = True
    # False where a printed row may go on in the next block: Word's cell-per-line text ends a row at every
    # empty line, even one inside a cell
    ends_known: bool = True
    # the (vocabulary context, field key) of every label its cells print, and those contexts: set once when a
    # document is handed to the recognisers (extract.common.mark_labels), which ask of every row whether it
    # carries a label; None on a row built later from other rows' cells, which is asked cell by cell
    labels: frozenset[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    label_contexts: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells] if self.kind == "row" else [self.text]

    def joined(self, sep: str = " ") -> str:
        return sep.join(t for t in self.texts if t)


@dataclass
class ReadDocument:
    """A file as read: its lines and its blocks, plus what the reader noticed."""

    lines: list[Line]
    blocks: list[Block]
    file_format: str
    page_count: int | None = None
    notes: list[str] = field(default_factory=list)
    # readings derived from the blocks that several recognisers ask for (the tables of one vocabulary
    # context): every span's extract asks again, so they are read once per document
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def line_text(self, no: int) -> str:
        return self.lines[no - 1].text if 0 < no <= len(self.lines) else ""

    def freeze(self) -> None:
        """Fix every cell's text: readers and the layout step are done with it, recognisers only read. Each
        distinct text is noted with the blocks that print it (``derived["rows_by_text"]``, see
        extract.common.rows_where), in the same pass."""
        # _joined_text and Cell.freeze, inlined: a document has thousands of cells, and this runs once for each
        index: dict[str, list[int]] = {}
        for i, block in enumerate(self.blocks):
            for cell in block.cells:
                fragments = cell.fragments
                text = (fragments[0][1] if len(fragments) == 1 else "".join(t for _, t in fragments)).strip()
                frozen = cell.__dict__
                frozen["text"], frozen["is_empty"] = text, not text.strip(_BLANK)
                rows = index.get(text)
                if rows is None:
                    index[text] = [i]
                elif rows[-1] != i:
                    rows.append(i)
        self.derived["rows_by_text"] = index


# ---------------------------------------------------------------- extracted records


@dataclass
class FieldRecord:
    label_printed: str
    field_key: str | None
    value_printed: str
    line_no: int
    placement: str = "exact"  # exact | alias | inferred | unplaced


@dataclass
class AmountRecord:
    item_label_printed: str
    text_printed: str
    value: Decimal | None
    unit_printed: str | None
    value_wan: Decimal | None
    line_no: int
    item_key: str | None = None
    share_pct: Decimal | None = None
    stage_printed: str | None = None
    year: int | None = None
    parent_seq: int | None = None  # index (in the form's amounts list) of the parent amount
    # the form holding the parent when it is another one (a table row's money under its 合计 row)
    parent_form: ExtractedForm | None = field(default=None, repr=False, compare=False)
    section: str | None = None
    placement: str = "exact"


@dataclass
class IndicatorRecord:
    level1_printed: str | None
    level2_printed: str | None
    level3: str | None
    target_text: str | None
    line_start: int
    line_end: int
    target_content: str | None = None
    scoring_rule: str | None = None
    unit_printed: str | None = None
    value_type_printed: str | None = None
    weight_text: str | None = None
    actual_text: str | None = None
    score_text: str | None = None
    deviation_note: str | None = None
    remark: str | None = None
    placement: str = "exact"


@dataclass
class IssueRecord:
    severity: str  # info | warning | error
    code: str
    message: str
    line_no: int | None = None
    text: str | None = None


@dataclass
class FormSpan:
    """Where a recogniser found one form: blocks [block_start, block_end)."""

    form_kind: str
    block_start: int
    block_end: int
    title: str | None = None


@dataclass
class ExtractedForm:
    form_kind: str
    title: str | None
    subject_name: str | None
    line_start: int
    line_end: int
    fields: list[FieldRecord] = field(default_factory=list)
    amounts: list[AmountRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)
    # a row of a table: (the table, the row's order in it, how much of the table the row adds up as
    # extract.table_totals.rank says); not landed, it links the rows' money to their totals
    table_row: tuple[tuple, int, int] | None = field(default=None, repr=False, compare=False)


def form_over(doc: ReadDocument, span: FormSpan, form_kind: str | None = None) -> tuple[list[Block], ExtractedForm]:
    """The blocks of ``span`` and an empty form covering their lines, ready for an extractor to fill."""
    blocks = doc.blocks[span.block_start : span.block_end]
    form = ExtractedForm(form_kind or span.form_kind, span.title, None, blocks[0].line_start, blocks[-1].line_end)
    return blocks, form


@dataclass
class ParsedDocument:
    """Everything a document yields, ready to land in one transaction."""

    read: ReadDocument
    title: str | None
    forms: list[ExtractedForm]
    issues: list[IssueRecord]

    @property
    def form_kinds(self) -> list[str]:
        return sorted({f.form_kind for f in self.forms})

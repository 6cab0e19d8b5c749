"""Tables with one row per special fund or spending direction (汇总表, 支出方向绩效目标表).

Shared by the ``special_fund_summary`` and ``spending_direction_target`` recognisers: both are a header
of known column labels (one vocabulary context per kind) and rows of values, and the wide kind adds an
indicator region — a 绩效指标 cell over rows of 一级 labels (产出指标, 效益指标) and 二级 labels (数量指标 …).
Columns are found by their header labels, never by position, so another province's column order or an
extra column reads the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.amounts import FIGURE, PER_UNIT, parse_money, unit_from_header
from loaders.extract import table_totals
from loaders.extract.common import (
    PLACEHOLDERS,
    UNIT_IN_LABEL,
    YEAR,
    is_title_text,
    merge_rows_to_width,
    rows_where,
)
from loaders.model import AmountRecord, Block, Cell, ExtractedForm, FieldRecord, IndicatorRecord, IssueRecord, ReadDocument
from loaders.textnorm import compact
from loaders.vocabulary import MONEY_KEYS, Vocabulary, is_money_key

# A unit printed in a column label: 资金总额（万元）.
# Field keys of columns that hold money; each such cell becomes an amount as well as a field.
INDICATOR_REGION = "indicators"  # field key of the 绩效指标 cell over the level columns
MIN_HEADER_HITS = 3


@dataclass
class Column:
    label: str  # as printed (continuation lines joined)
    key: str | None  # vocabulary field key; None for a column the vocabulary does not know
    unit: str | None = None  # unit printed in the label itself
    level1: str | None = None  # indicator columns: 一级 label as printed above them
    level2: str | None = None  # indicator columns: 二级 label as printed
    line: int = 0

    @property
    def is_indicator(self) -> bool:
        return self.level2 is not None or self.level1 is not None


@dataclass
class TableRow:
    block_start: int
    block_end: int
    cells: list[Cell | None]


@dataclass
class FundTable:
    context: str
    header_index: int
    first_index: int  # first block of the table with its title and unit line
    end_index: int  # first block after the table
    columns: list[Column]
    title: str | None
    unit: str | None
    unit_line: int | None
    reporting_unit: str | None  # the organisation printed before 单位：… on the unit line
    year: int | None
    rows: list[TableRow] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def has_indicators(self) -> bool:
        return any(c.is_indicator for c in self.columns)


@lru_cache(maxsize=1 << 16)
def _lookup(vocab: Vocabulary, context: str, text: str) -> tuple[str | None, str | None]:
    """(field key, unit printed in the label) for a header cell; every row of every table asks, for
    both table contexts, so the answers are kept."""
    m = UNIT_IN_LABEL.search(text)
    unit = m.group("unit") if m else None
    label = UNIT_IN_LABEL.sub("", text) if m else text
    # a unit that is not money (补助人数（人）) is printed after a label the vocabulary knows without it
    hit = vocab.lookup(context, label) or vocab.lookup(context, _UNIT_NOTE.sub("", label))
    return (hit.field_key if hit else None), unit


def _is_level(vocab: Vocabulary, text: str, level: str | None = None) -> bool:
    """Is ``text`` a 一级 / 二级 label (either when ``level`` is None)? 成本指标 is both."""
    return any(vocab.lookup(ctx, text) for ctx in ((level,) if level else ("level1", "level2")))


def is_table_header(block: Block, vocab: Vocabulary, context: str) -> bool:
    """A header row: most of its filled cells are column labels of ``context``, a name column among them
    (the fund or project, or in an allocation table the region or unit that receives the money)."""
    if block.kind != "row":
        return False
    filled = [c for c in block.cells if not c.is_empty]
    if len(filled) < MIN_HEADER_HITS:
        return False  # a label and its value, or a row of fewer cells than a header's labels
    keys = [_lookup(vocab, context, c.text)[0] for c in filled]
    hits = [k for k in keys if k is not None]
    named = "project_name" in hits or (any(k in _RECIPIENTS for k in hits) and any(is_money_key(k) for k in hits))
    return named and len(hits) >= MIN_HEADER_HITS and len(hits) * 2 > len(filled)


def _with_sub_header(top: Block, sub: Block, vocab: Vocabulary, context: str) -> Block | None:
    """A two-level header (资金来源 over 中央资金 | 省级资金 | 县级资金): one header row whose group cell is
    replaced by the labels printed under it, placed by position when the rows keep their empty cells,
    else in the group's place."""
    if sub.kind != "row":
        return None
    labels = [c for c in sub.cells if not c.is_empty]
    if len(labels) < 2 or not all(_lookup(vocab, context, c.text)[0] for c in labels):
        return None
    if any(_lookup(vocab, context, c.text)[0] in _NAME_KEYS for c in labels):
        return None  # another table's header, not the labels under a group
    groups = [k for k, c in enumerate(top.cells) if not c.is_empty and _lookup(vocab, context, c.text)[0] == "source_group"]
    if len(groups) != 1:
        return None
    g = groups[0]
    if len(sub.cells) == len(top.cells) and all(k >= g for k, c in enumerate(sub.cells) if not c.is_empty):
        cells = _by_position(top, sub)
    else:
        filled = [c for c in top.cells if not c.is_empty]
        at = filled.index(top.cells[g])
        cells = filled[:at] + labels + filled[at + 1 :]
    return Block(
        "row", top.line_start, sub.line_end, cells=[Cell(c.fragments, col=k) for k, c in enumerate(cells)], page=top.page
    )


_NAME_KEYS = ("seq", "project_name", "region", "implementing_unit")


def _by_position(top: Block, sub: Block) -> list[Cell]:
    """A two-level header printed cell for cell: each label under a group takes its column, the others stay."""
    return [s if not s.is_empty else t for t, s in zip(top.cells, sub.cells, strict=True)]


# An allocation table by spending direction (单位 | 小计 | 造林 | 森林抚育 …) names its columns by what the
# money is for, words no vocabulary lists. Such a column is money, a part of the row's total, when the
# header has a recipient and a total column and the column's cells below are numbers.
DIRECTION_PART = "funding_part_direction"
_WRAPPED = re.compile(r"\S\s+\S")  # a label wrapped inside a narrow cell is printed with spaces


def _category_header(blocks: list[Block], i: int, vocab: Vocabulary, context: str) -> tuple[Block, int, str | None] | None:
    """(the header, the index of its first data row, the label of a qualified total column) of an
    allocation table whose other columns are spending directions: a header row naming a recipient and a
    total, possibly over a row of the directions a group column divides into, then a row of a label and
    numbers filling the width."""
    top = blocks[i]
    if top.kind != "row" or len(top.cells) < MIN_HEADER_HITS or i + 1 >= len(blocks) or blocks[i + 1].kind != "row":
        return None
    keys = {k: _lookup(vocab, context, c.text)[0] for k, c in enumerate(top.cells) if not c.is_empty}
    if not any(k in _RECIPIENTS for k in keys.values()):
        return None
    qualified = None
    if not any(k in MONEY_KEYS for k in keys.values()):
        keys = _with_qualified_total(top, keys, vocab, context)
        qualified = next((top.cells[k].text for k, key in keys.items() if key in MONEY_KEYS), None)
    if not (any(k in _RECIPIENTS for k in keys.values()) and any(k in MONEY_KEYS for k in keys.values())):
        return None
    unknown_at = [k for k, key in keys.items() if key is None]
    if not unknown_at or any(_AMOUNT.match(top.cells[k].text.strip()) for k in unknown_at):
        return None
    j = i + 1
    header = top
    if j < len(blocks) and _is_label_row(blocks[j], vocab, context):
        data = blocks[j + 1] if j + 1 < len(blocks) else None
        header = _with_direction_groups(top, blocks[j], data, unknown_at) if data is not None else None
        if header is None:
            return None
        j += 1
    if j >= len(blocks) or not _is_figures_row(blocks[j], len(header.cells)):
        return None
    return header, j, qualified


def _with_qualified_total(top: Block, keys: dict[int, str | None], vocab: Vocabulary, context: str) -> dict[int, str | None]:
    """A direction table's total is often a known total label qualified in front (本次下达 + 资金金额): the
    first or last labelled column, or the one after the recipient, whose label ends in a total label,
    unless it is a rate (人均金额)."""
    if not keys:
        return keys
    ends = [k for k in (min(keys), max(keys)) if keys[k] is None]
    ends += [k for k in keys if keys[k] is None and k not in ends and keys.get(k - 1) in _RECIPIENTS]
    for k in ends:
        label = UNIT_IN_LABEL.sub("", top.cells[k].text).strip()
        if PER_UNIT.search(label):
            continue
        if vocab.ending(context, label) == MONEY_KEYS[0]:
            return {**keys, k: MONEY_KEYS[0]}
    return keys


def _is_label_row(block: Block, vocab: Vocabulary, context: str) -> bool:
    labels = [c for c in block.cells if not c.is_empty]
    return (
        block.kind == "row"
        and len(labels) >= 2
        and not any(_AMOUNT.match(c.text.strip()) for c in labels)
        and not any(_lookup(vocab, context, c.text)[0] for c in labels)
    )


def _is_figures_row(block: Block, width: int) -> bool:
    """A label and then only numbers or empty cells, as wide as the header."""
    if block.kind != "row" or len(block.cells) != width:
        return False
    filled = [c for c in block.cells if not c.is_empty]
    label, figures = filled[0] if filled else None, filled[1:]
    return bool(figures) and not _AMOUNT.match(label.text.strip()) and all(_AMOUNT.match(c.text.strip()) for c in figures)


def _with_direction_groups(top: Block, sub: Block, data: Block, unknown_at: list[int]) -> Block | None:
    """One header row from a top row whose group cells (国土绿化支出) span the directions printed under them.

    The row under a merge drops the cells the merge covers, so which group spans which directions is not
    printed; the data row's width tells how many groups divide. A group cell is wide and unwrapped, a
    single column's label wraps, so wrapped cells are read as single columns (with more unwrapped cells
    than groups, the last ones); the directions are shared evenly among the groups, in order. The column
    labels are then a reading, not print: the amounts are the same whichever group a direction is under."""
    if len(top.cells) == len(sub.cells) == len(data.cells):
        cells = _by_position(top, sub)  # printed cell for cell: a direction stands under its group
    else:
        cells = _shared_among_groups(top, [c for c in sub.cells if not c.is_empty], len(data.cells), unknown_at)
    if cells is None or len(cells) != len(data.cells):
        return None
    return Block(
        "row", top.line_start, sub.line_end, cells=[Cell(c.fragments, col=k) for k, c in enumerate(cells)], page=top.page
    )


def _shared_among_groups(top: Block, subs: list[Cell], width: int, unknown_at: list[int]) -> list[Cell] | None:
    groups_needed = len(top.cells) + len(subs) - width
    if groups_needed < 1 or len(subs) < groups_needed:
        return None
    candidates = [k for k in unknown_at if not _WRAPPED.search(top.cells[k].text)]
    if len(candidates) < groups_needed:
        return None
    groups = candidates[-groups_needed:]
    share, extra = divmod(len(subs), groups_needed)
    cells: list[Cell] = []
    taken = 0
    for k, c in enumerate(top.cells):
        if k in groups:
            n = share + (1 if groups.index(k) < extra else 0)
            cells.extend(subs[taken : taken + n])
            taken += n
        else:
            cells.append(c)
    return cells


def _is_level_row(block: Block, vocab: Vocabulary) -> bool:
    filled = [c for c in block.cells if not c.is_empty]
    return block.kind == "row" and bool(filled) and all(_is_level(vocab, c.text) for c in filled)


def _one_cell(block: Block) -> bool:
    return block.kind == "row" and len([c for c in block.cells if not c.is_empty]) == 1


def _title_and_unit(doc: ReadDocument, header_index: int) -> tuple[int, str | None, str | None, int | None, str | None]:
    """Walk back over the paragraphs above the header: the 单位 line and the title."""
    first = header_index
    title = unit = reporting = None
    unit_line = None
    j = header_index - 1
    while j >= 0 and header_index - j <= 4 and (doc.blocks[j].kind == "paragraph" or _one_cell(doc.blocks[j])):
        # a unit line or a title cut out of a cell stream (OCR) is a row of one cell
        text = doc.blocks[j].joined().strip()
        if text and unit is None and unit_from_header(text):
            unit, unit_line = unit_from_header(text), doc.blocks[j].line_start
            before = re.split(r"单位\s*[:：]", text)[0].strip(" \u3000\t")
            reporting = before or None
        elif text and is_title_text(text):
            title = text.lstrip("#").strip()
            first = j
            break
        elif text:
            break
        first = j
        j -= 1
    return first, title, unit, unit_line, reporting


def _level1_by_family(vocab: Vocabulary, level1_cells: list[Cell], level2_cells: list[Cell]) -> list[str | None]:
    """The 一级 label above each 二级 column when the 一级 row is not printed cell for cell.

    The cell-per-line export drops the cells a horizontal merge covers, so which columns a 一级 label
    spans is lost. The 二级 label's family in the vocabulary tells it (数量指标 → 产出, 社会效益指标 → 效益):
    a column moves on to the next printed 一级 label once its family is that label's, and otherwise stays
    with the current one (the older framework prints 成本 under 产出 and 满意度 under 效益). With no 一级
    row the family's standard label is used.
    """
    if not level1_cells:
        return [_family_label(vocab, c.text) for c in level2_cells]
    labels = [c.text for c in level1_cells]
    keys = [(m.field_key if (m := vocab.lookup("level1", t)) else None) for t in labels]
    out: list[str | None] = []
    current = 0
    for c in level2_cells:
        fam = _family(vocab, c.text)
        nxt = next((j for j in range(current + 1, len(labels)) if fam is not None and keys[j] == fam), None)
        if nxt is not None:
            current = nxt
        out.append(labels[current])
    return out


def _family(vocab: Vocabulary, level2: str | None) -> str | None:
    m = vocab.lookup("level2", level2)
    fam = vocab.lookup("level2_family", m.standard_label) if m else None
    return fam.field_key if fam else None


def _family_label(vocab: Vocabulary, level2: str | None) -> str | None:
    m = vocab.lookup("level2", level2)
    fam = vocab.lookup("level2_family", m.standard_label) if m else None
    return fam.standard_label if fam else None


def _columns(header_rows: list[Block], vocab: Vocabulary, context: str) -> list[Column]:
    """Label columns from the top header row, then one column per 二级 label of the indicator region."""
    top = header_rows[0]
    columns: list[Column] = []
    region: int | None = None
    for pos, cell in enumerate(top.cells):
        key, unit = _lookup(vocab, context, cell.text)
        if key == INDICATOR_REGION or (key is None and _is_level(vocab, cell.text, "level1")):
            region = pos
            break
        columns.append(Column(cell.text, key, unit, line=cell.line))
    if region is None:
        return columns
    # the top row itself may carry the 一级 labels when no 绩效指标 cell sits above them
    candidates = [top, *header_rows[1:]]

    def count(block: Block, level: str, skip: int) -> int:
        return sum(_is_level(vocab, c.text, level) for c in block.cells[skip:])

    level2_row = max(candidates, key=lambda b: count(b, "level2", region if b is top else 0))
    if count(level2_row, "level2", region if level2_row is top else 0) == 0:
        return columns
    level1_row = next((b for b in candidates if b is not level2_row and count(b, "level1", region if b is top else 0)), None)
    if level1_row is not None and len(level1_row.cells) == len(level2_row.cells):
        # printed cell for cell: each 一级 label covers the columns up to the next one
        current = None
        for c1, c2 in zip(level1_row.cells, level2_row.cells, strict=True):
            if _is_level(vocab, c1.text, "level1"):
                current = c1.text
            if _is_level(vocab, c2.text, "level2"):
                columns.append(Column(c2.text, None, None, current, c2.text, c2.line))
        return columns
    level2_cells = [c for c in level2_row.cells if _is_level(vocab, c.text, "level2")]
    level1_cells = [] if level1_row is None else [c for c in level1_row.cells if _is_level(vocab, c.text, "level1")]
    for c, l1 in zip(level2_cells, _level1_by_family(vocab, level1_cells, level2_cells), strict=True):
        columns.append(Column(c.text, None, None, l1, c.text, c.line))
    return columns


_FORM_SUBJECTS = ("project_name", "department_name")


def _is_grand_total(block: Block) -> bool:
    first = next((c for c in block.cells if not c.is_empty), None)
    return first is not None and table_totals.rank([first.text]) == table_totals.GRAND


def _ends_table(block: Block, vocab: Vocabulary, context: str) -> bool:
    """Another table's header, or the subject row of a form printed after this table (项目名称 | …)."""
    if is_table_header(block, vocab, context):
        return True
    first = next((c for c in block.cells if not c.is_empty), None)
    if first is None:
        return False
    return any(
        (m := vocab.lookup(ctx, first.text)) is not None and m.field_key in _FORM_SUBJECTS
        for ctx in ("project_header", "evaluation_header")
    )


_AMOUNT = FIGURE


# numbers that are not money: 补助人数（人）, 补助标准（元/人）; a column whose label prints a unit holds numbers
_MEASURE_KEYS = ("count", "standard")
_UNIT_NOTE = re.compile(r"[（(][^()（）]{1,8}[)）]\s*$")


def _holds_numbers(column: Column) -> bool:
    return (
        is_money_key(column.key) or column.key in _MEASURE_KEYS or (column.key is None and bool(_UNIT_NOTE.search(column.label)))
    )


def _place_short(cells: list[Cell], columns: list[Column]) -> list[Cell | None]:
    """A row that dropped its empty cells (合计 | 235.5): its 序号 first, numbers under the columns that hold
    numbers (money, counts, rates), right-aligned, and the words in the other columns from the left."""
    width = len(columns)
    placed: list[Cell | None] = [None] * width
    cells = list(cells)
    seq = bool(cells) and columns[0].key == "seq" and bool(re.fullmatch(r"\d{1,4}", cells[0].text.strip()))
    if seq:
        placed[0], cells = cells[0], cells[1:]
    numeric = [k for k, c in enumerate(columns) if _holds_numbers(c) and not (seq and k == 0)]
    numbers = [c for c in cells if _AMOUNT.match(c.text.strip())]
    words = [c for c in cells if not _AMOUNT.match(c.text.strip())]
    if not any(is_money_key(c.key) for c in columns) or len(numbers) > len(numeric):
        return ((placed[:1] if seq else []) + cells + [None] * width)[:width]
    for k, cell in zip(numeric[len(numeric) - len(numbers) :], numbers, strict=True):
        placed[k] = cell
    free = [k for k in range(width) if k not in numeric and placed[k] is None]
    for k, cell in zip(free, words, strict=False):
        placed[k] = cell
    return placed


def read_tables(doc: ReadDocument, vocab: Vocabulary, context: str) -> list[FundTable]:
    """Every table in ``doc`` whose header is labelled in ``context``, with its rows rejoined to full width.

    Read once per document and context: each row of an allocation table is a form whose extract asks again."""
    key = ("fund_tables", context, id(vocab))
    if key not in doc.derived:
        doc.derived[key] = _read_tables(doc, vocab, context)
    return doc.derived[key]


def _read_tables(doc: ReadDocument, vocab: Vocabulary, context: str) -> list[FundTable]:
    tables: list[FundTable] = []
    i = 0
    blocks = doc.blocks
    # the texts that are column labels of the context (an empty cell never is one)
    column_labels = rows_where(doc, vocab, f"column_label:{context}", lambda text: _lookup(vocab, context, text)[0] is not None)
    while i < len(blocks):
        if i not in column_labels or blocks[i].kind != "row":
            i += 1  # both kinds of header name their recipient with a column label; most rows print none
            continue
        labelled = is_table_header(blocks[i], vocab, context)
        directions = None if labelled else _category_header(blocks, i, vocab, context)
        if not labelled and directions is None:
            i += 1
            continue
        header_rows = [blocks[i]]
        j = i + 1
        sub = _with_sub_header(blocks[i], blocks[j], vocab, context) if j < len(blocks) else None
        if directions is not None:
            header_rows, j = [directions[0]], directions[1]
        elif sub is not None:
            header_rows, j = [sub], j + 1
        while j < len(blocks) and _is_level_row(blocks[j], vocab):
            header_rows.append(blocks[j])
            j += 1
        first, title, unit, unit_line, reporting = _title_and_unit(doc, i)
        year_m = YEAR.search(title or "")
        table = FundTable(
            context=context,
            header_index=i,
            first_index=first,
            end_index=j,
            columns=_columns(header_rows, vocab, context),
            title=title,
            unit=unit,
            unit_line=unit_line,
            reporting_unit=reporting,
            year=int(year_m.group("year")) if year_m else None,
        )
        k = j
        while k < len(blocks) and blocks[k].kind == "row" and not _ends_table(blocks[k], vocab, context):
            k += 1
            if _is_grand_total(blocks[k - 1]) and k - 1 > j:
                break  # 合计 closes the table (what follows is the next form of the notice), unless printed first
        table.end_index = k
        for start, end, cells in merge_rows_to_width(blocks[j:k], table.width):
            placed: list[Cell | None] = list(cells)
            if len(cells) != table.width:
                text = " | ".join(c.text for c in cells if not c.is_empty)
                placed = _place_short(cells, table.columns) if len(cells) < table.width else placed
                # a short row whose every cell found its column (a stream drops empty 备注 cells) is read
                numbers = sum(1 for c in cells if _AMOUNT.match(c.text.strip()))
                whole = (
                    len(cells) < table.width
                    and numbers == sum(1 for c in table.columns if _holds_numbers(c))
                    and all(any(c is p for p in placed) for c in cells if not c.is_empty)
                )
                table.issues.append(
                    IssueRecord(
                        "info" if whole else "warning",
                        "row_width",
                        f"row has {len(cells)} cells, header has {table.width}: {text[:60]}",
                        cells[0].line if cells else None,
                        text,
                    )
                )
            table.rows.append(TableRow(j + start, j + end, placed))
        if directions is not None:
            _name_direction_columns(table, directions[2])
        tables.append(table)
        i = k
    return tables


def _name_direction_columns(table: FundTable, total_label: str | None) -> None:
    """The unknown columns of a spending-direction table that hold only numbers are parts of the total
    (the column of ``total_label``, when the total's label is qualified, is the total)."""
    for k, col in enumerate(table.columns):
        if col.key is None and col.label == total_label:
            col.key = MONEY_KEYS[0]
            continue
        if col.key is not None:
            continue
        cells = [r.cells[k] for r in table.rows if k < len(r.cells) and r.cells[k] is not None and not r.cells[k].is_empty]
        if cells and all(_AMOUNT.match(c.text.strip()) for c in cells):
            col.key = DIRECTION_PART


def row_of_span(tables: list[FundTable], block_start: int, block_end: int) -> tuple[FundTable, TableRow | None]:
    """The table and row a recogniser's span covers (a span holds at most one row)."""
    for t in tables:
        for r in t.rows:
            if block_start <= r.block_start < block_end:
                return t, r
    for t in tables:
        if t.first_index <= block_start < t.end_index:
            return t, None
    raise ValueError(f"no table row in blocks {block_start}-{block_end}")


def spans(tables: list[FundTable]) -> list[tuple[int, int, str | None]]:
    """One span per row (the first row also takes the title and header); a table without rows keeps one."""
    out: list[tuple[int, int, str | None]] = []
    for t in tables:
        if not t.rows:
            out.append((t.first_index, t.end_index, t.title))
            continue
        for n, r in enumerate(t.rows):
            start = t.first_index if n == 0 else r.block_start
            end = t.end_index if n == len(t.rows) - 1 else t.rows[n + 1].block_start
            out.append((start, end, t.title))
    return out


def extract_row(form_kind: str, table: FundTable, row: TableRow | None, doc: ReadDocument) -> ExtractedForm:
    """One form per table row: its labelled cells as fields, its money columns as amounts, its indicator cells."""
    header = doc.blocks[table.header_index]
    line_start = doc.blocks[table.first_index].line_start
    form = ExtractedForm(form_kind, table.title, None, line_start, header.line_end)
    if table.reporting_unit and table.unit_line:
        form.fields.append(FieldRecord("", "reporting_department", table.reporting_unit, table.unit_line, "inferred"))
    if row is None:
        form.issues.append(IssueRecord("warning", "empty_table", "table has a header but no rows", header.line_start))
        form.issues.extend(table.issues)
        return form
    row_blocks = doc.blocks[row.block_start : row.block_end]
    texts = [c.text for col, c in zip(table.columns, row.cells, strict=False) if c is not None and not is_money_key(col.key)]
    form.table_row = ((table.context, table.header_index), row.block_start, table_totals.rank(texts))
    if row.block_start != table.rows[0].block_start:
        form.line_start = row_blocks[0].line_start
    form.line_end = max(b.line_end for b in row_blocks)
    form.issues.extend(i for i in table.issues if i.line_no is not None and form.line_start <= i.line_no <= form.line_end)
    for col, cell in zip(table.columns, row.cells, strict=False):
        if cell is None or cell.is_empty:
            continue
        if col.is_indicator:
            if compact(cell.text) in PLACEHOLDERS:
                continue
            form.indicators.append(
                IndicatorRecord(
                    level1_printed=col.level1,
                    level2_printed=col.level2,
                    level3=None,
                    target_text=cell.text,
                    line_start=cell.line,
                    line_end=cell.line_end,
                )
            )
            continue
        placement = "exact" if col.key else "unplaced"
        form.fields.append(FieldRecord(col.label, col.key, cell.text, cell.line, placement))
        if col.key is None:
            form.issues.append(
                IssueRecord("info", "unknown_column", f"column {col.label!r} is not in the vocabulary", cell.line, cell.text)
            )
        if col.key == "project_name" and form.subject_name is None:
            form.subject_name = cell.text
        if is_money_key(col.key):
            money = parse_money(cell.text, col.unit or table.unit)
            if money is None:
                form.issues.append(
                    IssueRecord("warning", "not_an_amount", f"{col.label}: {cell.text[:60]}", cell.line, cell.text)
                )
                continue
            form.amounts.append(
                AmountRecord(
                    item_label_printed=col.label,
                    text_printed=money.printed,
                    value=money.value,
                    unit_printed=money.unit or col.unit or table.unit,
                    value_wan=money.value_wan,
                    line_no=cell.line,
                    item_key=col.key,
                    year=table.year,
                )
            )
            if money.value_wan is None:
                form.issues.append(
                    IssueRecord("warning", "amount_without_unit", f"{col.label}: no unit printed for {cell.text}", cell.line)
                )
    # the columns of one source of money (中央资金 | 省级资金 …) are parts of the row's 合计
    total = next((k for k, a in enumerate(form.amounts) if a.item_key in MONEY_KEYS), None)
    for a in form.amounts:
        if total is not None and a.item_key and a.item_key.startswith("funding_part"):
            a.parent_seq = total
    if form.subject_name is None:
        # a row of an allocation table names who receives the money: its region or its unit
        form.subject_name = next(
            (f.value_printed for key in _RECIPIENTS for f in form.fields if f.field_key == key and f.value_printed),
            None,
        )
    for extra in row.cells[table.width :]:
        if extra is not None and not extra.is_empty:
            form.issues.append(
                IssueRecord(
                    "warning", "cell_outside_columns", f"cell beyond the header: {extra.text[:60]}", extra.line, extra.text
                )
            )
    if form.subject_name is None:
        form.issues.append(IssueRecord("warning", "missing_field", "row has no fund name", form.line_start))
    return form


_RECIPIENTS = ("region", "implementing_unit")

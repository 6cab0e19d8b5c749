"""部门整体支出绩效评价基础数据表: staffing and spending-control figures of one department by year.

Recognised by its title (…基础数据表) above a run of rows. A header row whose first cell is
经费控制情况（万元） names the value columns (2023年决算数 | 2024年预算数 | 2024年决算数): each gives the
stage as printed and its year. Every filled numeric cell of an item row below becomes an amount.
The item rows form a tree as printed: top-level items come from the vocabulary (三公经费, 项目支出,
公用经费 …), numbered rows (1、…) sit under the top item, a 其中 row and the rows continuing its list
sit under the row before, and unnumbered rows after an empty numbered row (3、市级专项资金（一个专项一行）)
are that group's items. A group row with no values of its own lands as an amount without value, so
its items can point at it.
"""

from __future__ import annotations

import re

from loaders.amounts import parse_money
from loaders.extract.common import (
    PARTS_MARK,
    PLACEHOLDERS,
    colon_fields,
    next_form_start,
    titled_table_forms,
    unit_in_label,
    unplaced,
)
from loaders.model import AmountRecord, Cell, ExtractedForm, FieldRecord, FormSpan, ReadDocument, form_over
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

FORM_KIND = "department_basic_data"
PRIORITY = 50
CONTEXT = "basic_data"

_YEAR_COLUMN = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*年度?\s*(?P<rest>.*)$")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[一二三四五六七八九十]+)\s*[、.．]")
_BRACKETS = re.compile(r"[（(][^）)]*[)）]\s*$")


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    return [
        FormSpan(FORM_KIND, first, next_form_start(doc, vocab, first), title)
        for first, title in titled_table_forms(doc, vocab, FORM_KIND)
    ]


def _key(vocab: Vocabulary, text: str | None) -> str | None:
    """The vocabulary key of a row or column label, without its year (2024年实际在职人数) or (brackets)."""
    if not text:
        return None
    label = _YEAR_COLUMN.sub(r"\g<rest>", text)
    for candidate in (label, _BRACKETS.sub("", label)):
        m = vocab.lookup(CONTEXT, candidate)
        if m:
            return m.field_key
    return None


def _indent(cell: Cell) -> int:
    raw = cell.fragments[0][1] if cell.fragments else ""
    return len(raw) - len(raw.lstrip(" \u3000"))


class _Tree:
    """Parent rows as printed; see the module docstring."""

    def __init__(self) -> None:
        self.top: int | None = None  # row index of the current top-level item
        self.group: int | None = None  # an empty numbered row whose unnumbered items follow
        self.parts_parent: int | None = None  # the row a 其中 list hangs under
        self.parts_indent = 0
        self.last: int | None = None

    def place(self, row: int, label: Cell, is_top: bool, has_values: bool) -> int | None:
        text = label.text
        if is_top:
            self.top, self.group, self.parts_parent, parent = row, None, None, None
        elif PARTS_MARK.match(text):
            parent = self.last
            self.parts_parent, self.parts_indent = parent, _indent(label)
        elif self.parts_parent is not None and _indent(label) >= self.parts_indent and not _NUMBERED.match(text):
            parent = self.parts_parent
        elif _NUMBERED.match(text):
            parent, self.parts_parent = self.top, None
            self.group = None if has_values else row
        else:
            parent, self.parts_parent = (self.group if self.group is not None else self.top), None
        self.last = row
        return parent


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks, form = form_over(doc, span, FORM_KIND)
    columns: list[tuple[str, int | None]] = []  # (column header as printed, year) of the value columns
    unit: str | None = None
    staffing: list[Cell] | None = None
    tree = _Tree()
    row_amounts: dict[int, dict[int, int]] = {}  # row → {column → amount index}
    group_amount: dict[int, int] = {}  # value-less group row → its amount index
    rows: list[tuple[int, Cell, int | None]] = []
    for n, block in enumerate(blocks):
        if block.kind != "row":
            for f in colon_fields(block.text, block.line_start, vocab, "signature"):
                form.fields.append(f)
            continue
        cells = block.cells
        first = next((c for c in cells if not c.is_empty), None)
        if first is None:
            continue
        key = _key(vocab, first.text)
        if staffing is not None:
            _staffing_fields(form, staffing, cells, vocab)
            staffing = None
            continue
        if key == "staffing":
            staffing = cells
            continue
        if key == "funding_control":
            unit = unit_in_label(first.text) or unit
            columns = []
            for c in cells[cells.index(first) + 1 :]:
                m = _YEAR_COLUMN.match(c.text)
                columns.append((c.text, int(m.group("year")) if m else None))
            continue
        if key in ("building_control", "thrift_measures"):
            columns = []  # the spending-control rows end here
            values = [c for c in cells[cells.index(first) + 1 :] if not c.is_empty]
            if key == "thrift_measures" and values:
                form.fields.append(FieldRecord(first.text, key, values[-1].text, values[-1].line))
            continue
        if not columns:
            if any(parse_money(c.text) for c in cells):
                form.issues.append(unplaced(block))
            continue
        values = _values(cells, len(columns))
        filled = {j: c for j, c in enumerate(values) if c is not None and compact(c.text) not in PLACEHOLDERS}
        parent = tree.place(n, first, key == "top_item", bool(filled))
        row_amounts[n] = {}
        rows.append((n, first, parent))
        for j, cell in filled.items():
            money = parse_money(cell.text, unit)
            if money is None:
                form.issues.append(unplaced(block, "unreadable_amount"))
                continue
            row_amounts[n][j] = len(form.amounts)
            form.amounts.append(
                AmountRecord(
                    item_label_printed=first.text,
                    text_printed=cell.text,
                    value=money.value,
                    unit_printed=money.unit or unit,
                    value_wan=money.value_wan,
                    line_no=cell.line,
                    stage_printed=columns[j][0],
                    year=columns[j][1],
                    parent_seq=None,
                    section=span.title,
                )
            )
    _link(form, rows, row_amounts, group_amount, span.title)
    return form


def _values(cells: list[Cell], width: int) -> list[Cell | None]:
    """The value cells of an item row, right-aligned under the value columns (the label is first)."""
    tail = cells[1:]
    if len(tail) >= width:
        return list(tail[-width:])
    return [None] * (width - len(tail)) + list(tail)


def _staffing_fields(form: ExtractedForm, header: list[Cell], cells: list[Cell], vocab: Vocabulary) -> None:
    labels = [c for c in header if _key(vocab, c.text) not in (None, "staffing")]
    values = cells[-len(labels) :] if labels else []
    for label, value in zip(labels, values, strict=False):
        if not value.is_empty:
            form.fields.append(FieldRecord(label.text, _key(vocab, label.text), value.text, value.line))


def _link(form, rows, row_amounts, group_amount, section) -> None:
    """Point each amount at its parent row's amount in the same column (or the parent group row)."""
    parent_of = {n: p for n, _, p in rows}
    label_of = {n: c for n, c, _ in rows}

    def has_valued_descendant(row: int) -> bool:
        return any(row_amounts.get(k) for k, p in parent_of.items() if p == row) or any(
            has_valued_descendant(k) for k, p in parent_of.items() if p == row
        )

    def group(row: int) -> int | None:
        """The value-less amount of a group row, created on first use (with its own parent)."""
        if row in group_amount:
            return group_amount[row]
        up = parent_of.get(row)
        up_seq = group(up) if up is not None and not row_amounts.get(up) else None
        cell = label_of[row]
        group_amount[row] = len(form.amounts)
        form.amounts.append(AmountRecord(cell.text, cell.text, None, None, None, cell.line, parent_seq=up_seq, section=section))
        return group_amount[row]

    for n, _, parent in rows:
        for j, seq in row_amounts[n].items():
            if parent is None:
                continue
            if j in row_amounts.get(parent, {}):
                form.amounts[seq].parent_seq = row_amounts[parent][j]
            elif not row_amounts.get(parent) and has_valued_descendant(parent):
                form.amounts[seq].parent_seq = group(parent)

"""The body shared by 部门整体支出绩效自评表 and 项目支出绩效自评表 (one reader, two form kinds).

Both print, in this order and each found by its labels (``evaluation_header`` vocabulary):
- label/value rows (预算部门名称 | …; 项目名称 | …; 主管部门 | … | 实施单位 | …);
- a funding block: a header row of ``funding_column`` labels (年初预算数 | 全年预算数 | 全年执行数 | 分值 |
  执行率 | 得分), then the 年度资金总额 row and its parts (其中：财政拨款 / 其他资金 …), value cells
  right-aligned under the header; 分值 / 执行率 / 得分 become fields of the row;
- optionally groups of ``label：amount`` cells under 按收入性质分 / 按支出性质分, parts of the total's
  全年执行数;
- 年度总体目标 with 预期目标 / 实际完成情况 (fields; the amounts in their text land too);
- the indicator table (read by :func:`read_indicator_table`) and its 总分 row (fields).
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from loaders.amounts import amounts_in_sentence, parse_money, to_wan
from loaders.extract.common import (
    PARTS_MARK,
    PLACEHOLDERS,
    YEAR,
    colon_fields,
    is_header_row,
    label_value_fields,
    unit_in_label,
    unplaced,
)
from loaders.extract.funding_rows import strip_unit
from loaders.extract.indicator_table import read_indicator_table
from loaders.extract.prose_report import read_paragraph_amounts
from loaders.model import AmountRecord, Block, Cell, ExtractedForm, FieldRecord, FormSpan, ReadDocument, form_over
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

CONTEXT = "evaluation_header"
# 分值 / 执行率 / 得分 of the funding block are scores, not money
_SCORE_COLUMNS = {"weight", "execution_rate", "score"}
_LABELLED_AMOUNT = re.compile(r"^\s*(?:其中\s*[:：]?)?\s*(?P<label>[^：:]+?)\s*[：:]\s*(?P<value>.*)$")
# The template's money unit when no label prints one (年度预算申请（万元）, 项目资金（万元）).
_TEMPLATE_UNIT = "万元"


def _key(vocab: Vocabulary, context: str, text: str | None) -> str | None:
    m = vocab.lookup(context, text)
    if m is None and text:
        m = vocab.lookup(context, re.sub(r"[（(][^）)]*[)）]\s*$", "", text))
    return m.field_key if m else None


def _first_key(block: Block, vocab: Vocabulary) -> tuple[str | None, int]:
    """The ``evaluation_header`` key of the row's first non-empty cell, and that cell's index."""
    for j, cell in enumerate(block.cells):
        if not cell.is_empty:
            return _key(vocab, CONTEXT, cell.text), j
    return None, -1


def _is_funding_header(block: Block, vocab: Vocabulary) -> bool:
    keys = [_key(vocab, "funding_column", c.text) for c in block.cells]
    money = [k for k in keys if k and k not in _SCORE_COLUMNS]
    return block.kind == "row" and len(money) >= 2


def _is_group_header(block: Block, vocab: Vocabulary) -> bool:
    return block.kind == "row" and any(_key(vocab, "funding_group", c.text) for c in block.cells)


class _Funding:
    """State of the funding block while its rows are read."""

    def __init__(self) -> None:
        self.columns: list[tuple[str, str | None]] = []  # (header as printed, funding_column key)
        self.unit: str | None = None
        self.total: dict[str, int] = {}  # column key → amount index of the 年度资金总额 row
        self.groups: dict[int, str] = {}  # cell index → group label (按收入性质分)
        self.group_labels: dict[str, str] = {}  # group key → its label as printed
        self.group_rows = 0  # rows of parts read under the group header
        self.label: str | None = None  # the block's own label beside its columns (部门预算执行情况（万元）)


def extract_form(doc: ReadDocument, span: FormSpan, vocab: Vocabulary, form_kind: str) -> ExtractedForm:
    blocks, form = form_over(doc, span, form_kind)
    funding = _Funding()
    year_match = YEAR.search(span.title or "")
    year = int(year_match.group(1)) if year_match else None
    mode = None  # None | "funding" | "groups" | "target"
    target_header: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "row":
            form.fields.extend(colon_fields(block.text, block.line_start, vocab, "signature"))
            if mode == "target" or target_header:
                # the overall target's text printed outside its cell: its amounts land like the cell's
                read_paragraph_amounts(form, block, year, span.title)
            i += 1
            continue
        key, j = _first_key(block, vocab)
        if is_header_row(block, vocab):
            table = read_indicator_table(
                blocks,
                i,
                vocab,
                positional=False,
                stop=lambda b: _first_key(b, vocab)[0] == "total_row" or is_header_row(b, vocab),
            )
            form.indicators.extend(table.indicators)
            form.fields.extend(table.fields)
            form.issues.extend(table.issues)
            i, mode = max(table.end, i + 1), None
            continue
        if j < 0:
            i += 1
            continue
        for cell in block.cells:
            funding.unit = unit_in_label(cell.text) or funding.unit
        if key == "total_row":
            numbers = [c for c in block.cells[j + 1 :] if parse_money(c.text) is not None]
            for field_key, cell in zip(("total_weight", "total_score"), numbers, strict=False):
                form.fields.append(FieldRecord(block.cells[j].text, field_key, cell.text, cell.line))
            mode = None
        elif _is_funding_header(block, vocab):
            funding.columns = [(c.text, _key(vocab, "funding_column", c.text)) for c in block.cells]
            funding.label = None
            while funding.columns and funding.columns[0][1] is None:
                funding.label = funding.columns.pop(0)[0] or funding.label
            mode = "funding"
        elif _is_group_header(block, vocab):
            _group_header(form, block, funding, vocab, span, year, more=mode == "groups" and not funding.group_rows)
            mode = "groups"
        elif key == "overall_target":
            target_header = [c.text for c in block.cells[j + 1 :]]
            mode = "target"
        elif key in ("funding_block", "indicator_block") and all(c.is_empty for c in block.cells[j + 1 :]):
            pass  # a label row of a merged cell (年度预算申请（万元）, 绩效指标)
        elif mode == "funding" and (key == "funding_total" or funding.total):
            _funding_row(form, block, j, funding, vocab, span, year)
        elif mode == "funding" and funding.label and parse_money(block.cells[j].text) is not None:
            # numbers with no label of their own under the block's columns: the block's total
            _funding_row(form, block, j, funding, vocab, span, year, block_label=strip_unit(funding.label))
        elif mode == "groups":
            _group_row(form, block, funding, vocab, span, year)
        elif mode == "target":
            _target_row(form, block, target_header, vocab, year)
            mode = None
        else:
            fields, issues = label_value_fields(block, vocab, CONTEXT)
            form.issues.extend(issues)
            form.fields.extend(fields)
            _field_amounts(form, fields, funding, year, span)
            if not fields:
                form.issues.append(unplaced(block))
        i += 1
    names = [f for f in form.fields if f.field_key in ("project_name", "department_name") and f.value_printed]
    form.subject_name = next((f.value_printed for f in names if f.field_key == "project_name"), None) or next(
        (f.value_printed for f in names), None
    )
    return form


def _funding_row(
    form: ExtractedForm,
    block: Block,
    j: int,
    funding: _Funding,
    vocab: Vocabulary,
    span: FormSpan,
    year: int | None,
    block_label: str | None = None,
) -> None:
    """年度资金总额 or one of its parts: one amount per money column, fields for 分值 / 执行率 / 得分.

    ``block_label``: the block's own label, for a row of numbers printed without one (the block's total)."""
    width = len(funding.columns)
    cells = block.cells[j:]
    values = cells if block_label is not None else cells[1:]
    values = values[-width:] if len(values) >= width else _anchored(values, funding, width)
    label = block_label if block_label is not None else PARTS_MARK.sub("", cells[0].text)
    is_total = (block_label is not None or _key(vocab, CONTEXT, label) == "funding_total") and not funding.total
    unit = funding.unit or _TEMPLATE_UNIT
    for (header, column), cell in zip(funding.columns, values, strict=True):
        if cell is None or compact(cell.text) in PLACEHOLDERS:
            continue
        if column in _SCORE_COLUMNS:
            # the total's 分值 / 执行率 / 得分 count towards 总分; a part's are its own (funding_part_…)
            key = f"funding_{column}" if is_total else f"funding_part_{column}"
            form.fields.append(FieldRecord(f"{label} {header}", key, cell.text, cell.line))
            continue
        money = parse_money(cell.text, unit)
        if money is None:
            form.issues.append(unplaced(block, "unreadable_amount"))
            continue
        parent = None if is_total else funding.total.get(column or "")
        if is_total and column:
            funding.total[column] = len(form.amounts)
        form.amounts.append(
            AmountRecord(
                item_label_printed=label,
                text_printed=cell.text,
                value=money.value,
                unit_printed=money.unit or unit,
                value_wan=money.value_wan,
                line_no=cell.line,
                item_key="funding_total" if is_total else None,
                stage_printed=header,
                year=year,
                parent_seq=parent,
                section=span.title,
                placement="exact" if funding.unit else "inferred",
            )
        )


def _field_amounts(form: ExtractedForm, fields: list[FieldRecord], funding: _Funding, year: int | None, span: FormSpan) -> None:
    """A total printed as a label and its value (资金规模（万元） | 85), with no funding block: an amount."""
    for f in fields:
        if f.field_key != "funding_total" or not f.value_printed or funding.total:
            continue
        unit = unit_in_label(f.label_printed) or funding.unit or _TEMPLATE_UNIT
        money = parse_money(f.value_printed, unit)
        if money is None:
            continue
        funding.total["budget"] = len(form.amounts)
        form.amounts.append(
            AmountRecord(
                item_label_printed=f.label_printed,
                text_printed=f.value_printed,
                value=money.value,
                unit_printed=money.unit or unit,
                value_wan=money.value_wan,
                line_no=f.line_no,
                item_key="funding_total",
                year=year,
                section=span.title,
                placement="exact" if money.unit or unit_in_label(f.label_printed) else "inferred",
            )
        )


def _anchored(values: list[Cell], funding: _Funding, width: int) -> list[Cell | None]:
    """A short funding row placed under the header: its percentage sits under 执行率 when it has one
    (an export that drops trailing empty cells shifts the row left), else the row is right-aligned (one
    that drops the cells a merge covers shifts it right)."""
    keys = [k for _, k in funding.columns]
    pct = next((k for k, c in enumerate(values) if c.text.strip().endswith(("%", "％"))), None)
    if pct is not None and "execution_rate" in keys:
        rate = keys.index("execution_rate")
        before, after = values[:pct], values[pct + 1 :]
        if len(before) <= rate and rate + 1 + len(after) <= width:
            placed: list[Cell | None] = [None] * width
            placed[rate] = values[pct]
            for k, cell in zip(_slots_before_rate(before, keys, rate, values[pct].text), before, strict=True):
                placed[k] = cell
            for k, cell in enumerate(after, start=rate + 1):
                placed[k] = cell
            return placed
    return [None] * (width - len(values)) + list(values)


def _slots_before_rate(before: list[Cell], keys: list[str | None], rate: int, rate_text: str) -> list[int]:
    """The columns the cells before 执行率 stand in when the row dropped some: the placing whose 全年执行数 over
    全年预算数 gives the printed rate wins (an empty 年初预算数 leaves 320 | 310 | 10 as 全年 · 执行 · 分值);
    without such evidence the money columns are filled first, an empty 分值 being what was dropped."""
    money = [k for k in range(rate) if keys[k] not in _SCORE_COLUMNS]
    default = money[len(money) - len(before) :] if len(before) <= len(money) else list(range(rate))[rate - len(before) :]
    printed = _rate_value(rate_text)
    if printed is None or len(before) > rate:
        return default
    for slots in itertools.combinations(range(rate), len(before)):
        got = {keys[k]: parse_money(c.text) for k, c in zip(slots, before, strict=True)}
        executed, budget = got.get("executed"), got.get("budget_full_year") or got.get("budget")
        if any(keys[k] in _SCORE_COLUMNS and (parse_money(c.text) is None) for k, c in zip(slots, before, strict=True)):
            continue
        if executed is None or budget is None or not budget.value:
            continue
        if abs(executed.value / budget.value * 100 - printed) <= _half_last_digit(rate_text):
            return list(slots)
    return default


def _half_last_digit(text: str) -> Decimal:
    """How far a printed rate may be from the exact one: half its last printed digit (96.88% ± 0.005)."""
    decimals = len(text.strip().rstrip("%％").partition(".")[2])
    return Decimal(5) / Decimal(10) ** (decimals + 1)


def _rate_value(text: str) -> Decimal | None:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[%％]\s*", text)
    return Decimal(m.group(1)) if m else None


def _group_header(
    form: ExtractedForm, block: Block, funding: _Funding, vocab: Vocabulary, span: FormSpan, year: int | None, more: bool
) -> None:
    """按收入性质分 / 按支出性质分 above their columns (``more``: a second group printed on its own row, as a
    glued form prints them). A cell stream that lost the row ends puts the ``label：amount`` cells in the
    same row after the group labels, taking the groups in turn."""
    cells = [c for c in block.cells if not c.is_empty]
    n = next((k for k, c in enumerate(cells) if not _key(vocab, "funding_group", c.text)), len(cells))
    if not more:
        funding.groups, funding.group_labels = {}, {}
    first = len(funding.groups)
    for k, c in enumerate(cells[:n]):
        funding.groups[first + k] = c.text.rstrip(":：")
        funding.group_labels[_key(vocab, "funding_group", c.text) or ""] = c.text.rstrip(":：")
    funding.group_rows = 0
    rest = cells[n:]
    if n and rest and any(_LABELLED_AMOUNT.match(c.text) for c in rest):
        funding.groups = {k: cells[k % n].text.rstrip(":：") for k in range(len(rest))}
        _group_row(form, Block("row", block.line_start, block.line_end, cells=rest, page=block.page), funding, vocab, span, year)


def _group_row(form: ExtractedForm, block: Block, funding: _Funding, vocab: Vocabulary, span: FormSpan, year: int | None) -> None:
    """``label：amount`` cells, each under the group printed above its column (按收入性质分 …), or under the
    group its label belongs to (一般公共预算 → 按收入性质分); a glued row may print the amount in the next cell."""
    funding.group_rows += 1
    total = funding.total.get("executed")
    if total is None and funding.total:
        total = max(funding.total.values())
    unit = funding.unit or _TEMPLATE_UNIT
    offset = len(block.cells) - max(funding.groups, default=0) - 1 if funding.groups else 0
    cells = block.cells
    taken: set[int] = set()
    for k, cell in enumerate(cells):
        if k in taken:
            continue
        m = _LABELLED_AMOUNT.match(cell.text) if not cell.is_empty else None
        if m is None:
            if not cell.is_empty:
                form.issues.append(unplaced(block))
            continue
        part = _key(vocab, "funding_group_part", m.group("label"))
        group = funding.group_labels.get(part or "") or funding.groups.get(k - offset) or funding.groups.get(k)
        value = m.group("value").strip()
        if not value and k + 1 < len(cells) and parse_money(cells[k + 1].text, unit) is not None:
            value, cell = cells[k + 1].text.strip(), cells[k + 1]
            taken.add(k + 1)
        if not value:
            form.fields.append(FieldRecord(m.group("label"), "funding_part_blank", "", cell.line))
            continue
        money = parse_money(value, unit)
        if money is None:
            form.issues.append(unplaced(block, "unreadable_amount"))
            continue
        form.amounts.append(
            AmountRecord(
                item_label_printed=m.group("label"),
                text_printed=cell.text,
                value=money.value,
                unit_printed=money.unit or unit,
                value_wan=money.value_wan,
                line_no=cell.line,
                year=year,
                parent_seq=total,
                section=group or span.title,
                placement="exact" if group else "inferred",
            )
        )


def _target_row(form: ExtractedForm, block: Block, header: list[str], vocab: Vocabulary, year: int | None) -> None:
    """预期目标 / 实际完成情况 texts as fields; the sums of money printed in them as amounts."""
    values = [c for c in block.cells if not c.is_empty]
    for head, cell in zip(header[-len(values) :] if values else [], values, strict=False):
        form.fields.append(FieldRecord(head, _key(vocab, CONTEXT, head) or "overall_target", cell.text, cell.line))
        index: dict[int, int] = {}
        for k, a in enumerate(amounts_in_sentence(cell.text)):
            if a.per_unit or a.is_share:
                continue
            index[k] = len(form.amounts)
            form.amounts.append(
                AmountRecord(
                    item_label_printed=a.label,
                    text_printed=a.text or a.printed,
                    value=a.value,
                    unit_printed=a.unit,
                    value_wan=to_wan(a.value, a.unit),
                    line_no=cell.line,
                    stage_printed=head,
                    year=a.year or year,
                    parent_seq=index.get(a.parent) if a.parent is not None else None,
                    section=f"年度总体目标 {head}",
                )
            )

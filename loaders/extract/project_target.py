"""项目（总体）绩效目标表 / 重大政策和重点项目绩效目标表: one project — label/value header, funding, schedule,
indicator table.

Recognised by a row that carries the 项目名称 label; the form runs to the next such row (or the next
form another recogniser claims). Its title is the paragraphs right above it. Two layouts are read:
cell-per-line Word exports (002) and tab-separated PDF conversions (004), whose cells keep their
positions; the indicator table of the latter is read by position (``positional_indicators``).
"""

from __future__ import annotations

import re

from loaders.amounts import unit_from_header
from loaders.extract.common import UNIT_IN_LABEL, YEAR, is_header_row, row_has_label, title_before, unplaced
from loaders.extract.funding_rows import FundingBlock, funding_part, strip_unit
from loaders.extract.indicator_table import read_indicator_table
from loaders.extract.positional_indicators import is_positional, read_positional_indicator_table
from loaders.model import Block, Cell, ExtractedForm, FieldRecord, FormSpan, IssueRecord, ReadDocument, form_over
from loaders.vocabulary import Vocabulary

FORM_KIND = "project_target"
CONTEXT = "project_header"
TEMPLATE_UNIT = "万元"
# A value cell short enough to hold a glued "value label value" run (a person's name, 联系电话, a number).
_MAX_GLUED_CELL = 40


def _well_formed(indicators: list, vocab: Vocabulary) -> int:
    """Indicators with a known 二级 label, a name and a target: how well a reading of a table fits it."""
    return sum(1 for r in indicators if r.level3 and r.target_text and vocab.lookup("level2", r.level2_printed or "") is not None)


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    starts = [i for i, b in enumerate(doc.blocks) if row_has_label(b, vocab, CONTEXT, "project_name")]
    spans: list[FormSpan] = []
    for n, i in enumerate(starts):
        first, title = title_before(doc, i)
        end = starts[n + 1] if n + 1 < len(starts) else len(doc.blocks)
        if n + 1 < len(starts):
            end = title_before(doc, starts[n + 1])[0]
        spans.append(FormSpan(FORM_KIND, first, end, title))
    return spans


def _section(vocab: Vocabulary, text: str, key_prefix: str | None = None):
    m = vocab.lookup("section", text)
    if m is None or (key_prefix and not m.field_key.startswith(key_prefix)):
        return None
    return m


def _split_glued(cell: Cell, vocab: Vocabulary) -> list[tuple[str, int]]:
    """A value cell that holds a label inside it (name · 联系电话 · number) as separate pieces."""
    text = cell.text
    tokens = text.split()
    if len(tokens) < 2 or len(text) > _MAX_GLUED_CELL:
        return [(text, cell.line)]
    for k, token in enumerate(tokens):
        if vocab.lookup(CONTEXT, token) is not None:
            pieces = [" ".join(tokens[:k]), token, " ".join(tokens[k + 1 :])]
            return [(p, cell.line) for p in pieces if p]
    return [(text, cell.line)]


def _row_fields(block: Block, vocab: Vocabulary) -> tuple[list[FieldRecord], list[str], list[IssueRecord]]:
    """Label/value cells of a header row: each label takes the non-label cells up to the next label.

    Returns the fields, the section labels printed before the first label (项目资金申请 (万元)), and
    issues for cells that fit nowhere.
    """
    pieces: list[tuple[str, int]] = []
    for cell in block.cells:
        if cell.is_empty:
            continue
        if vocab.lookup(CONTEXT, cell.text) is None:
            pieces.extend(_split_glued(cell, vocab))
        else:
            pieces.append((cell.text, cell.line))
    fields: list[FieldRecord] = []
    leading: list[str] = []
    issues: list[IssueRecord] = []
    for text, line in pieces:
        match = vocab.lookup(CONTEXT, text)
        part = vocab.lookup("section", text)
        if match is not None:
            fields.append(FieldRecord(text, match.field_key, "", line, match.placement))
        elif fields and part is not None and part.field_key.startswith("funding_part"):
            # a total and its parts on one row (项目总金额 | 500 | 其中：财政资金 | 500)
            fields.append(FieldRecord(text, "funding_part", "", line, part.placement))
        elif fields:
            f = fields[-1]
            if not f.value_printed:
                f.value_printed, f.line_no = text, line
            else:  # a value scattered over several cells (L1247 in 004): kept, space-joined
                f.value_printed = f"{f.value_printed} {text}"
        elif _section(vocab, strip_unit(text)) is not None:
            leading.append(text)
        else:
            issues.append(IssueRecord("warning", "unplaced_cell", f"cell before any label: {text[:80]}", line, text))
    return fields, leading, issues


def _schedule_columns(block: Block, vocab: Vocabulary) -> dict[str, str] | None:
    """The 项目实施进度 header row: its column labels by key, or None."""
    if block.labels is not None and ("section", "schedule_content") not in block.labels:
        return None  # its noted labels say no cell is the content column's label
    labels = {}
    for cell in block.cells:
        m = _section(vocab, cell.text, "schedule_")
        if m is not None:
            labels[m.field_key] = cell.text
    return labels if "schedule_content" in labels else None


def _schedule_fields(block: Block, labels: dict[str, str]) -> list[FieldRecord]:
    """One 项目实施进度 row: content, start and end as printed.

    Rows of these exports drift right of their headers, so the printed values are taken in order:
    the last two are the start and end when they carry digits, the rest is the content.
    """
    cells = [c for c in block.cells[1:] if not c.is_empty]
    if not cells:
        return []
    keyed: list[tuple[str, Cell]] = []
    dated = [c for c in cells[-2:] if re.search(r"\d", c.text)]
    if len(cells) >= 3 or (len(cells) == 2 and len(dated) == 2):
        content, start, end = cells[:-2], cells[-2], cells[-1]
        keyed += [("schedule_start", start), ("schedule_end", end)]
    elif len(cells) == 2:
        content = cells[:1]
        keyed.append(("schedule_start", cells[1]))
    else:
        content = cells
    fields = []
    if content:
        text = " ".join(c.text for c in content)
        fields.append(FieldRecord(labels.get("schedule_content", "项目实施内容"), "schedule_content", text, content[0].line))
    for key, cell in keyed:
        fields.append(FieldRecord(labels.get(key, key), key, cell.text, cell.line, "exact" if key in labels else "inferred"))
    return fields


def _period_columns(block: Block, vocab: Vocabulary) -> tuple[list[str], list[str]] | None:
    """The funding block's column row (项目资金（万元） | 中期资金总额 | 年度资金总额): its section labels and its
    column labels, or None."""
    if block.label_contexts is not None and "period_column" not in block.label_contexts:
        return None  # its noted labels say no cell is a column label
    filled = [c.text for c in block.cells if not c.is_empty]
    leading = [t for t in filled if _section(vocab, strip_unit(t)) is not None and not vocab.lookup("period_column", t)]
    columns = [t for t in filled if vocab.lookup("period_column", t)]
    if columns and len(leading) + len(columns) == len(filled):
        return leading, columns
    return None


def _has_any_label(block: Block, vocab: Vocabulary) -> bool:
    return any(vocab.lookup(CONTEXT, c.text) or vocab.lookup("section", strip_unit(c.text)) for c in block.cells)


def _is_continuation(block: Block, vocab: Vocabulary) -> bool:
    """A positional row with an empty label column and no labels: the field above, carried to a new line."""
    return (
        _on_one_line(block)
        and block.cells[0].is_empty
        and not _has_any_label(block, vocab)
        and any(not c.is_empty for c in block.cells)
    )


def _on_one_line(block: Block) -> bool:
    return block.kind == "row" and len({c.line for c in block.cells}) == 1


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks, form = form_over(doc, span, FORM_KIND)
    year_match = YEAR.search(span.title or "")
    year = int(year_match.group(1)) if year_match else None
    # a 单位：元 / 单位：万元 line above the table gives the unit of bare numbers
    form_unit = next((u for b in blocks if b.kind == "paragraph" and (u := unit_from_header(b.text))), None)
    funding: FundingBlock | None = None
    period: tuple[list[str], list[str]] | None = None  # the funding block's column row, when it has one
    schedule: dict[str, str] | None = None
    last_field: FieldRecord | None = None  # the field a continuation line may extend
    opened: FieldRecord | None = None  # a paragraph label waiting for its paragraph value
    stop = lambda b: is_header_row(b, vocab) or row_has_label(b, vocab, CONTEXT)  # noqa: E731
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if block.kind == "paragraph":
            opened = _paragraph(block, vocab, form, opened)
            continue
        opened = None
        if all(c.is_empty for c in block.cells):
            continue
        if is_header_row(block, vocab):
            funding = schedule = last_field = None
            table = read_indicator_table(blocks, i - 1, vocab, positional=False, stop=stop)
            if is_positional(block):
                # a table whose rows keep their columns is read by position, unless its rows dropped the
                # cells a merge covers after all (OCR markdown): then the labels place them better
                by_position = read_positional_indicator_table(blocks, i - 1, vocab, stop=stop)
                fit = _well_formed(by_position.indicators, vocab)
                # a table of values without names fits neither reading: keep the one that read rows
                if fit >= _well_formed(table.indicators, vocab) and (by_position.indicators or not table.indicators):
                    table = by_position
            form.indicators.extend(table.indicators)
            form.fields.extend(table.fields)
            form.issues.extend(table.issues)
            i = max(table.end, i)
            continue
        if funding is not None:
            part = funding_part(block, vocab)
            if part is not None:
                funding.add_part(form, *part, vocab)
                continue
            funding = None
        period_row = _period_columns(block, vocab)
        if period_row is not None and (len(period_row[1]) >= 2 or period_row[0] or period is not None):
            # a cell stream may print the column row's last label as a row of its own
            period = (period_row[0], period_row[1]) if period is None else (period[0], period[1] + period_row[1])
            continue
        columns = _schedule_columns(block, vocab)
        if columns is not None:
            schedule, last_field = columns, None
            continue
        if schedule is not None and not _has_any_label(block, vocab):
            form.fields.extend(_schedule_fields(block, schedule))
            continue
        schedule = None
        if last_field is not None and _is_continuation(block, vocab):
            last_field.value_printed += "".join(c.text for c in block.cells if not c.is_empty)
            continue
        fields, leading, issues = _row_fields(block, vocab)
        if not fields:
            if not leading:
                form.issues.append(unplaced(block))  # one issue for the whole row, not one per cell
            continue
        form.issues.extend(issues)
        for f in fields:
            if f.field_key == "funding_part":
                if funding is not None:
                    funding.add_part(form, f.label_printed, f.value_printed, f.line_no, vocab)
                else:
                    form.issues.append(unplaced(block))
                continue
            form.fields.append(f)
            if f.field_key == "project_name" and form.subject_name is None:
                form.subject_name = f.value_printed
            if f.field_key == "funding_total":
                # the national template prints its funding block in 万元; a copy that lost the label's
                # unit keeps the template's
                label_unit = UNIT_IN_LABEL.search(f.label_printed)
                unit = label_unit.group("unit") if label_unit else form_unit or TEMPLATE_UNIT
                funding = FundingBlock.open(leading or (period[0] if period else []), vocab, year, unit)
                if period is not None:
                    funding.columns, period = (period[1] if len(period[1]) >= 2 else None), None
                if f.value_printed:
                    funding.add_total(form, f)
        last_field = fields[-1]
    if form.subject_name is None:
        form.issues.append(IssueRecord("warning", "missing_field", "form has no project_name", form.line_start))
    if not form.indicators:
        # every project target form has an indicator table; a form without one was cut short
        form.issues.append(
            IssueRecord("warning", "no_indicator_table", "form ends before its indicator table (truncated?)", form.line_end)
        )
    return form


def _paragraph(block: Block, vocab: Vocabulary, form: ExtractedForm, opened: FieldRecord | None) -> FieldRecord | None:
    """A label printed as its own paragraph (其他需要说明的问题) takes the next paragraph as its value.

    Returns the paragraph-label field still waiting for its value, if any.
    """
    text = block.text.strip()
    if not text:
        return opened
    match = vocab.lookup(CONTEXT, text)
    if match is not None:
        field = FieldRecord(text, match.field_key, "", block.line_start, match.placement)
        form.fields.append(field)
        return field
    if opened is not None:
        opened.value_printed, opened.line_no = text, block.line_start
    return None

"""项目（总体）绩效目标表: one project or special fund — label/value header, funding, indicator table.

Recognised by a row that carries the 项目名称 label; the form runs to the next such row (or the next
form another recogniser claims). Its title is the paragraphs right above it.
"""

from __future__ import annotations

from loaders.amounts import amounts_in_sentence, parse_money, to_wan
from loaders.extract.common import is_header_row, label_value_fields, row_has_label, title_before, unplaced
from loaders.extract.indicator_table import read_indicator_table
from loaders.model import AmountRecord, ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import Vocabulary

FORM_KIND = "project_target"
CONTEXT = "project_header"


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


def _funding_amounts(label: str, value: str, line: int) -> list[AmountRecord]:
    """The 资金总额 cell: a bare amount, or a sentence with 其中 parts and percentage shares."""
    money = parse_money(value)
    if money is not None:
        return [AmountRecord(label, money.printed, money.value, money.unit, money.value_wan, line, "funding_total")]
    found = amounts_in_sentence(value)
    records: list[AmountRecord] = []
    for a in found:
        records.append(
            AmountRecord(
                item_label_printed=a.label or label,
                text_printed=a.printed,
                value=None if a.is_share else a.value,
                unit_printed=a.unit,
                value_wan=None if a.is_share else to_wan(a.value, a.unit),
                line_no=line,
                item_key="funding_total" if a.parent is None and not a.is_share else None,
                share_pct=a.value if a.is_share else None,
                parent_seq=a.parent,
                section=label,
            )
        )
    return records


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks = doc.blocks[span.block_start : span.block_end]
    form = ExtractedForm(
        form_kind=FORM_KIND,
        title=span.title,
        subject_name=None,
        line_start=blocks[0].line_start,
        line_end=blocks[-1].line_end,
    )
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "row":
            i += 1
            continue
        if is_header_row(block, vocab):
            table = read_indicator_table(
                blocks,
                i,
                vocab,
                positional=False,
                stop=lambda b: is_header_row(b, vocab) or row_has_label(b, vocab, CONTEXT),
            )
            form.indicators.extend(table.indicators)
            form.fields.extend(table.fields)
            form.issues.extend(table.issues)
            i = max(table.end, i + 1)
            continue
        fields, issues = label_value_fields(block, vocab, CONTEXT)
        form.issues.extend(issues)
        if not fields and not all(c.is_empty for c in block.cells):
            form.issues.append(unplaced(block))
        for f in fields:
            form.fields.append(f)
            if f.field_key == "project_name" and form.subject_name is None:
                form.subject_name = f.value_printed
            if f.field_key == "funding_total" and f.value_printed:
                form.amounts.extend(_funding_amounts(f.label_printed, f.value_printed, f.line_no))
        i += 1
    if form.subject_name is None:
        form.issues.append(IssueRecordFactory.missing("project_name", form.line_start))
    return form


class IssueRecordFactory:
    @staticmethod
    def missing(key: str, line: int):
        from loaders.model import IssueRecord

        return IssueRecord("warning", "missing_field", f"form has no {key}", line)

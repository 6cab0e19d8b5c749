"""专项资金支出方向绩效目标表 (wide): one row per spending direction, indicators spread across columns.

Recognised by a header row of ``direction_column`` labels with an indicator region (绩效指标 over rows of
一级 and 二级 labels). Each row becomes a form: its labelled cells are fields, 支出方向年度金额 an amount,
and every filled indicator cell an indicator under the 一级/二级 labels above it (unpivoted).
"""

from __future__ import annotations

from loaders.extract import fund_table
from loaders.model import ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import Vocabulary

FORM_KIND = "spending_direction_target"
CONTEXT = "direction_column"
PRIORITY = 50  # see special_fund_summary


def _tables(doc: ReadDocument, vocab: Vocabulary) -> list[fund_table.FundTable]:
    return [t for t in fund_table.read_tables(doc, vocab, CONTEXT) if t.has_indicators]


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    return [FormSpan(FORM_KIND, s, e, title) for s, e, title in fund_table.spans(_tables(doc, vocab))]


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    table, row = fund_table.row_of_span(_tables(doc, vocab), span.block_start, span.block_end)
    return fund_table.extract_row(FORM_KIND, table, row, doc)

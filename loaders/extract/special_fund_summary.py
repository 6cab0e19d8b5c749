"""专项资金预算绩效目标汇总表: one row per special fund (序号, 专项名称, 支出方向, 资金总额, 目标).

Recognised by a header row of ``summary_column`` labels without an indicator region (a header with
绩效指标 columns is the wide 支出方向 table). Each fund row becomes its own form, like a project form:
its name is the form's subject, its cells are fields and its 资金总额 an amount, so dbt joins fields
and amounts to the fund by form id, not by line arithmetic.
"""

from __future__ import annotations

from loaders.extract import fund_table
from loaders.model import ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import Vocabulary

FORM_KIND = "special_fund_summary"
CONTEXT = "summary_column"
# Table headers are recognised by several labels at once, so they run before the label/value forms,
# whose 项目名称 row a summary header could otherwise be mistaken for.
PRIORITY = 50


def _tables(doc: ReadDocument, vocab: Vocabulary) -> list[fund_table.FundTable]:
    return [t for t in fund_table.read_tables(doc, vocab, CONTEXT) if not t.has_indicators]


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    return [FormSpan(FORM_KIND, s, e, title) for s, e, title in fund_table.spans(_tables(doc, vocab))]


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    table, row = fund_table.row_of_span(_tables(doc, vocab), span.block_start, span.block_end)
    return fund_table.extract_row(FORM_KIND, table, row, doc)

"""部门整体支出绩效自评表: a department's funding execution, overall target and scored indicators.

Recognised by its title (…整体支出绩效自评表) above a run of rows; or, with an unknown title, by its labels: a
部门名称 row followed by an indicator table that reports what was done (实际完成值, 得分) and no 项目名称.
Read by :mod:`self_evaluation_form`.
"""

from __future__ import annotations

from loaders.extract.common import (
    header_columns,
    is_header_row,
    next_form_start,
    row_has_label,
    title_before,
    titled_table_forms,
)
from loaders.extract.self_evaluation_form import extract_form
from loaders.model import ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import Vocabulary

FORM_KIND = "department_self_evaluation"
PRIORITY = 50


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    titled = [
        FormSpan(FORM_KIND, first, next_form_start(doc, vocab, first), title)
        for first, title in titled_table_forms(doc, vocab, FORM_KIND)
    ]
    return titled or _by_labels(doc, vocab)


_REPORTED = {"actual", "score"}


def _by_labels(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    blocks = doc.blocks
    starts = [i for i, b in enumerate(blocks) if row_has_label(b, vocab, "department_declaration", "department_name")]
    spans = []
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(blocks)
        own = blocks[i:end]
        if any(row_has_label(b, vocab, "project_header", "project_name") for b in own):
            continue  # a project's form that prints its department
        if any(is_header_row(b, vocab) and _REPORTED & set(header_columns(b, vocab)) for b in own):
            first, title = title_before(doc, i)
            spans.append(FormSpan(FORM_KIND, first, end, title))
    return spans


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    return extract_form(doc, span, vocab, FORM_KIND)

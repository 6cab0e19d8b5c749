"""项目支出绩效自评表: one project's funding execution (项目资金), overall target and scored indicators.

Recognised by its title (…项目支出绩效自评表) above a run of rows; read by :mod:`self_evaluation_form`.
"""

from __future__ import annotations

from loaders.extract.common import next_form_start, titled_table_forms
from loaders.extract.self_evaluation_form import extract_form
from loaders.model import ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import Vocabulary

FORM_KIND = "project_self_evaluation"
PRIORITY = 50


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    return [
        FormSpan(FORM_KIND, first, next_form_start(doc, vocab, first), title)
        for first, title in titled_table_forms(doc, vocab, FORM_KIND)
    ]


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    return extract_form(doc, span, vocab, FORM_KIND)

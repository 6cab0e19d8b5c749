"""Self-evaluation forms found by their labels, whatever their title (or none).

项目支出绩效自评表, 部门整体支出绩效自评表 and the provincial exports of 财预〔2020〕10号 (区域(项目)绩效目标
自评表, 专项资金绩效目标自评表 …) all print a subject row (项目名称 / 部门 …), a funding block whose header
has execution columns (全年执行数, 执行率, 得分) and an indicator table with actual values (实际完成值,
全年完成值 …). Which form kind a run of rows is follows from the labels it carries, weighed against the
templates in ``seeds/form_templates.csv``; a title is evidence only. The form runs from its first subject
or header row to the next subject row. Titled forms are claimed first by their own recognisers (lower
PRIORITY); this one reads the ones they did not.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections import defaultdict
from functools import lru_cache

from loaders.extract.common import form_title_kind, row_labels, title_before
from loaders.extract.self_evaluation_form import extract_form
from loaders.model import Block, ExtractedForm, FormSpan, ReadDocument
from loaders.vocabulary import SEEDS, Vocabulary

FORM_KIND = "project_self_evaluation"  # the default kind; each span carries the kind its labels chose
PRIORITY = 55
_SUBJECT_CONTEXTS = ("evaluation_header",)
_MIN_SCORE = 4  # a subject and one execution column, or two execution columns
_MIN_COLUMNS = 2


@lru_cache(maxsize=1)
def templates() -> dict[str, list[tuple[str, str, str, int]]]:
    out: dict[str, list[tuple[str, str, str, int]]] = defaultdict(list)
    with open(SEEDS / "form_templates.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["form_kind"]].append((r["context"], r["field_key"], r["role"], int(r["weight"])))
    return dict(out)


@lru_cache(maxsize=1)
def _template_contexts() -> frozenset[str]:
    return frozenset(ctx for rows in templates().values() for ctx, *_ in rows)


@lru_cache(maxsize=1)
def _subject_keys() -> frozenset[tuple[str, str]]:
    return frozenset((ctx, key) for rows in templates().values() for ctx, key, role, _ in rows if role == "subject")


def _keys(block: Block, vocab: Vocabulary) -> set[tuple[str, str]]:
    contexts = _template_contexts()
    return {pair for pair in row_labels(block, vocab) if pair[0] in contexts}


def _is_subject(keys: set[tuple[str, str]]) -> bool:
    return not _subject_keys().isdisjoint(keys)


def _kind(keys: set[tuple[str, str]], title: str | None, vocab: Vocabulary) -> tuple[str | None, int]:
    """The template the labels fit best; its columns must be seen (a subject row alone is any form)."""
    scores = {
        kind: sum(w for ctx, key, _, w in rows if (ctx, key) in keys)
        for kind, rows in templates().items()
        if sum(w for ctx, key, role, w in rows if role == "column" and (ctx, key) in keys) >= _MIN_COLUMNS
    }
    titled = form_title_kind(title, vocab)
    if titled in scores:
        scores[titled] += 1  # a title is evidence, never a requirement
    kind = max(scores, key=lambda k: scores[k], default=None)
    return kind, scores.get(kind, 0) if kind else 0


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    rows = [(i, _keys(b, vocab)) for i, b in enumerate(doc.blocks) if b.kind == "row"]
    row_at = [i for i, _ in rows]  # in block order: a span's rows are a slice (a budget book has hundreds of forms)
    starts = [i for i, keys in rows if _is_subject(keys)]
    if not starts:  # no subject row: the first structural header opens the form
        starts = [i for i, keys in rows if keys][:1]
    spans = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(doc.blocks)
        if n + 1 < len(starts):
            end = title_before(doc, starts[n + 1])[0]
        keys = set().union(*(k for _, k in rows[bisect_left(row_at, start) : bisect_left(row_at, end)]))
        first, title = title_before(doc, start)
        kind, score = _kind(keys, title, vocab)
        if kind is None or score < _MIN_SCORE:
            continue
        # the form ends with its last row: prose after it belongs to whatever follows
        while end > start + 1 and doc.blocks[end - 1].kind != "row":
            end -= 1
        spans.append(FormSpan(kind, first, end, title))
    return spans


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    return extract_form(doc, span, vocab, span.form_kind)

"""The narrative of any budget-performance document: every amount of money in its prose, with label and heading.

绩效自评报告 of departments, projects and transfer payments, 资金分配 / 下达 notices, 评价报告 and 公示 carry
their money in sentences. A document is such a narrative by its content — paragraphs that print money or
speak of budgets and performance (``seeds/prose_vocabulary.csv``) — never by a title; a 自评报告 title only
names the kind. The recogniser runs last (PRIORITY) and offers every run of paragraphs, so it keeps only
the paragraphs no table form claimed.

Headings (一、 / （一） / 1. / （1） / unnumbered short lines) give each amount its section; a paragraph
ending in 如下： opens a list whose item headings own the amounts printed under them, the first of which
is a part of the intro's matching amount. Per-person standards (4000元/人), targets after a comparator
(≥80万元), outcomes (产值, 增收) and percentages other than money rates are not funding; a masked amount
(78.*元) is reported as a parse issue with its printed text, never read as a number.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from loaders.amounts import SentenceAmount, amounts_in_sentence, masked_amounts, to_wan
from loaders.extract.common import YEAR, colon_fields, form_title_kind, title_before
from loaders.extract.prose_indicators import indicators_in_text
from loaders.model import AmountRecord, Block, ExtractedForm, FormSpan, IssueRecord, ReadDocument, form_over
from loaders.textnorm import compact, to_simplified
from loaders.vocabulary import SEEDS, Vocabulary, normalise_label

FORM_KIND = "narrative"
REPORT_KIND = "self_evaluation_report"  # a narrative whose title names it a 自评报告
# After every table form: a run of paragraphs partly claimed by a table form (its title, its notes) keeps
# only the rest.
PRIORITY = 900

_HEADING_LEVELS = [
    (re.compile(r"^[一二三四五六七八九十]+[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 2),
    (re.compile(r"^\d{1,2}[、.．](?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 4),
]
_MAX_HEADING = 40
_MAX_TITLE = 60
_LIST_INTRO = re.compile(r"如下\s*[:：]?\s*$")
_SEAL = re.compile(r"[（(]\s*盖章\s*[)）]")
# A paragraph of running prose, as opposed to a heading, a menu entry or a cell (a sentence's length).
_SENTENCE_LENGTH = 30
# How much vocabulary makes prose without money a budget-performance narrative: distinct words, of which
# at least one names budgets, funds or performance (not only 项目, 指标 …).
_MIN_EVIDENCE = 3
_CORE_ROLES = {"绩效", "自评", "预算", "决算", "资金", "专项资金", "转移支付", "经费"}


@lru_cache(maxsize=4)
def _prose_words(role: str) -> frozenset[str]:
    with open(SEEDS / "prose_vocabulary.csv", encoding="utf-8", newline="") as fh:
        return frozenset(normalise_label(r["word"]) for r in csv.DictReader(fh) if r["role"] == role)


def _evidence(text: str) -> set[str]:
    simple = to_simplified(compact(text))
    return {w for w in _prose_words("evidence") if w in simple}


def _prints_money(text: str) -> bool:
    return bool(masked_amounts(text)) or any(
        not a.is_share and not a.per_unit and not a.target for a in amounts_in_sentence(text)
    )


def _qualifies(paragraphs: list[Block]) -> bool:
    """A run of paragraphs is budget-performance prose: money among budget words, or sentences full of them."""
    words: set[str] = set()
    for b in paragraphs:
        words |= _evidence(b.text)
    if not words:
        return False
    if any(_prints_money(b.text) for b in paragraphs):
        return True
    sentences = any(len(compact(b.text)) >= _SENTENCE_LENGTH for b in paragraphs)
    return sentences and len(words) >= _MIN_EVIDENCE and bool(words & _CORE_ROLES)


def _title(doc: ReadDocument, start: int, end: int, vocab: Vocabulary) -> tuple[str, str | None]:
    """The kind and title of a run: the longest 自评报告 title in it, else its first short line about budgets."""
    reports = [
        # a title may run over lines (2024年度 / …民政局整体支出绩效自评报告); the longest names the subject
        title_before(doc, i + 1)[1] or ""
        for i in range(start, end)
        if len(compact(doc.blocks[i].text)) <= _MAX_TITLE and form_title_kind(doc.blocks[i].text, vocab) == REPORT_KIND
    ]
    if reports:
        return REPORT_KIND, max(reports, key=len) or None
    for i in range(start, min(end, start + 5)):
        text = doc.blocks[i].text.strip().lstrip("#").strip()
        numbered = any(pattern.match(compact(text)) for pattern, _ in _HEADING_LEVELS)
        if numbered:
            continue  # a numbered heading (一、…情况) opens a section, it does not title the document
        if 8 <= len(compact(text)) <= _MAX_TITLE and text[-1] not in "。；;，,:：" and _evidence(text) & _CORE_ROLES:
            if not amounts_in_sentence(text):
                return FORM_KIND, text
    return FORM_KIND, None


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    spans: list[FormSpan] = []
    i = 0
    while i < len(doc.blocks):
        if doc.blocks[i].kind != "paragraph":
            i += 1
            continue
        j = i
        while j < len(doc.blocks) and doc.blocks[j].kind == "paragraph":
            j += 1
        if _qualifies(doc.blocks[i:j]):
            kind, title = _title(doc, i, j, vocab)
            spans.append(FormSpan(kind, i, j, title))
        i = j
    return spans


def _heading_level(block: Block) -> int | None:
    """1-4 for a numbered heading, 0 for an unnumbered one, None for a paragraph of prose."""
    text = compact(block.text)
    if not text or len(text) > _MAX_HEADING or text[-1] in "。；;，," or amounts_in_sentence(text):
        return None
    return next((level for pattern, level in _HEADING_LEVELS if pattern.match(text)), 0)


def _year(title: str | None) -> int | None:
    m = YEAR.search(title or "")
    return int(m.group(1)) if m else None


class _Sections:
    """The heading stack; an unnumbered heading sits at the level of the heading before it."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def push(self, level: int, text: str) -> int:
        if level == 0:
            level = self.stack[-1][0] if self.stack else 1
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        # the section is the heading's words; its numbering (（1）, 二、) only orders it
        words = next(
            (pattern.sub("", text.strip(), count=1) for pattern, _ in _HEADING_LEVELS if pattern.match(text.strip())), text
        )
        self.stack.append((level, words.strip().rstrip(":：") or text.strip()))
        return level

    @property
    def current(self) -> str | None:
        return self.stack[-1][1] if self.stack else None


def _rate_kept(vocab: Vocabulary, a: SentenceAmount) -> bool:
    """A percentage is kept when it is a money rate of money printed before it (决算0.13万元，完成预算的43%),
    not 合格率100%, nor a rate whose operands are not printed (预算数*元，执行数*元，完成预算的100%)."""
    norm = normalise_label(a.label)
    return a.money_before and any(word in norm for word in vocab.labels("rate_label"))


def _not_funding(a: SentenceAmount) -> str | None:
    """Why money printed in prose is not an amount of funding, or None when it is."""
    if a.per_unit:
        return "a rate per person or per unit"
    if a.target:
        return "a target after a comparator"
    norm = normalise_label(a.label)
    if any(word in norm for word in _prose_words("not_funding")):
        return "an outcome, not funding"
    return None


def _attach_listed(form: ExtractedForm, listed: list[int]) -> None:
    """A 其中 list printed without its total (资金切块下达各市，其中：A市…、B市…) is the breakdown of the
    latest earlier amount its parts add up to exactly, when there is one; otherwise it stays unattached."""
    if len(listed) < 2 or any(form.amounts[i].value_wan is None for i in listed):
        return
    total = sum(form.amounts[i].value_wan for i in listed)
    for j in range(listed[0] - 1, -1, -1):
        candidate = form.amounts[j]
        if candidate.parent_seq is None and candidate.value_wan == total:
            for i in listed:
                form.amounts[i].parent_seq = j
            return


def read_paragraph_amounts(form: ExtractedForm, block: Block, year: int | None, section: str | None) -> None:
    """The funding printed in one paragraph that sits inside a table form (a 完成情况 text copied out of its
    cell): its amounts with their 其中 parts; shares, per-unit rates, targets and outcomes are left out."""
    index: dict[int, int] = {}
    listed: list[int] = []
    for k, a in enumerate(amounts_in_sentence(block.text)):
        if a.is_share or _not_funding(a):
            continue
        parent = index.get(a.parent) if a.parent is not None else None
        index[k] = len(form.amounts)
        if a.listed and parent is None:
            listed.append(len(form.amounts))
        form.amounts.append(
            AmountRecord(
                item_label_printed=a.label,
                text_printed=a.text or a.printed,
                value=a.value,
                unit_printed=a.unit,
                value_wan=to_wan(a.value, a.unit),
                line_no=block.line_start,
                stage_printed=a.stage,
                year=a.year or year,
                parent_seq=parent,
                section=section,
                placement="inferred",
            )
        )
    _attach_listed(form, listed)


# the project a notice or report is about: 实施…项目 (the first one named)
_IMPLEMENTS = re.compile(r"实施(?P<name>[^，,。；;：:、《》“”\s]{4,40}?项目)(?=[，,。；;])")


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks, form = form_over(doc, span)
    default_year = _year(span.title)
    sections = _Sections()
    list_level: int | None = None  # level of the heading whose paragraph ended in 如下：
    list_parents: list[int] = []
    item_open = False  # an item heading of that list was just read: its first amount is a part
    for block in blocks:
        if block.kind != "paragraph":
            continue
        for f in colon_fields(block.text, block.line_start, vocab, "evaluation_header"):
            form.fields.append(f)
            if f.field_key == "department_name" and form.subject_name is None:
                form.subject_name = _SEAL.sub("", f.value_printed).strip() or None
        level = _heading_level(block)
        if level is not None:
            level = sections.push(level, block.text)
            if list_level is not None and level <= list_level:
                list_level, list_parents = None, []
            item_open = list_level is not None and level > list_level
            continue
        for printed in masked_amounts(block.text):
            form.issues.append(
                IssueRecord("warning", "masked_amount", f"amount masked in print, not read: {printed}", block.line_start, printed)
            )
        offset = len(form.amounts)
        index: dict[int, int] = {}
        listed: list[int] = []
        for k, a in enumerate(amounts_in_sentence(block.text)):
            if a.is_share and not _rate_kept(vocab, a):
                continue
            reason = None if a.is_share else _not_funding(a)
            if reason:
                form.issues.append(
                    IssueRecord("info", "not_funding", f"money in prose, {reason}: {a.text}", block.line_start, a.text)
                )
                continue
            parent = index.get(a.parent) if a.parent is not None else None
            if item_open and not a.is_share and parent is None and list_parents:
                # the first amount under a list item is a part of the intro's amount of the same stage
                same = [p for p in list_parents if a.stage and (form.amounts[p].stage_printed or "").endswith(a.stage)]
                parent = same[-1] if same else None
                item_open = False
            index[k] = len(form.amounts)
            if a.listed and parent is None:
                listed.append(len(form.amounts))
            form.amounts.append(
                AmountRecord(
                    item_label_printed=a.label,
                    text_printed=a.text or a.printed,
                    value=None if a.is_share else a.value,
                    unit_printed=a.unit,
                    value_wan=None if a.is_share else to_wan(a.value, a.unit),
                    line_no=block.line_start,
                    share_pct=a.value if a.is_share else None,
                    stage_printed=a.stage,
                    year=a.year or default_year,
                    parent_seq=parent,
                    section=sections.current,
                )
            )
        _attach_listed(form, listed)
        form.indicators.extend(indicators_in_text(block.text, block.line_start, vocab))
        if form.subject_name is None and (m := _IMPLEMENTS.search(block.text)):
            form.subject_name = m.group("name")
        if _LIST_INTRO.search(block.text):
            list_level = sections.stack[-1][0] if sections.stack else 0
            list_parents = [i for i in range(offset, len(form.amounts)) if form.amounts[i].value is not None]
    return form

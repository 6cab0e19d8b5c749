"""部门（单位）整体支出绩效自评报告: the narrative — every amount in the prose with its label and heading.

Recognised by a title paragraph ending in 自评报告; the report runs to the first titled table form
(基础数据表, 自评表 …). Headings (一、 / （一） / 1. / （1） / unnumbered short lines) give each amount
its section; a paragraph ending in 如下： opens a list whose item headings (（1）城乡最低生活保障项目 …)
own the amounts printed under them, the first of which is a part of the intro's matching amount.
"""

from __future__ import annotations

import re

from loaders.amounts import amounts_in_sentence, to_wan
from loaders.extract.common import YEAR, colon_fields, form_title_kind, next_form_start, title_before
from loaders.model import AmountRecord, Block, ExtractedForm, FormSpan, ReadDocument, form_over
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary, normalise_label

FORM_KIND = "self_evaluation_report"
PRIORITY = 50

_HEADING_LEVELS = [
    (re.compile(r"^[一二三四五六七八九十]+[、.．]"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[)）]"), 2),
    (re.compile(r"^\d{1,2}[、.．](?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 4),
]
_MAX_HEADING = 40
_LIST_INTRO = re.compile(r"如下\s*[:：]?\s*$")
_SEAL = re.compile(r"[（(]\s*盖章\s*[)）]")


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    titles = [
        i
        for i, b in enumerate(doc.blocks)
        if b.kind == "paragraph" and form_title_kind(b.text, vocab) == FORM_KIND and len(compact(b.text)) <= 60
    ]
    if not titles:
        return []
    first = title_before(doc, titles[0] + 1)[0]
    end = next_form_start(doc, vocab, titles[0])
    # the longest printed title names the department (…株洲市芦淞区民政局整体支出绩效自评报告)
    title = max((title_before(doc, i + 1)[1] or "" for i in titles if i < end), key=len) or None
    return [FormSpan(FORM_KIND, first, end, title)]


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


def _rate_kept(vocab: Vocabulary, label: str) -> bool:
    """A percentage in prose is kept when it is a money rate (完成预算的43%, 增长100%), not 合格率100%."""
    norm = normalise_label(label)
    return any(word in norm for word in vocab.labels("rate_label"))


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks, form = form_over(doc, span, FORM_KIND)
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
        offset = len(form.amounts)
        index: dict[int, int] = {}
        for k, a in enumerate(amounts_in_sentence(block.text)):
            if a.per_unit or (a.is_share and not _rate_kept(vocab, a.label)):
                continue
            parent = index.get(a.parent) if a.parent is not None else None
            if item_open and not a.is_share and parent is None and list_parents:
                # the first amount under a list item is a part of the intro's amount of the same stage
                same = [p for p in list_parents if a.stage and (form.amounts[p].stage_printed or "").endswith(a.stage)]
                parent = same[-1] if same else None
                item_open = False
            index[k] = len(form.amounts)
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
        if _LIST_INTRO.search(block.text):
            list_level = sections.stack[-1][0] if sections.stack else 0
            list_parents = [i for i in range(offset, len(form.amounts)) if form.amounts[i].value is not None]
    return form

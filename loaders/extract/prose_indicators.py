"""Indicators printed in running text: ``数量指标：黄金蜜种植数量(≥**株)>=17600株；成活率(≥**%)>=85``.

公示 notices and short reports list their targets in a sentence instead of a table: a level label and a
colon, then items separated by ; or , each a name and a target that starts with a comparator. The
template's placeholder after a name (``(≥**株)``) and priority stars (★) are not part of the name. A short
phrase right after a level label with no comparator is a qualitative target (生态效益指标：生态修复功能提高).
"""

from __future__ import annotations

import re
from functools import lru_cache

from loaders.model import IndicatorRecord
from loaders.vocabulary import Vocabulary

_TARGET = re.compile(r"(?:>=|<=|≥|≤|＞|＜|>|<|不低于|不高于|不少于|不超过)\s*\d[\d.,]*\s*[^\s,，;；。、:：]{0,6}")
_PLACEHOLDER = re.compile(r"[（(][^（()）]*\*\*[^（()）]*[)）]")
_ITEM_SPLIT = re.compile(r"[;；。]")
_NAME_SPLIT = re.compile(r"[,，:：]")
_MAX_QUALITATIVE = 20


@lru_cache(maxsize=4)
def _levels(vocab: Vocabulary) -> re.Pattern:
    labels = sorted({*vocab.labels("level1"), *vocab.labels("level2")}, key=len, reverse=True)
    # a level label ends in 指标 or 目标 in print (经济效益指标, 社会效益目标)
    words = [w for w in labels if len(w) >= 4]
    return re.compile("(" + "|".join(re.escape(w) for w in words) + r")\s*[:：,，]")


def _level_of(vocab: Vocabulary, label: str) -> tuple[str | None, str | None]:
    if vocab.lookup("level2", label) is not None:
        return None, label
    return label, None


def indicators_in_text(text: str, line: int, vocab: Vocabulary) -> list[IndicatorRecord]:
    marks = list(_levels(vocab).finditer(text))
    if not marks or not _TARGET.search(text):
        return []
    out: list[IndicatorRecord] = []
    level1: str | None = None
    for k, mark in enumerate(marks):
        l1, l2 = _level_of(vocab, mark.group(1))
        level1 = l1 or level1
        body = text[mark.end() : marks[k + 1].start() if k + 1 < len(marks) else len(text)]
        items = [i for i in _ITEM_SPLIT.split(body) if i.strip()]
        found = False
        for item in items:
            start = 0
            for t in _TARGET.finditer(item):
                name = _NAME_SPLIT.split(_PLACEHOLDER.sub("", item[start : t.start()]))[-1].strip(" ★*")
                start = t.end()
                if name:
                    found = True
                    out.append(IndicatorRecord(level1, l2, name, t.group(0).strip(), line, line))
        first = items[0].strip(" ★") if items else ""
        if l2 and not found and first and len(first) <= _MAX_QUALITATIVE and not _TARGET.search(first):
            out.append(IndicatorRecord(level1, l2, None, first, line, line))
    return out

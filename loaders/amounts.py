"""Money and share parsing: printed text → exact Decimal, unit, value in 万元.

Used for table cells ("115.36 万元", "90" under a 单位：万元 header) and for sentences that list an
amount with its 其中 parts ("总额：900万元，其中：…300万元，区财政安排600万元").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from loaders.textnorm import clean
from loaders.vocabulary import load_unit_factors

_NUMBER = r"-?\d[\d,，]*(?:\.\d+)?"
_MONEY_UNITS = r"百万元|亿元|万元|千元|元|亿|万"
_AMOUNT = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNITS}|%|％)")
_BARE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNITS})?\s*$")
_UNIT_HEADER = re.compile(r"单位\s*[:：]\s*(?P<unit>百万元|亿元|万元|千元|元)")
_PARTS_MARK = re.compile(r"其中\s*[:：]?")
_LABEL_TRIM = " \t\u3000,，;；、。.:：（）()【】[]“”\"'"


@dataclass
class Money:
    printed: str
    value: Decimal
    unit: str | None  # as printed; None when the caller's default unit applies
    value_wan: Decimal | None


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def to_wan(value: Decimal, unit: str | None) -> Decimal | None:
    if unit is None:
        return None
    factor = load_unit_factors().get(unit)
    return None if factor is None else value * factor


def unit_from_header(text: str) -> str | None:
    """The money unit a ``单位：元`` / ``单位：万元`` header declares, if any."""
    m = _UNIT_HEADER.search(text or "")
    return m.group("unit") if m else None


def parse_money(printed: str | None, default_unit: str | None = None) -> Money | None:
    """A cell that is one amount ("115.36 万元", "90", "1.4万"); None for anything else.

    A bare number takes ``default_unit`` (from the form's 单位 header or the column label).
    """
    if printed is None:
        return None
    text = clean(printed)
    m = _BARE.match(text)
    if not m:
        return None
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    unit = m.group("unit") or default_unit
    return Money(printed.strip(), value, m.group("unit"), to_wan(value, unit))


@dataclass
class SentenceAmount:
    label: str
    printed: str
    value: Decimal
    unit: str
    is_share: bool
    parent: int | None  # index into the returned list
    start: int  # character offset in the cleaned sentence


def amounts_in_sentence(sentence: str) -> list[SentenceAmount]:
    """Every labelled amount or percentage in a sentence, with 其中 parts pointing at their total.

    The label of an amount is the text between the previous amount (or clause start) and its number.
    Amounts after a 其中 are children of the last amount before that 其中.
    """
    text = clean(sentence)
    found: list[SentenceAmount] = []
    parent_for_parts: int | None = None
    cursor = 0
    parts_marks = [m.end() for m in _PARTS_MARK.finditer(text)]
    for m in _AMOUNT.finditer(text):
        value = to_decimal(m.group("num"))
        if value is None:
            continue
        between = text[cursor : m.start()]
        # a 其中 between the previous amount and this one opens a parts list under the previous amount
        if any(cursor <= pos <= m.start() for pos in parts_marks) and found:
            parent_for_parts = len(found) - 1
            while found[parent_for_parts].parent is not None:
                parent_for_parts = found[parent_for_parts].parent
            between = _PARTS_MARK.split(between)[-1]
        elif "。" in between:
            parent_for_parts = None
        label = re.split(r"[。；;]", between)[-1]
        label = re.sub(r"^[,，、\s]*(其中|包括|含)?", "", label).strip(_LABEL_TRIM)
        unit = m.group("unit").replace("％", "%")
        parent = parent_for_parts
        if unit == "%" and parent is None:
            # a share printed after a money amount is a share of it (共需1300万元，上级补助40%…)
            money = [i for i, a in enumerate(found) if not a.is_share and a.parent is None]
            parent = money[-1] if money else None
        found.append(
            SentenceAmount(
                label=label,
                printed=m.group(0),
                value=value,
                unit=unit,
                is_share=unit == "%",
                parent=parent,
                start=m.start(),
            )
        )
        cursor = m.end()
    return found

"""Glued rows of an indicator table with no level columns whose last column is a yes/no flag.

Department self-evaluations of some provinces print one row per indicator (指标名称 | 计量单位 | 指标性质 |
年初指标值 | 调整指标值 | 全年完成值 | 得分系数 | 指标权重 | 指标得分 | 是否核心指标) and no 一级 / 二级 labels,
so nothing in a glued run opens a row. The flag closes it instead: a 是 or 否 right after the score's
digits ends every row (``财政供养人员控制率%定量指标100%92%100%22否``). Inside a row the shapes place the
cells: the rate and the two scores before the flag, the name before the first value, its unit (the
suffix the values repeat, or %) and its 指标性质 between.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Split = Callable[[str, list[str | None]], list[str] | None]

# the end of a row: the score's digits, then the flag
_ROW_END = re.compile(r"(?<=\d)[是否](?![\u4e00-\u9fff]{0,1}(?:核心|指标))")
_TAIL = re.compile(r"(?P<rate>(?:100|\d{1,2})(?:\.\d+)?%)(?P<scores>\d+(?:\.\d+)?)(?P<flag>[是否])$")
_VALUE = re.compile(r"[≥≤><=＞＜]{0,2}\d+(?:\.\d+)?(?:%|[^\d%≥≤><=＞＜.]{0,4})")
_VALUE_TYPE = re.compile(r"(?:定量|定性)(?:指标)?")
_WORD = re.compile(r"(?P<word>[\u4e00-\u9fff]{1,4}?)(?P=word)+$")
_QUOTE_PAIRS = {"“": "”", "‘": "’", '"': '"'}
_MAX_NAME = 40
_VALUE_COLUMNS = ("target", "adjusted_target", "actual")


def applies(keys: list[str | None]) -> bool:
    return bool(keys) and keys[0] == "level3" and keys[-1] == "core_indicator" and "target" in keys


def rows(text: str, keys: list[str | None], split: Split) -> tuple[list[list[str]], str] | None:
    """The rows ``text`` starts with, as cells under ``keys``, and the text after them (a page cut off
    mid-row, the next block); None when it does not start with one. ``split`` cuts a run of digits
    under columns (the glued weight and score)."""
    out: list[list[str]] = []
    start = 0
    for m in _ROW_END.finditer(text):
        cells = _row(text[start : m.end()].strip(), keys, split)
        if cells is None:
            break
        out.append(cells)
        start = m.end()
    return (out, text[start:].strip()) if out else None


def _row(row: str, keys: list[str | None], split: Split) -> list[str] | None:
    tail = _TAIL.search(row)
    if tail is None:
        return None
    scores = split(tail.group("scores"), ["weight", "score"]) or [tail.group("scores"), ""]
    head = row[: tail.start()]
    value_type = _VALUE_TYPE.search(head)
    first = _VALUE.search(head, value_type.end() if value_type else 0)
    name = head[: value_type.start()] if value_type else head[: first.start()] if first else head
    rest = head[value_type.end() :] if value_type else head[len(name) :]
    values = [m.group(0) for m in _VALUE.finditer(rest)]
    if not values:
        # values in words (好好, 高高): the same word under each value column
        name, values = _repeated(name, rest)
    kind = value_type.group(0) if value_type else ""
    unit = _unit(name, values)
    name = name[: len(name) - len(unit)] if unit else name
    name = _without_stray_quote(name.strip())
    if not name or len(name) > _MAX_NAME:
        return None
    cells = {"level3": name.strip(), "unit": unit, "value_type": kind, "score_rate": tail.group("rate")}
    cells.update(zip(("weight", "score"), scores, strict=False))
    cells["core_indicator"] = tail.group("flag")
    # the value columns in print order; a column whose label was misread (None) among them holds a value too
    slots = [j for j, k in enumerate(keys) if k in _VALUE_COLUMNS]
    if slots:
        slots = [
            j
            for j in range(slots[0], len(keys))
            if keys[j] in _VALUE_COLUMNS or (keys[j] is None and j < keys.index("core_indicator"))
        ]
    if len(values) < len(slots) and "adjusted_target" in keys:
        slots.remove(keys.index("adjusted_target"))  # the adjusted value is left blank when the target stands
    placed = dict(zip(slots, values, strict=False))
    return [placed.get(j, cells.get(k, "") if k else "") for j, k in enumerate(keys)]


def _without_stray_quote(name: str) -> str:
    """A quote the previous row's cell left open (OCR cut “三公”经费 in two) goes; a quoted word stays."""
    close = _QUOTE_PAIRS.get(name[:1])
    return name[1:] if close and close not in name[1:] else name


def _repeated(name: str, rest: str) -> tuple[str, list[str]]:
    """A word printed once per value column: after the 指标性质 (``rest``), or else at the name's end."""
    m = _WORD.fullmatch(rest) if rest else _WORD.search(name)
    if m is None or (not rest and m.start() == 0):
        return name, [rest] if rest else []
    values = [m.group("word")] * (len(m.group(0)) // len(m.group("word")))
    return (name, values) if rest else (name[: m.start()], values)


def _unit(name: str, values: list[str]) -> str:
    """The unit column printed between the name and the values: % before percentages, else the words the
    first value ends in (次数次 · 40次 → 次)."""
    if name.endswith(("%", "％")):
        return name[-1]
    suffix = re.sub(r"^[≥≤><=＞＜]{0,2}\d+(?:\.\d+)?", "", values[0]) if values else ""
    return suffix if suffix and suffix != "%" and name.endswith(suffix) and len(name) > len(suffix) else ""

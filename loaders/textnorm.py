"""Text clean-up for parsing; the printed text itself is always kept unchanged beside the result.

Every clean-up step is a (pattern, replacement) pair, applied the same way by :func:`clean` (fast, for
cells and labels) and by :func:`clean_mapped`, which also says where each cleaned character was printed,
so a reader of prose can quote the printed text of what it parsed (萬(wàn)元 as printed, 万元 as read).
"""

from __future__ import annotations

import re
from functools import lru_cache

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A converter's pinyin gloss after a character (萬(wàn)元, 績(jī)效): a bracketed toned syllable right after a
# CJK character. Plain latin in brackets (长度(m), (PVC)) has no tone mark and stays.
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（][a-zü]*[{_TONED}][a-zü]*[)）]")
_FULLWIDTH = str.maketrans("０１２３４５６７８９％", "0123456789%")  # digits only: a full-width comma is punctuation

_STEPS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"</?(p|br|span|div|b|i|u|strong|em|sup|sub)[^>]*>", re.I), ""),
    (_PINYIN, ""),
    (re.compile(r"\$?\\geq?\s*\$?|\\geqslant|\$\\ge\$"), "≥"),
    (re.compile(r"\$?\\leq?\s*\$?|\\leqslant"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times"), "×"),
    (re.compile(r"\$"), ""),
    (re.compile(r"≧|>="), "≥"),
    (re.compile(r"≦|<="), "≤"),
    (re.compile(r"[ \t\u3000]+"), " "),
    (re.compile(r"^\s+|\s+$"), ""),
]


@lru_cache(maxsize=1)
def _converter():
    # OpenCC (pure-Python reimplementation) maps traditional to simplified characters.
    from opencc import OpenCC

    return OpenCC("t2s")


# characters found to be their own simplified form so far: a text made of them only needs one set test
_OWN: set[str] = set()


def to_simplified(text: str) -> str:
    # most text is simplified already: a character-by-character check (cached) is far cheaper than OpenCC's
    # phrase matching, which runs only on text that holds a traditional character
    if not text or text.isascii():
        return text
    chars = set(text)
    if chars <= _OWN:
        return text
    if all(_own(ch) for ch in chars - _OWN):
        _OWN.update(chars)
        return text
    return _converter().convert(text)


@lru_cache(maxsize=16384)
def _own(ch: str) -> bool:
    """Is ``ch`` its own simplified form?"""
    return ch.isascii() or _converter().convert(ch) == ch


@lru_cache(maxsize=8192)
def _simplified_char(ch: str) -> str:
    out = to_simplified(ch)
    return out if len(out) == 1 else ch


def to_simplified_aligned(text: str) -> str:
    """Simplified text of the same length, character for character, so offsets stay valid."""
    out = to_simplified(text)
    if len(out) == len(text):
        return out
    return "".join(_simplified_char(ch) for ch in text)


@lru_cache(maxsize=65536)  # pure, and asked of the same cell texts by several recognisers
def clean(text: str | None) -> str:
    """Markup, LaTeX and converter pinyin removed, ≧/≦ and >=/<= unified, whitespace collapsed; for parsing only."""
    if not text:
        return ""
    out = text
    for pattern, repl in _STEPS:
        out = pattern.sub(repl, out)
        if pattern is _PINYIN:
            out = out.translate(_FULLWIDTH)
    return out


def clean_mapped(text: str | None) -> tuple[str, list[tuple[int, int]]]:
    """:func:`clean` plus, for every character of the result, the [start, end) it was printed at in ``text``."""
    if not text:
        return "", []
    spans = [(i, i + 1) for i in range(len(text))]
    if clean(text) == text:
        # nothing removed or widened: every character stands where it was printed
        return text, spans
    out = text
    for pattern, repl in _STEPS:
        if pattern.search(out) is None:
            if pattern is _PINYIN:
                out = out.translate(_FULLWIDTH)
            continue
        pieces: list[str] = []
        new_spans: list[tuple[int, int]] = []
        last = 0
        for m in pattern.finditer(out):
            pieces.append(out[last : m.start()])
            new_spans.extend(spans[last : m.start()])
            if repl and m.end() > m.start():
                # a replacement stands for everything it replaced
                whole = (spans[m.start()][0], spans[m.end() - 1][1])
                pieces.append(repl)
                new_spans.extend([whole] * len(repl))
            last = m.end()
        pieces.append(out[last:])
        new_spans.extend(spans[last:])
        out, spans = "".join(pieces), new_spans
        if pattern is _PINYIN:
            out = out.translate(_FULLWIDTH)
    return out, spans


def printed_slice(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """The printed text behind cleaned characters [start, end) (converter noise inside it kept)."""
    if start >= end or not spans:
        return ""
    return text[spans[start][0] : spans[end - 1][1]]


@lru_cache(maxsize=65536)
def compact(text: str | None) -> str:
    """Clean text with every space removed, to compare labels and fragments."""
    return re.sub(r"\s+", "", clean(text))

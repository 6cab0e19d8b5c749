"""Text clean-up for parsing; the printed text itself is always kept unchanged beside the result."""

from __future__ import annotations

import re
from functools import lru_cache

_TAGS = re.compile(r"</?(p|br|span|div|b|i|u|strong|em|sup|sub)[^>]*>", re.I)
_LATEX = [
    (re.compile(r"\$?\\geq?\s*\$?|\\geqslant|\$\\ge\$"), "≥"),
    (re.compile(r"\$?\\leq?\s*\$?|\\leqslant"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times"), "×"),
]


@lru_cache(maxsize=1)
def _converter():
    # OpenCC (pure-Python reimplementation) maps traditional to simplified characters.
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not text or text.isascii():
        return text
    return _converter().convert(text)


def clean(text: str | None) -> str:
    """Markup and LaTeX removed, ≧/≦ and >=/<= unified, whitespace collapsed; for parsing only."""
    if not text:
        return ""
    out = _TAGS.sub("", text)
    for pattern, repl in _LATEX:
        out = pattern.sub(repl, out)
    out = out.replace("$", "").replace("≧", "≥").replace("≦", "≤").replace(">=", "≥").replace("<=", "≤")
    return re.sub(r"[ \t\u3000]+", " ", out).strip()


def compact(text: str | None) -> str:
    """Clean text with every space removed, to compare labels and fragments."""
    return re.sub(r"\s+", "", clean(text))

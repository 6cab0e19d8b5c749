"""Every value the loaders landed is printed in the source lines it cites (an exhaustive check over all rows).

Compared with all whitespace removed. A value that starts on its cited line may run on over the following
lines (a cell broken over several lines); an indicator's texts must lie in the concatenation of its line span.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


@pytest.fixture(scope="module")
def source(built_warehouse) -> dict[str, dict[int, str]]:
    import duckdb

    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        lines: dict[str, dict[int, str]] = defaultdict(dict)
        for doc, no, text in con.execute("select document_id, line_no, text from landing.source_lines").fetchall():
            lines[doc][no] = squash(text)
        rows = {
            "amounts": con.execute(
                "select document_id, line_no, text_printed from landing.amounts where text_printed <> ''"
            ).fetchall(),
            "form_fields": con.execute(
                "select document_id, line_no, value_printed from landing.form_fields where value_printed <> ''"
            ).fetchall(),
            "indicators": [
                (doc, start, end, col, value)
                for doc, start, end, *values in con.execute(
                    "select document_id, line_start, line_end, level3, target_text, actual_text from landing.indicators"
                ).fetchall()
                for col, value in zip(("level3", "target_text", "actual_text"), values, strict=True)
                if value
            ],
        }
    finally:
        con.close()
    return {"lines": lines, **rows}


def starts_on_its_line(lines: dict[int, str], line_no: int, value: str) -> bool:
    """``value`` begins inside line ``line_no`` (and may run on over the next lines)."""
    first = lines.get(line_no, "")
    want = squash(value)
    text, no = first, line_no
    while len(text) < len(first) + len(want) and no + 1 in lines:
        no += 1
        text += lines[no]
    pos = text.find(want)
    return 0 <= pos < max(len(first), 1)


def test_there_is_something_to_check(source):
    assert source["amounts"] and source["form_fields"] and source["indicators"]


@pytest.mark.parametrize("table", ["amounts", "form_fields"])
def test_every_value_is_printed_on_its_line(source, table):
    bad = [
        (doc[:8], line_no, value)
        for doc, line_no, value in source[table]
        if not starts_on_its_line(source["lines"][doc], line_no, value)
    ]
    assert bad == [], f"{len(bad)} {table} values not at their cited line, e.g. {bad[:5]}"


def pieced_from_lines(value: str, lines: list[str]) -> bool:
    """``value`` is the concatenation of one contiguous piece of each of some of ``lines``, in order.

    A cell that a page break split (保障粮食质 … 量安全) is joined from its pieces on several lines.
    """
    rest = squash(value)
    for line in lines:
        if not rest:
            break
        squashed = squash(line)
        take = next((n for n in range(len(rest), 0, -1) if rest[:n] in squashed), 0)
        rest = rest[take:]
    return not rest


def test_every_indicator_text_is_printed_in_its_line_span(source):
    bad = []
    for doc, start, end, col, value in source["indicators"]:
        span = [source["lines"][doc].get(n, "") for n in range(start, end + 1)]
        if not pieced_from_lines(value, span):
            bad.append((doc[:8], start, end, col, value))
    assert bad == [], f"{len(bad)} indicator texts not in their line span, e.g. {bad[:5]}"


@pytest.mark.parametrize(
    ("line_no", "value", "expected"),
    [
        (1, "资金总额", True),
        (2, "115.36 万元", True),
        (3, "数量指标", True),  # a cell broken over two lines (数量 / 指标)
        (1, "115.36万元", False),  # printed, but on the next line: cited line is wrong
        (2, "资金总额", False),
        (3, "数量指标质量", False),
    ],
)
def test_the_check_itself(line_no, value, expected):
    lines = {1: "资金总额", 2: "115.36 万元", 3: "数量", 4: "指标"}
    assert starts_on_its_line({k: squash(v) for k, v in lines.items()}, line_no, value) is expected

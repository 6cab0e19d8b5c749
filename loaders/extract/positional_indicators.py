"""Read an indicator table whose rows keep every cell in its column (tab-separated PDF/Excel exports).

Unlike the cell-per-line reader in ``indicator_table``, nothing is realigned: cell *k* of a row is the
column *k* of the header, even where a form printed values under the wrong header (they are kept where
they stand). What this reader adds is what such exports break:

* a row continued on the next page (its 三级指标 or 指标值内容 broken in two, level cells and 指标值
  empty) is merged into the indicator above, text joined with no separator;
* level labels are filled down; a level-2 label printed in the level-1 column is read as level 2, and a
  level-1 label broken over a page (效益 … 指标) is joined again; a level-1 label printed inside a level-2
  group (its merged cell centred lower) takes the whole group; the printed level-1 text is never rewritten
  to one implied by the level 2 (that mapping belongs in dbt);
* rows with no content, or only 无, are placeholders (counted, not indicators);
* a weight printed in 备注 (``10 分``) is also kept as the weight text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from loaders.extract.common import PLACEHOLDERS, header_columns
from loaders.extract.indicator_table import _ATTR, TableResult, columns_without_place, indicator_from_row
from loaders.model import Block, Cell, IndicatorRecord, IssueRecord
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

_WEIGHT = re.compile(r"^\s*\d+(?:\.\d+)?\s*分\s*$")
# Keys that a page-break continuation row may carry; a row with a level label or a 指标值 starts an indicator.
_CONTINUES = ("level3", "target_content", "scoring_rule", "unit", "value_type", "remark")
_SEVERAL_LABELS = re.compile(r"\s{2,}")


def is_positional(header: Block) -> bool:
    """A header row whose layout keeps every cell in its column (see ``Block.positional``)."""
    return header.kind == "row" and header.positional and len(header.cells) > 3


def _fit(cells: list[Cell], width: int) -> tuple[list[Cell | None], list[Cell]]:
    """Cells by position; the non-empty cells beyond the header's width are returned apart."""
    placed: list[Cell | None] = list(cells[:width]) + [None] * max(0, width - len(cells))
    return placed, [c for c in cells[width:] if not c.is_empty]


def _is(vocab: Vocabulary, context: str, text: str | None) -> bool:
    return bool(text) and vocab.lookup(context, text) is not None


def _several_level1(vocab: Vocabulary, text: str) -> bool:
    parts = [p for p in _SEVERAL_LABELS.split(text.strip()) if p]
    return len(parts) > 1 and all(_is(vocab, "level1", p) for p in parts)


def read_positional_indicator_table(
    blocks: list[Block],
    header_index: int,
    vocab: Vocabulary,
    stop: Callable[[Block], bool] | None = None,
) -> TableResult:
    """Read rows after ``blocks[header_index]`` until ``stop(block)`` is true or a non-row block."""
    columns = header_columns(blocks[header_index], vocab)
    width = len(columns)
    result = TableResult()
    level1: str | None = None
    level2: str | None = None
    level1_fragment: str | None = None  # a level-1 cell that is not a label yet (效益 … 指标 over a page)
    last: IndicatorRecord | None = None
    group_start: int | None = None  # first indicator of the current level-2 group, when no level 1 opened it
    i = header_index + 1
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "row" or (stop is not None and stop(block)):
            break
        i += 1
        cells, extra = _fit(block.cells, width)
        row = {k: c.text for k, c in zip(columns, cells, strict=True) if k is not None and c is not None}
        if extra:
            result.issues.append(
                IssueRecord(
                    "warning",
                    "cells_beyond_header",
                    "cells to the right of the indicator header: " + " | ".join(c.text for c in extra)[:80],
                    block.line_start,
                )
            )
        printed1, printed2 = row.get("level1", "").strip(), row.get("level2", "").strip()
        if printed1:
            if _is(vocab, "level1", printed1) and not printed2 and level2 is not None and group_start is not None:
                # a level-1 label printed inside a level-2 group (its merged cell centred lower, 004 form 40):
                # the whole group belongs to it
                level1, level1_fragment = printed1, None
                for earlier in result.indicators[group_start:]:
                    earlier.level1_printed = level1
            elif _is(vocab, "level1", printed1) or _several_level1(vocab, printed1):
                level1, level2, level1_fragment = printed1, None, None
                if _several_level1(vocab, printed1):
                    result.issues.append(
                        IssueRecord(
                            "info",
                            "several_level1_labels",
                            f"one cell holds several level-1 labels: {printed1}",
                            block.line_start,
                        )
                    )
            elif _is(vocab, "level2", printed1) and not printed2:
                printed2 = printed1  # a level-2 label printed in the level-1 column
            elif level1_fragment and _is(vocab, "level1", level1_fragment + printed1):
                level1, level2, level1_fragment = level1_fragment + printed1, None, None
            else:
                level1, level2, level1_fragment = printed1, None, printed1
        if printed2:
            if _is(vocab, "level1", printed2) and not _is(vocab, "level2", printed2):
                level1, level2 = printed2, None
            else:
                level2 = printed2
                # a group that starts under a filled-down level 1 may still get its own level-1 label below
                group_start = None if printed1 else len(result.indicators)
        content = {k: v for k, v in row.items() if k not in ("level1", "level2")}
        if all(compact(v) in PLACEHOLDERS for v in content.values()):
            if printed1 or printed2 or any(v.strip() for v in content.values()):
                result.placeholders += 1
            continue
        has_target = compact(content.get("target")) not in PLACEHOLDERS
        if not printed1 and not printed2 and not has_target and last is not None:
            # the rest of the indicator above, carried over a page break
            for key in _CONTINUES:
                piece = content.get(key, "").strip()
                if piece:
                    attr = _ATTR[key]
                    setattr(last, attr, (getattr(last, attr) or "") + piece)
            last.line_end = block.line_end
            continue
        record = indicator_from_row(level1, level2, block, content)
        if record.remark and _WEIGHT.match(record.remark) and record.weight_text is None:
            record.weight_text = record.remark
        result.indicators.append(record)
        result.fields.extend(columns_without_place(blocks[header_index], columns, content, record, block.line_start))
        last = record
    result.end = i
    return result

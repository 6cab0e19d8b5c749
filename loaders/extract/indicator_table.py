"""Read a long-format indicator table: a header row of known columns, then one row per indicator.

Levels (一级 / 二级) are recognised through the vocabulary wherever they are printed — in their own
column, merged down over several rows, or as a lone section row (产出指标(40分)) — and filled down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from loaders.extract.common import PLACEHOLDERS, align, header_columns
from loaders.layout.glued import REGIONS_ONLY
from loaders.model import Block, Cell, FieldRecord, IndicatorRecord, IssueRecord
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

# Column keys whose cell fills an IndicatorRecord attribute of the same meaning.
_ATTR = {
    "level3": "level3",
    "target": "target_text",
    "target_content": "target_content",
    "scoring_rule": "scoring_rule",
    "unit": "unit_printed",
    "value_type": "value_type_printed",
    "actual": "actual_text",
    "weight": "weight_text",
    "score": "score_text",
    "deviation_note": "deviation_note",
    "remark": "remark",
}


@dataclass
class TableResult:
    indicators: list[IndicatorRecord] = field(default_factory=list)
    fields: list[FieldRecord] = field(default_factory=list)
    issues: list[IssueRecord] = field(default_factory=list)
    placeholders: int = 0
    end: int = 0  # index of the first block after the table


def _level(vocab: Vocabulary, context: str, text: str | None) -> str | None:
    return text if text and vocab.lookup(context, text) else None


_NUMBERING = re.compile(r"^\s*指标\s*\d{1,2}\s*(?:[:：.、]\s*|(?=[\u4e00-\u9fff])|(?=(?:19|20)\d{2}年))")


_BARE_VALUE = re.compile(r"[<>≤≥=]*\s*\d+(?:\.\d+)?\s*%?")


def indicator_from_row(level1: str | None, level2: str | None, block: Block, content: dict[str, str]) -> IndicatorRecord:
    """One indicator from a row's cells keyed by column (level3, target, unit …), under the current levels."""
    record = IndicatorRecord(
        level1_printed=level1,
        level2_printed=level2,
        level3=None,
        target_text=None,
        line_start=block.line_start,
        line_end=block.line_end,
    )
    for key, attr in _ATTR.items():
        value = content.get(key)
        if value is not None and value.strip():
            setattr(record, attr, value.strip())
    if record.level3 and record.target_text is None and _BARE_VALUE.fullmatch(record.level3):
        # a name is never a bare number: a row that left its name empty (数量指标 | 88 | 100 glued into one
        # run) printed its value in the first cell after the levels
        record.level3, record.target_text = None, record.level3
    if record.level3:
        # the template's numbering of indicators (指标1：…) is layout, not the indicator's name
        record.level3 = _NUMBERING.sub("", record.level3) or record.level3
    return record


def columns_without_place(
    header: Block, columns: list[str | None], content: dict[str, str], record: IndicatorRecord, line: int
) -> list[FieldRecord]:
    """Cells of a column an indicator has no place for (中期指标值 beside 年度指标值, a region's target): kept
    as fields of the form, labelled by the column and the indicator, so nothing printed is lost."""
    out = []
    for key, value in content.items():
        if key not in _ATTR and value.strip() and compact(value) not in PLACEHOLDERS:
            label = next((c.text for c, k in zip(header.cells, columns, strict=False) if k == key), key)
            out.append(FieldRecord(f"{label} · {record.level3 or ''}", key, value.strip(), line))
    return out


def _is_qualitative(vocab: Vocabulary, text: str) -> bool:
    m = vocab.lookup("section", text)
    return m is not None and m.field_key == "qualitative"


def _qualitative_cell(block: Block, vocab: Vocabulary) -> Cell | None:
    """The row's 定性 section cell, if any. Its noted labels answer for most rows (they print none); a row
    cut from another keeps that row's labels, a superset, so a label missing there is missing here."""
    if block.labels is not None and ("section", "qualitative") not in block.labels:
        return None
    return next((c for c in block.cells if _is_qualitative(vocab, c.text)), None)


def _prints_level(block: Block) -> bool:
    """Whether a cell of the row may be a 一级 / 二级 label (False only when its noted labels say none is)."""
    return block.label_contexts is None or "level1" in block.label_contexts or "level2" in block.label_contexts


def _place(block: Block, columns: list[str | None], vocab: Vocabulary, positional: bool) -> list[Cell | None]:
    """Put a row's cells under the header's columns.

    In cell-per-line text the cells a vertical merge covers are missing, so a row is short. A printed
    level label anchors the row (it sits in its level column and the rest follow it); otherwise the
    row is aligned to the right.
    """
    width = len(columns)
    if positional:
        return align(block.cells, width, positional)
    for j, cell in enumerate(block.cells if _prints_level(block) else ()):
        contexts = ("level2", "level1")
        # 成本指标 is a level-1 label in the newer framework and a level-2 one in the older: followed by a
        # level-2 label in the next cell (成本指标（20分） | 经济成本指标) it is the level 1.
        following = block.cells[j + 1].text if j + 1 < len(block.cells) else None
        if _level(vocab, "level1", cell.text) and _level(vocab, "level2", following):
            contexts = ("level1",)
        for ctx in contexts:
            if ctx in columns and _level(vocab, ctx, cell.text):
                start = columns.index(ctx)
                placed: list[Cell | None] = [None] * width
                for k, c in enumerate(block.cells[j:]):
                    if start + k < width:
                        placed[start + k] = c
                return placed
    # no level label: the merged level cells are missing and the row starts at the level-3 column,
    # unless it is too long for that (then its trailing cells are the full ones: align right). A row that
    # starts with text dropped its merged cells rather than blanking them, and any padding after it
    # (OCR markdown, padded pipe rows) is not content.
    cells = list(block.cells)
    if cells and not cells[0].is_empty:
        while cells and cells[-1].is_empty:
            cells.pop()
    if "level3" in columns and len(cells) <= width - columns.index("level3"):
        start = columns.index("level3")
        return [None] * start + cells + [None] * (width - start - len(cells))
    return align(block.cells, width, positional)


def _leading_levels(
    block: Block, columns: list[str | None], vocab: Vocabulary, level1: str | None, level2: str | None
) -> tuple[Block, str | None, str | None]:
    """Level labels printed before the columns the header names (a header that names only 指标名称 / 目标值,
    under a merged 绩效指标 cell): they set the levels and the rest of the row is placed under the header."""
    cells = list(block.cells)
    while len([c for c in cells if not c.is_empty]) > len(columns) and cells:
        text = cells[0].text
        if cells[0].is_empty:
            pass
        elif "level1" not in columns and _level(vocab, "level1", text):
            level1, level2 = text, None
        elif "level2" not in columns and _level(vocab, "level2", text):
            level2 = text
        else:
            break
        cells.pop(0)
    if len(cells) == len(block.cells):
        return block, level1, level2
    return replace(block, cells=cells), level1, level2


_REPEATED = re.compile(r"(.+?)\1+")


def _uniform_target(cells: list[Cell | None]) -> str | None:
    """A form that prints targets only per region (区域目标值 over 新罗区 | 永定区 …) sets one target for
    all when every region's is the same; cells glued into one run (≥95%≥95%) are that value repeated."""
    filled = [c.text.strip() for c in cells if c is not None and not c.is_empty]
    if len({compact(t) for t in filled}) != 1:
        return None
    text = filled[0]  # as printed
    repeated = _REPEATED.fullmatch(text)
    if repeated and not repeated.group(1).isdigit():
        return repeated.group(1)
    return text if len(filled) > 1 else None


def _region_subheader(block: Block) -> bool:
    """A row (or a line) of region names only: the sub-header of per-region target columns."""
    return bool(REGIONS_ONLY.fullmatch(block.joined(" ").strip()))


def read_indicator_table(
    blocks: list[Block],
    header_index: int,
    vocab: Vocabulary,
    *,
    positional: bool,
    level1: str | None = None,
    stop=None,
) -> TableResult:
    """Read rows after ``blocks[header_index]`` until ``stop(block)`` is true or a non-row block."""
    header = blocks[header_index]
    columns = header_columns(header, vocab)
    result = TableResult()
    # A level-1 label can sit in the header row itself (项目实施产出成果目标 | 定量目标 | 目标类型 …).
    for cell in header.cells:
        if _level(vocab, "level1", cell.text):
            level1 = cell.text
    level2: str | None = None
    i = header_index + 1
    while i < len(blocks):
        block = blocks[i]
        if i == header_index + 1 and _region_subheader(block):
            i += 1  # the names of the regions under 区域目标值 (a second header row)
            continue
        if block.kind != "row" or (stop is not None and stop(block)):
            break
        section = _qualitative_cell(block, vocab)
        if section is not None:
            rest = [c for c in block.cells if not c.is_empty and c is not section]
            if rest:
                result.fields.append(FieldRecord(section.text, "qualitative_target", rest[-1].text, rest[-1].line))
            i += 1
            continue
        block, level1, level2 = _leading_levels(block, columns, vocab, level1, level2)
        cells = _place(block, columns, vocab, positional)
        row: dict[str, str] = {}
        for key, cell in zip(columns, cells, strict=True):
            if cell is None or key is None:
                continue
            row[key] = cell.text
        # level labels printed in cells that have no column of their own (merged section cells)
        for k, cell in zip(columns, cells, strict=True):
            if cell is None or k is not None or cell.is_empty:
                continue
            if _level(vocab, "level1", cell.text):
                level1, level2 = cell.text, None
            elif _level(vocab, "level2", cell.text):
                level2 = cell.text
        if row.get("level1"):
            if _level(vocab, "level1", row["level1"]):
                level1, level2 = row["level1"], None
        if row.get("level2"):
            if _level(vocab, "level2", row["level2"]):
                level2 = row["level2"]
            elif _level(vocab, "level1", row["level2"]):
                level1, level2 = row["level2"], None
        content = {k: v for k, v in row.items() if k not in ("level1", "level2")}
        if all(compact(v) in PLACEHOLDERS for v in content.values()):
            if row.get("level2") or row.get("level1"):
                result.placeholders += 1
            i += 1
            continue
        record = indicator_from_row(level1, level2, block, content)
        if record.target_text is None and "target" not in columns and "region_target" in columns:
            first = cells[columns.index("region_target")]
            # a row wider than its header (one cell per region under one 区域目标值) keeps every region's
            at = next((n for n, c in enumerate(block.cells) if c is first), None)
            record.target_text = _uniform_target(block.cells[at:] if at is not None else [first])
        result.indicators.append(record)
        result.fields.extend(columns_without_place(header, columns, content, record, block.line_start))
        i += 1
    result.end = i
    return result

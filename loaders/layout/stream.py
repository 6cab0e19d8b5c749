"""A stream of cells with no row boundaries, cut into rows by the labels it holds.

Two text layouts lose the rows of a table and keep only its cells in order: one cell per line with blank
lines between (a web table copied cell by cell) and the OCR text of a scanned page (the cells of a whole
page on one line, between spaces). The rows come back from the vocabulary:

* three or more column labels in a row are a header row (一级指标 二级指标 三级指标 …, 年初预算数 全年执行数 …);
* a header-field label (项目名称, 主管部门 …) opens a row that takes the cells up to the next label;
* under a money header, a funding label (年度资金总额, 其中：财政拨款, 其他资金) takes the numbers that follow,
  one per money column;
* under an indicator header, a level label (产出指标, 数量指标) opens a row, and the cells after it are cut
  into indicators of the header's width from 三级指标 on.
"""

from __future__ import annotations

import re

from loaders.amounts import FIGURE, UNIT_IN_LABEL
from loaders.layout.glued import REGION_NAME
from loaders.model import Cell
from loaders.vocabulary import Vocabulary, is_money_key

_HEADER_CONTEXTS = ("funding_column", "indicator_column", "summary_column")
_TOTALS = ("合计", "小计", "总计")
_FIELD_CONTEXTS = ("project_header", "evaluation_header")
_LEVELS = ("level1", "level2")
_REGION = re.compile(REGION_NAME)
_NUMBER = re.compile(r"^[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?\s*(?:[%％]|万元|亿元|千元|元)?$|^[—\-/]+$")


def _key(vocab: Vocabulary, text: str, contexts: tuple[str, ...]) -> tuple[str, str] | None:
    for ctx in contexts:
        m = vocab.lookup(ctx, text)
        if m is not None:
            return ctx, m.field_key
    return None


def _is_funding_label(vocab: Vocabulary, text: str) -> bool:
    hit = _key(vocab, text, ("evaluation_header", "project_header", "section"))
    return hit is not None and (hit[1] == "funding_total" or hit[1].startswith("funding_part"))


def _column_key(vocab: Vocabulary, text: str) -> str | None:
    """The column a header cell names: a funding, indicator or item column (after its year: 2021年决算数),
    one of a department form's task table (任务名称 | 主要内容 | 预算金额) or of a basic-data table's staffing
    figures (编制数 | 实有人数 | 控制率)."""
    hit = next((m for ctx in _HEADER_CONTEXTS if (m := vocab.lookup_column(ctx, text))), None)
    if hit is not None:
        return hit.field_key
    task = vocab.lookup_column("department_declaration", text)
    if task is not None and task.field_key.startswith("task_"):
        return task.field_key
    staffing = vocab.lookup_column("basic_data", text)
    return staffing.field_key if staffing is not None and staffing.field_key.startswith("staffing_") else None


def label_count(cells: list[str], vocab: Vocabulary) -> int:
    """Distinct labels among the cells: how a reader tells a stream of cells from prose."""
    keys = {_key(vocab, c, (*_HEADER_CONTEXTS, *_FIELD_CONTEXTS, *_LEVELS, "basic_data")) for c in cells}
    keys.discard(None)
    return len(keys)


def rows_of(cells: list[Cell], vocab: Vocabulary) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    header: list[str | None] = []
    i = 0
    n = len(cells)

    def basic(text: str) -> bool:
        return vocab.lookup_column("basic_data", text) is not None

    def is_column(k: int) -> bool:
        return k < n and _column_key(vocab, cells[k].text) is not None

    seq = [0]  # the last 序号 seen, in a table whose first column is 序号

    def is_row_start(k: int) -> bool:
        text = cells[k].text
        if header[:1] == ["seq"] and (text.strip() == str(seq[0] + 1) or text.strip().replace(" ", "") in _TOTALS):
            return True  # an item table's rows open with their 序号, and its totals with 合计
        return (
            _key(vocab, text, (*_FIELD_CONTEXTS, *_LEVELS)) is not None
            or _is_funding_label(vocab, text)
            or ("level3" not in header and basic(text))  # a basic-data table's group and item rows
            or (is_column(k) and is_column(k + 1) and is_column(k + 2))
        )

    while i < n:
        if is_column(i) and is_column(i + 1) and is_column(i + 2):
            j = i
            seen: set[str] = set()
            # a header names each column once: a label met again (合计 of the first row) opens a row
            while is_column(j) and cells[j].text.strip() not in seen:
                seen.add(cells[j].text.strip())
                j += 1
            header = [_column_key(vocab, c.text) for c in cells[i:j]]
            money_label = bool(rows) and UNIT_IN_LABEL.search(rows[-1][-1].text) is not None
            if money_label and len(rows[-1]) > 1:
                rows.append([rows[-1].pop()])
            if (
                rows
                and len(rows[-1]) == 1
                and rows[-1][0].text.strip()
                and _column_key(vocab, rows[-1][0].text) is None
                and (basic(rows[-1][0].text) or money_label)
            ):
                # a block's own label printed just before its columns heads them (经费控制情况（万元）,
                # 部门预算执行情况（万元）): the header row's first cell
                rows.append([*rows.pop(), *cells[i:j]])
                header.insert(0, None)
            else:
                rows.append(cells[i:j])
            i = j
            if "region_target" in header:
                # 区域目标值 over one column per region: the regions' names are the second header row
                while j < n and _REGION.fullmatch(cells[j].text.strip()):
                    j += 1
                if j > i:
                    at = header.index("region_target")
                    header[at + 1 : at + 1] = [None] * (j - i - 1)
                    rows.append(cells[i:j])
                    i = j
            continue
        text = cells[i].text
        money_width = sum(1 for k in header if k and k not in ("level1", "level2", "level3"))
        if _is_funding_label(vocab, text) and money_width and "level3" not in header:
            j = i + 1
            while j < n and j - i - 1 < money_width and _NUMBER.match(cells[j].text.strip()):
                j += 1
            rows.append(cells[i:j])
            i = j
            continue
        if header[:1] == ["level3"] and not is_row_start(i):
            # a table with no level columns (指标名称 | 计量单位 | …): its rows are cut by the header's width
            j = i
            while j < n and not is_row_start(j):
                j += 1
            rows.extend(_indicator_rows(cells[i:j], header))
            i = j
            continue
        if _key(vocab, text, _LEVELS) is not None and "level3" in header:
            start = i
            while i < n and _key(vocab, cells[i].text, _LEVELS) is not None:
                i += 1
            levels = cells[start:i]
            j = i
            while j < n and not is_row_start(j):
                j += 1
            columns = header[header.index("level3") :]
            chunks = _indicator_rows(cells[i:j], columns) or [[]]
            rows.append(levels + chunks[0])
            rows.extend(chunks[1:])
            i = j
            continue
        values = len(header) if header and "level3" not in header and header[:1] != ["seq"] else 0
        if (
            values
            and (_key(vocab, text, (*_FIELD_CONTEXTS, *_LEVELS)) or (None, "total_row"))[1] == "total_row"
            and (_NUMBER.match(text.strip()) or (i + 1 < n and _NUMBER.match(cells[i + 1].text.strip())))
        ):
            # under a header of value columns (决算数 | 预算数 | 决算数), a row is its label and one number
            # per column, or the numbers alone under a header with no label column
            first = i if _NUMBER.match(text.strip()) else i + 1
            j = first
            while j < n and j - first < values and _NUMBER.match(cells[j].text.strip()):
                j += 1
            rows.append(cells[i:j])
            i = j
            continue
        if header[:1] == ["seq"] and text.strip().isdigit():
            seq[0] = int(text.strip())
        money = [k for k in header if is_money_key(k) or k == "task_amount"]
        amount_last = header[:1] != ["seq"] and len(money) == 1 and header[-1] == money[0]
        j = i + 1
        while j < n and not is_row_start(j):
            if amount_last and _NUMBER.match(cells[j].text.strip()):
                j += 1  # a row ends with its one amount: the next item's name follows
                break
            j += 1
        if header[:1] == ["seq"] and len(money) == 1 and not any(k in ("count", "standard") for k in header):
            j = _end_of_item(cells, i, j, len(header) - 1 - header.index(money[0]))
        rows.append(cells[i:j])
        i = j
    return [r for r in rows if r]


def _end_of_item(cells: list[Cell], i: int, j: int, after_money: int) -> int:
    """Under a 序号 table with one money column, cells up to the next 序号 may hold several items: a row
    of a group that prints no 序号 of its own (a second project of the same county). More cells after an
    amount than the columns after the money column start the next item."""
    for p in range(i + 1, j):
        if _NUMBER.match(cells[p].text.strip()) and j - p - 1 > after_money:
            return p + 1
    return j


# Trailing columns a web table leaves out of its cell stream when they are empty (偏差原因 of an
# indicator that met its target): a row may end before them.
_OPTIONAL = {"deviation_note", "remark"}
_NUMERIC = {"weight", "score"}
_TARGET_SHAPE = re.compile(r"^[≥≤><=＞＜]|^\d")


def _fit(row: list[Cell], columns: list[str | None]) -> int:
    """How well cells fit one indicator row under ``columns``: a name first, numbers under 分值 / 得分."""
    name = row[0].text.strip()
    fit = -3 if _NUMBER.match(name) or _TARGET_SHAPE.match(name) else 2
    for key, cell in zip(columns, row, strict=False):
        if key in _NUMERIC:
            fit += 1 if _NUMBER.match(cell.text.strip()) else -1
        elif key in _OPTIONAL and (_NUMBER.match(cell.text.strip()) or _TARGET_SHAPE.match(cell.text.strip())):
            fit -= 2
    return fit


def _indicator_rows(body: list[Cell], columns: list[str | None]) -> list[list[Cell]]:
    """Cut the cells after a level label into indicator rows from 三级指标 on.

    Every row has the header's width, except that its trailing optional cells may be missing; which cut
    is right follows from the cells' shapes (best total fit over the whole run, by dynamic programming).
    """
    width = len(columns)
    shortest = width
    while shortest > 1 and columns[shortest - 1] in _OPTIONAL:
        shortest -= 1
    if shortest == width or not body:
        return [body[k : k + width] for k in range(0, len(body), width)]
    n = len(body)
    best: list[tuple[int, list[int]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for p in range(n):
        if best[p] is None:
            continue
        score, cuts = best[p]
        for length in range(shortest, width + 1):
            q = min(p + length, n)
            fit = _fit(body[p:q], columns) - (3 if p + length > n else 0)  # a cut-off last row
            if best[q] is None or score + fit > best[q][0]:
                best[q] = (score + fit, [*cuts, q])
            if q == n:
                break
    ends = best[n][1] if best[n] else []
    starts = [0, *ends[:-1]]
    return [body[a:b] for a, b in zip(starts, ends, strict=True)]


_FIGURE = FIGURE
_MIN_FIGURE_ROWS = 2


def figures_table(texts: list[str], vocab: Vocabulary) -> tuple[int, int, int] | None:
    """A table of figures in a stream whose column labels the vocabulary does not know (an allocation by
    spending direction: 单位 | 下达资金 | 慢病管理 | 妇幼保健 …): (where its header starts, its width, where its
    rows end), or None.

    The first row of figures gives the width (its label and its numbers); the header is as many label
    cells before it, and must name a recipient or a total the vocabulary knows; every row after is a
    label and that many numbers. Rows with empty cells dropped have no width to be cut by."""
    first = next((k for k, t in enumerate(texts) if _FIGURE.match(t.strip())), None)
    if first is None or first < 2:
        return None
    end = first
    while end < len(texts) and _FIGURE.match(texts[end].strip()):
        end += 1
    width = end - first + 1
    start = first - 1 - width
    if width < 3 or start < 0:
        return None
    header = texts[start : first - 1]
    if any(_FIGURE.match(t.strip()) for t in header) or not any(vocab.lookup("summary_column", t) for t in header):
        return None
    stop = first - 1
    while stop + width <= len(texts):
        row = texts[stop : stop + width]
        if _FIGURE.match(row[0].strip()) or not all(_FIGURE.match(t.strip()) for t in row[1:]):
            break
        stop += width
    return (start, width, stop) if (stop - first + 1) // width >= _MIN_FIGURE_ROWS else None

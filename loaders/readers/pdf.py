"""Read PDFs with a text layer through pdfplumber: ruled tables, text-aligned tables, prose, page provenance.

pdfplumber (pdfminer) gives characters with positions and the ruling lines, which is what table finding
needs; pypdfium2 is faster for plain text but finds no tables. Per page, tables are found by their ruling
lines; a page without any is tried once more by text alignment (at least 3 columns and 3 rows, so prose
never becomes a table). Text outside tables becomes paragraphs, lines wrapped at the right margin joined.

Across pages: a table whose part on the next page has the same column geometry continues the previous
table (same ``Block.table``); a repeated header row is dropped (kept as a line for provenance); and a
row split by the page break — the continuation only adds text under cells that ran to the bottom of the
page — is joined back into its row, the fragment keeping its own line and page.

A PDF without a text layer (a scan) fails with ``scanned PDF: no text layer``.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.errors import ReadError
from loaders.model import Block, ReadDocument
from loaders.readers.builder import DocumentBuilder, RawCell

# Characters closer than this (points) are one word; only real space glyphs separate CJK text.
X_TOLERANCE = 5
# A row split by a page break fills the page: its part ends within about a line of the lowest table bottom.
_SPLIT_SLACK = 16
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*\d+\s*页(\s*[/／共]\s*\d+\s*页)?|\d+(\s*/\s*\d+)?)[-—–\s]*$")
# A line that starts a numbered item (3、 / 1. / （三） / 二、) starts a paragraph, wherever the line above ended.
_ITEM_START = re.compile(
    r"^\s*(\d{1,2}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*、)"
)
_TEXT_SETTINGS = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3, "min_words_horizontal": 2}


@dataclass
class _Part:
    """One table's rows on one page, with its geometry."""

    top: float
    bottom: float
    xs: list[float]  # grid column boundaries
    rows: list[list[RawCell]]
    reach: list[set[int]] = field(default_factory=list)  # per row: columns whose text runs to the cell bottom


def _grid(cells: list[tuple]) -> tuple[list[float], list[float]]:
    def snap(values: list[float]) -> list[float]:
        out: list[float] = []
        for v in sorted(values):
            if not out or v - out[-1] > 2:
                out.append(v)
        return out

    return snap([c[0] for c in cells] + [c[2] for c in cells]), snap([c[1] for c in cells] + [c[3] for c in cells])


def _index(values: list[float], v: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - v))


def _cell_text(chars: list[dict]) -> tuple[str, float, float]:
    """A cell's text in reading order (lines joined without separator), its lowest bottom, its last line's end."""
    if not chars:
        return "", 0.0, 0.0
    chars = sorted(chars, key=lambda c: (round(c["top"] / 3), c["x0"]))
    lines: list[list[dict]] = []
    for ch in chars:
        if lines and abs(ch["top"] - lines[-1][-1]["top"]) < max(2.0, ch["size"] * 0.5):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = ""
        for k, ch in enumerate(line):
            if k and ch["x0"] - line[k - 1]["x1"] > max(X_TOLERANCE, ch["size"]) and not text.endswith(" ") and ch["text"] != " ":
                text += " "
            text += ch["text"]
        out.append(text.strip())
    # wrapped lines of one cell are joined without a separator, the convention of the gold
    return "".join(out), max(c["bottom"] for c in chars), max(c["x1"] for c in lines[-1])


def _table_part(cells: list[tuple], bbox: tuple, chars: list[dict]) -> _Part | None:
    bboxes = [c for c in cells if c]
    if not bboxes:
        return None
    xs, ys = _grid(bboxes)
    starts: dict[tuple[int, int], tuple[int, int, tuple]] = {}
    for bb in bboxes:
        r, c = _index(ys, bb[1]), _index(xs, bb[0])
        starts[(r, c)] = (max(1, _index(ys, bb[3]) - r), max(1, _index(xs, bb[2]) - c), bb)
    # characters into their cells (by centre)
    buckets: dict[tuple[int, int], list[dict]] = {}
    ordered = sorted(starts.items(), key=lambda kv: kv[0])
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for key, (_, _, bb) in ordered:
            if bb[0] <= cx <= bb[2] and bb[1] <= cy <= bb[3]:
                buckets.setdefault(key, []).append(ch)
                break
    nrows, ncols = len(ys) - 1, len(xs) - 1
    covered: dict[tuple[int, int], int] = {}  # vertically covered (row, col) -> colspan of the merge
    rows: list[list[RawCell]] = []
    reach: list[set[int]] = []
    for r in range(nrows):
        row: list[RawCell] = []
        bottom_cols: set[int] = set()
        c = 0
        while c < ncols:
            if (r, c) in starts:
                rowspan, colspan, bb = starts[(r, c)]
                cell_chars = buckets.get((r, c), [])
                text, low, end = _cell_text(cell_chars)
                row.append(RawCell(text, c, rowspan, colspan))
                size = max((ch["size"] for ch in cell_chars), default=10)
                # text that fills the cell to its bottom and its last line to the right edge was cut off
                if text and low >= bb[3] - 1.4 * size and end >= bb[2] - 3 * size:
                    bottom_cols.add(c)
                for rr in range(r + 1, r + rowspan):
                    covered[(rr, c)] = colspan
                c += colspan
            elif (r, c) in covered:
                row.append(RawCell("", c, 1, covered[(r, c)]))
                c += covered[(r, c)]
            else:
                row.append(RawCell("", c))  # a position no detected cell covers: keep it, empty
                c += 1
        if row:
            rows.append(row)
            reach.append(bottom_cols)
    if not rows:
        return None
    return _Part(bbox[1], bbox[3], xs, rows, reach)


def _same_geometry(a: _Part, b: _Part) -> bool:
    """Same outer edges: the inner grid may differ, as each part's grid comes from its own rows."""
    return abs(a.xs[0] - b.xs[0]) < 3 and abs(a.xs[-1] - b.xs[-1]) < 3


def _prev_col(prev: _Part, part: _Part, col: int) -> int | None:
    """The column of ``prev`` that starts where column ``col`` of ``part`` starts."""
    x = part.xs[col]
    k = _index(prev.xs, x)
    return k if abs(prev.xs[k] - x) < 3 else None


def _texts(row: list[RawCell]) -> list[str]:
    return [re.sub(r"\s+", "", c.text) for c in row]


def _aligned_tables(page) -> list[tuple[list[tuple], tuple]]:
    """Tables without ruling lines, found by text alignment: the longest run of rows that have two or more
    cells and no word running across a column boundary (prose lines run across them)."""
    found = []
    words = None
    for table in page.find_tables(_TEXT_SETTINGS):
        cells = [c for c in table.cells if c]
        if not cells:
            continue
        words = words if words is not None else page.extract_words()
        inner = sorted({c[0] for c in cells} | {c[2] for c in cells})[1:-1]
        good = []
        for row in table.rows:
            top, bottom = row.bbox[1], row.bbox[3]
            row_words = [w for w in words if w["top"] >= top - 1 and w["bottom"] <= bottom + 1]
            crossing = any(w["x0"] + 1 < x < w["x1"] - 1 for w in row_words for x in inner)
            columns = {k for w in row_words for k, x in enumerate([*inner, float("inf")]) if w["x1"] <= x + 1}
            # a row without words (the gap between text lines) does not break the run
            good.append(not crossing and (not row_words or len(columns) >= 2))
        best, start = (0, 0), None
        for k, ok in enumerate([*good, False]):
            if ok and start is None:
                start = k
            elif not ok and start is not None:
                best = max(best, (k - start, start))
                start = None
        length, first = best
        if length < 3:
            continue
        rows = table.rows[first : first + length]
        while rows and not any(w["top"] >= rows[0].bbox[1] - 1 and w["bottom"] <= rows[0].bbox[3] + 1 for w in words):
            rows = rows[1:]
        if len(rows) < 3:
            continue
        bbox = (table.bbox[0], rows[0].bbox[1], table.bbox[2], rows[-1].bbox[3])
        kept = [c for c in cells if c[1] >= bbox[1] - 0.5 and c[3] <= bbox[3] + 0.5]
        if len({c[0] for c in kept}) >= 2:
            found.append((kept, bbox))
    return found


def _page_items(page) -> tuple[list[tuple[float, str, object]], float | None]:
    """The page's tables and text lines, top to bottom."""
    chars = [c for c in page.chars if c["text"].strip() or c["text"] == " "]
    tables = [(t.cells, t.bbox) for t in page.find_tables()]
    aligned = not tables
    if aligned:
        tables = _aligned_tables(page)
    items: list[tuple[float, str, object]] = []
    boxes = [bbox for _, bbox in tables]

    def inside(ch: dict, b: tuple) -> bool:
        return b[0] - 1 <= ch["x0"] and ch["x1"] <= b[2] + 1 and b[1] - 1 <= ch["top"] and ch["bottom"] <= b[3] + 1

    for cells, bbox in tables:
        part = _table_part(cells, bbox, [ch for ch in chars if inside(ch, bbox)])
        if part and aligned:  # alignment tables have empty rows between their text lines
            kept = [k for k, row in enumerate(part.rows) if any(c.text for c in row)]
            part.rows, part.reach = [part.rows[k] for k in kept], [part.reach[k] for k in kept]
        if part and part.rows:
            items.append((part.top, "table", part))
    lines, right = _text_lines([ch for ch in chars if not any(inside(ch, b) for b in boxes)])
    for line in lines:
        items.append((line[0], "text", line))
    items.sort(key=lambda it: it[0])
    return items, right


class _Reader:
    def __init__(self, body_bottom: float) -> None:
        self.b = DocumentBuilder("pdf")
        self.body_bottom = body_bottom
        # the last table part: its geometry, table number and, per column, the cell holding the text that
        # reached the bottom of the part (a split row continues exactly those cells)
        self.last: tuple[_Part, int, dict[int, object]] | None = None
        self.last_para: tuple[Block, float, float] | None = None  # paragraph, right edge, size

    def page(self, items, number: int, right: float) -> None:
        first_item = True
        for _, kind, obj in items:
            if kind == "text":
                top, text, x1, size = obj
                if _PAGE_NUMBER.match(text):
                    self.b.line(text, number)  # a page number: provenance only
                    continue
                if first_item and self.last_para and self.last is None:
                    para, prev_right, prev_size = self.last_para
                    if prev_right >= right - 2.5 * size and abs(prev_size - size) < 0.5 and not _ITEM_START.match(text):
                        # a paragraph wrapped onto the next page: one paragraph, its own line per page
                        no = self.b.line(text, number)
                        para.text += text
                        para.line_end = no
                        self.last_para = (para, x1, size)
                        first_item = False
                        continue
                block = self.b.paragraph(text, number)
                self.last = None
                if block is not None:
                    self.last_para = (block, x1, size)
            else:
                self.table(obj, number, continues=first_item)
                self.last_para = None
            first_item = False

    def table(self, part: _Part, number: int, continues: bool) -> None:
        rows = part.rows
        table_no = None
        carried: dict[int, object] = {}
        if continues and self.last and _same_geometry(self.last[0], part):
            prev_part, table_no, reaching = self.last
            if rows and _texts(rows[0]) == _texts(prev_part.rows[0]) and any(_texts(rows[0])):
                self.b.line("\t".join(c.text for c in rows[0]), number)  # repeated header row: provenance only
                rows = rows[1:]
            filled = {_prev_col(prev_part, part, c.col) for c in rows[0] if c.text} if rows else set()
            if filled and filled <= set(reaching) and prev_part.bottom >= self.body_bottom - _SPLIT_SLACK:
                # a row split by the page break: its fragments join the cells they continue
                no = self.b.line("\t".join(c.text for c in rows[0]), number)
                for raw in rows[0]:
                    if raw.text:
                        reaching[_prev_col(prev_part, part, raw.col)].fragments.append((no, raw.text))
                self.b.blocks[-1].line_end = no
                rows = rows[1:]
            elif rows and prev_part.bottom >= self.body_bottom - _SPLIT_SLACK:
                # a new row, but a vertically merged cell that ran to the bottom of the page carries on in it
                carried = {
                    k: reaching[_prev_col(prev_part, part, raw.col)]
                    for k, raw in enumerate(rows[0])
                    if raw.text and raw.rowspan > 1 and _prev_col(prev_part, part, raw.col) in reaching
                }
        if table_no is None:
            table_no = self.b.new_table()
        blocks = [self.b.row(row, page=number, table=table_no) for row in rows]
        for k, target in carried.items():
            cell = blocks[0].cells[k]
            target.fragments.extend(cell.fragments)  # the text stays traceable to the new row's line
            cell.fragments = [(cell.line, "")]
        if not blocks:
            return
        # per column: the cell whose text ran to the bottom of this part (a merged cell from above counts)
        reaching: dict[int, object] = {}
        holder: dict[int, object] = {}
        for block, rr in zip(blocks, part.reach[len(part.rows) - len(rows) :], strict=True):
            for cell in block.cells:
                if not cell.is_empty:
                    holder[cell.col] = (cell, cell.col in rr)
        last_cols = {c.col: c for c in blocks[-1].cells}
        for col, (cell, reached) in holder.items():
            if reached and (col not in last_cols or last_cols[col] is cell or last_cols[col].is_empty):
                reaching[col] = cell
        self.last = (part, table_no, reaching)


def _text_lines(chars: list[dict]) -> tuple[list[tuple[float, str, float, float]], float | None]:
    """Lines of text outside tables, wrapped prose lines joined: (top, text, right edge, size); the right margin."""
    if not chars:
        return [], None
    chars = sorted(chars, key=lambda c: (round(c["top"]), c["x0"]))
    raw: list[list[dict]] = []
    for ch in chars:
        if raw and abs(ch["top"] - raw[-1][0]["top"]) < max(2.0, ch["size"] * 0.5):
            raw[-1].append(ch)
        else:
            raw.append([ch])
    lines = []
    for line in raw:
        text, _, _ = _cell_text(line)
        if text.strip():
            lines.append(
                (
                    min(c["top"] for c in line),
                    text.strip(),
                    max(c["x1"] for c in line),
                    max(c["size"] for c in line),
                    min(c["x0"] for c in line),
                    max(c["bottom"] for c in line),
                )
            )
    if not lines:
        return [], None
    # the text column's right margin: the edge most lines reach (a wide title or a stray line must not move it)
    edges = Counter(round(ln[2]) for ln in lines)
    right = max(e for e, n in edges.items() if n == max(edges.values())) if len(lines) > 2 else max(ln[2] for ln in lines)
    left = min(ln[4] for ln in lines)
    out: list[list] = []
    for top, text, x1, size, x0, bottom in lines:
        if out:
            prev = out[-1]
            # a wrapped line: the line above ran (nearly) to the margin, and this one starts unindented
            wrapped = (
                prev[2] >= right - 2.5 * size
                and abs(prev[3] - size) < 0.5
                and top - prev[5] < 2 * size
                and x0 <= left + 0.5 * size
                and not _ITEM_START.match(text)
            )
            if wrapped:
                prev[1] += text
                prev[2], prev[5] = x1, bottom
                continue
        out.append([top, text, x1, size, x0, bottom])
    return [(o[0], o[1], o[2], o[3]) for o in out], right


def read_pdf(data: bytes) -> ReadDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except PDFPasswordIncorrect:
        raise ReadError("password-protected PDF") from None
    except MemoryError:
        raise  # the worker's memory limit, not a damaged file: ingest says so
    except Exception as exc:  # pdfminer raises many types for a damaged file
        raise ReadError(f"corrupt PDF: {type(exc).__name__}: {str(exc)[:80]}") from None
    text_chars = 0
    read_pages = []
    try:
        for page in pages:
            text_chars += sum(1 for c in page.chars if c["text"].strip())
            items, right = _page_items(page) if text_chars else ([], None)
            read_pages.append((items, right))
            page.flush_cache()
    except MemoryError:
        raise
    except Exception as exc:
        raise ReadError(f"corrupt PDF: {type(exc).__name__}: {str(exc)[:80]}") from None
    finally:
        pdf.close()
    if text_chars == 0:
        raise ReadError("scanned PDF: no text layer")
    bottoms = [it[2].bottom for items, _ in read_pages for it in items if it[1] == "table"]
    reader = _Reader(max(bottoms, default=0.0))
    margins = Counter(round(r) for _, r in read_pages if r)
    margin = max(margins, key=lambda m: (margins[m], m)) if margins else None
    for n, (items, right) in enumerate(read_pages, start=1):
        reader.page(items, n, margin or right or 0.0)
    if not reader.b.blocks:
        raise ReadError("empty PDF: no text found")
    return reader.b.build(page_count=len(pages))

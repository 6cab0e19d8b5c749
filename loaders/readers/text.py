"""Read text extractions of the forms: cell-per-line Word exports, tab- or pipe-separated rows, prose.

Three row styles occur, often in one file:

* cell-per-line: every table cell on its own line behind one tab, a blank line ending the row, and a
  line without a tab continuing the cell above (``数量\\n指标``);
* tab-separated: one row per line, cells between tabs (PDF and spreadsheet exports);
* pipe tables: ``| a | b |`` rows from markdown;
* spaced rows: a web page's table copied as text, its cells run together on one line with runs of two or
  more spaces (or ideographic spaces) between them. Prose has such runs too (a date, a signature line), so
  a spaced line is a row only when one of its cells is a label the vocabulary knows.

Everything else is a paragraph. The reader knows nothing of form kinds.
"""

from __future__ import annotations

import re

from loaders.errors import ReadError
from loaders.model import Block, Cell, Line, ReadDocument
from loaders.vocabulary import load_vocabulary

# exactly three: "-{3,}" followed by a class that also takes "-" backtracked quadratically on a long rule
_RULE = re.compile(r"^[\s|:]*(?:-{3}|={3})[\s\-|:=]*$")
# A short line after a blank inside a table is a cell broken by an empty paragraph (年度预 / 算申请).
_MAX_BROKEN_CELL_FRAGMENT = 12
_SPACED_GAP = re.compile(r"(?: {2,}|\u3000+)")


# A note that says the document is incomplete; ingest records it as a warning (status partial).
TRUNCATED_NOTE = "truncated: the file ends inside a character (an interrupted download or copy?)"


def _utf8_cut_short(data: bytes) -> str | None:
    """UTF-8 text whose only fault is an incomplete last character (a file cut off mid-character)."""
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            return data[: exc.start].decode("utf-8-sig")
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding); UTF-8 first, then GB18030 (a superset of GBK and GB2312).

    UTF-8 cut off inside its last character stays UTF-8 (encoding ``utf-8 truncated``): decoding it as
    GB18030 would turn the whole file into mojibake.
    """
    if not data.strip():
        raise ReadError("empty file")
    if b"\x00" in data[:4096]:
        raise ReadError("binary content: not a text document")
    for encoding in ("utf-8-sig", "utf-8 truncated", "gb18030"):
        if encoding == "utf-8 truncated":
            text = _utf8_cut_short(data)
            if text is None:
                continue
        else:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
        controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n\f")
        if controls > max(8, len(text[:20000]) // 100):
            raise ReadError("binary content: not a text document")
        return text, encoding.replace("-sig", "")
    raise ReadError("undecodable text: neither UTF-8 nor GB18030")


def _kind(raw: str) -> str:
    if not raw.strip(" \u3000\r"):
        return "cell" if raw.startswith("\t") else "blank"
    if _RULE.match(raw):
        return "rule"
    if raw.startswith("\t") and raw.count("\t") == 1:
        return "cell"
    if "\t" in raw.strip("\t") or raw.count("\t") > 1:
        return "tsv"
    stripped = raw.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        return "pipe"
    return "text"


def _spaced_cells(raw: str) -> list[str] | None:
    """The cells of a spaced row (see the module docstring), or None when the line reads as prose."""
    parts = [p for p in _SPACED_GAP.split(raw.strip()) if p.strip()]
    if len(parts) < 2:
        return None
    vocab = load_vocabulary()
    return parts if any(vocab.is_label(p) for p in parts) else None


def lines_to_blocks(lines: list[Line]) -> list[Block]:
    """Group lines into paragraphs and table rows (see the module docstring)."""
    blocks: list[Block] = []
    row: list[Cell] | None = None

    def close_row() -> None:
        nonlocal row
        if row:
            blocks.append(Block("row", row[0].line, max(c.line_end for c in row), cells=row, page=lines_page(row)))
        row = None

    def lines_page(cells: list[Cell]) -> int | None:
        return lines[cells[0].line - 1].page

    kinds = [_kind(line.text) for line in lines]
    # the kind of the next non-blank line after each line, in one backward pass (a search per line was quadratic)
    next_kinds: list[str | None] = [None] * len(kinds)
    for j in range(len(kinds) - 2, -1, -1):
        next_kinds[j] = kinds[j + 1] if kinds[j + 1] != "blank" else next_kinds[j + 1]
    for i, line in enumerate(lines):
        raw = line.text.rstrip("\r\n")
        kind = kinds[i]
        if kind == "cell":
            if row is None:
                row = []
            row.append(Cell([(line.no, raw[1:])], col=len(row)))
        elif kind == "blank":
            close_row()
        elif kind == "text":
            if row is not None:
                row[-1].fragments.append((line.no, raw))
                continue
            spaced = _spaced_cells(raw)
            if spaced:
                cells = [Cell([(line.no, p.strip())], col=j) for j, p in enumerate(spaced)]
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page))
                continue
            previous = blocks[-1] if blocks else None
            nxt = next_kinds[i]
            if (
                previous is not None
                and previous.kind == "row"
                and kinds[i - 1] == "blank"
                and len(raw.strip()) <= _MAX_BROKEN_CELL_FRAGMENT
                and nxt in ("cell", "text")
                and previous.cells[-1].line_end >= i - 2
                # only cell-per-line rows break cells that way; a tab-separated row is whole on its line
                and not (len(previous.cells) > 1 and len({c.line for c in previous.cells}) == 1)
            ):
                previous.cells[-1].fragments.append((line.no, raw))
                previous.line_end = line.no
            else:
                blocks.append(Block("paragraph", line.no, line.no, text=raw.strip(), page=line.page))
        else:
            close_row()
            if kind == "tsv":
                cells = [Cell([(line.no, p)], col=j) for j, p in enumerate(raw.split("\t"))]
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page))
            elif kind == "pipe":
                parts = raw.strip().strip("|").split("|")
                cells = [Cell([(line.no, p.strip())], col=j) for j, p in enumerate(parts)]
                blocks.append(Block("row", line.no, line.no, cells=cells, page=line.page))
            # rule lines (----- | :---) carry no content; they stay in source_lines only
    close_row()
    return blocks


def read_text(data: bytes, file_format: str = "text") -> ReadDocument:
    text, encoding = decode(data)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines = [Line(i + 1, t) for i, t in enumerate(raw_lines)]
    doc = ReadDocument(lines=lines, blocks=lines_to_blocks(lines), file_format=file_format)
    if encoding == "utf-8 truncated":
        doc.notes.append(TRUNCATED_NOTE)
    elif encoding != "utf-8":
        doc.notes.append(f"decoded as {encoding}")
    return doc

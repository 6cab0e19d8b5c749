"""Read web pages (.html/.htm, and "spreadsheets" that are really HTML) with lxml.

Paragraphs and headings become paragraphs, tables rows of cells with ``rowspan``/``colspan`` resolved on a
grid (a cell covered from above stays as an empty cell, as in the .docx reader; a ``colspan`` is one
cell). Navigation, menus, headers, footers and link lists are site furniture: kept as lines (so nothing
is lost from ``landing.source_lines``) but never as blocks, so they are not mistaken for form content.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from loaders.errors import ReadError
from loaders.model import ReadDocument
from loaders.readers.builder import DocumentBuilder, RawCell

_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "blockquote", "caption", "address"}
_SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "meta",
    "link",
    "iframe",
    "object",
    "svg",
    "button",
    "select",
}
_FURNITURE_TAGS = {"nav", "header", "footer", "aside", "menu"}
_FURNITURE = re.compile(r"(^|[\s_-])(nav|menu|footer|header|breadcrumb|sidebar|topbar|copyright|banner|toolbar)", re.I)
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
_WS = re.compile(r"\s+")
_BREAK = "\x00"  # a hard break (<br>, end of a block) while source newlines are still plain whitespace
# A source line break next to a CJK character renders as nothing (CSS Text segment-break rules, and how
# generators such as LibreOffice wrap their HTML), not as a space.
_WHITESPACE_RUN = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A table's grid (cells and the positions spans cover) is bounded: rowspan and colspan are clamped as
# browsers do (HTML: colspan ≤ 1000, rowspan to the end of its table), and a table whose spans still
# cover more than this many grid cells is refused.
MAX_COLSPAN = 1000
MAX_GRID_CELLS = 1_000_000


def decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030"):
        declared = "gb18030"
    for enc in filter(None, (declared, "utf-8", "gb18030")):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def _text(el, skip_tables: bool = True) -> str:
    """Visible text of an element: whitespace collapsed, nested tables and scripts left out."""
    parts: list[str] = []

    def walk(node) -> None:
        if not isinstance(node.tag, str):
            if node.tail:
                parts.append(node.tail)
            return
        tag = node.tag.lower()
        if tag in _SKIP or (skip_tables and tag == "table" and node is not el):
            if node is not el and node.tail:
                parts.append(node.tail)
            return
        if tag == "br":
            parts.append(_BREAK)
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK_TAGS:
            parts.append(_BREAK)
        if node is not el and node.tail:
            parts.append(node.tail)

    walk(el)
    lines = [_WS.sub(" ", _join_cjk_breaks(t)).strip() for t in "".join(parts).split(_BREAK)]
    return "\n".join(t for t in lines if t)


def _join_cjk_breaks(text: str) -> str:
    r"""Drop a source line break, with the blanks around it, that touches a CJK character: what the regex
    ``(?<=[CJK])[ \t\r]*\n\s*|[ \t\r]*\n\s*(?=[CJK])`` removes, computed in one pass over each run of
    whitespace (the regex itself backtracks quadratically on a long run of spaces)."""
    if "\n" not in text:
        return text
    out: list[str] = []
    last = 0
    for m in _WHITESPACE_RUN.finditer(text):
        run = m.group()
        if "\n" not in run:
            continue
        out.append(text[last : m.start()])
        out.append(_join_run(run, text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]))
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def _join_run(run: str, before: str, after: str) -> str:
    """One whitespace run holding a newline, between the characters ``before`` and ``after``."""
    k = len(run)
    blank_end = [k] * (k + 1)  # first position at or after i that is not a blank (space, tab, CR)
    for i in range(k - 1, -1, -1):
        blank_end[i] = blank_end[i + 1] if run[i] in " \t\r" else i
    last_cjk = run.rfind("\u3000")  # the one whitespace character that is also CJK
    after_cjk = _is_cjk(after)
    out: list[str] = []
    i = 0
    while i < k:
        b = blank_end[i]
        if b < k and run[b] == "\n":
            if _is_cjk(run[i - 1] if i else before):
                break  # the rest of the run goes
            end = k if after_cjk else (last_cjk if last_cjk > b else -1)
            if end >= 0:
                i = end
                continue
        out.append(run[i])
        i += 1
    return "".join(out)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u303f" or "\u3400" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _is_furniture(el) -> bool:
    for node in [el, *el.iterancestors()]:
        if not isinstance(node.tag, str):
            continue
        if node.tag.lower() in _FURNITURE_TAGS:
            return True
        marker = f"{node.get('class', '')} {node.get('id', '')} {node.get('role', '')}"
        if marker.strip() and _FURNITURE.search(marker):
            return True
    return False


def _link_list(el) -> bool:
    """A block whose text is all link text (a menu written as a paragraph or a list)."""
    links = "".join(_WS.sub("", a.text_content()) for a in el.iter("a"))
    return bool(links) and len(links) >= 0.9 * len(_WS.sub("", el.text_content()))


class _Reader:
    def __init__(self) -> None:
        self.b = DocumentBuilder("html")

    def furniture(self, el) -> None:
        for line in _text(el, skip_tables=False).split("\n"):
            if line:
                self.b.line(line)

    def walk(self, el) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag.lower()
            if tag in _SKIP:
                continue
            if tag in _FURNITURE_TAGS or (_is_furniture(child) and tag != "table"):
                self.furniture(child)
            elif tag == "table":
                self.table(child)
            elif tag in _BLOCK_TAGS:
                if _link_list(child):
                    self.furniture(child)
                    continue
                for line in _text(child).split("\n"):
                    self.b.paragraph(line)
                for nested in child.iter("table"):
                    if nested.getparent() is not None and not any(
                        a.tag == "table" for a in nested.iterancestors() if a is not child
                    ):
                        self.table(nested)
            else:
                # a container (div, section, font …): its loose text, then what it holds
                if child.text and child.text.strip():
                    self.b.paragraph(child.text)
                self.walk(child)
            if child.tail and child.tail.strip():
                self.b.paragraph(child.tail)

    def table(self, tbl) -> None:
        table_no = self.b.new_table()
        rows = [tr for tr in tbl.iter("tr") if _own_table(tr) is tbl]
        taken: dict[tuple[int, int], int] = {}  # (row, col) covered from above -> colspan of the covering cell
        nested_after: list = []
        grid = 0  # cells emitted and positions covered: bounded by MAX_GRID_CELLS
        for r, tr in enumerate(rows):
            cells: list[RawCell] = []
            col = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                while (r, col) in taken:
                    cells.append(RawCell("", col, 1, taken[(r, col)]))
                    col += taken[(r, col)]
                rowspan = min(_span(td.get("rowspan")), len(rows) - r)  # a span past the table ends with it
                colspan = min(_span(td.get("colspan")), MAX_COLSPAN)
                grid += rowspan * colspan
                if grid > MAX_GRID_CELLS:
                    raise ReadError(f"table too large: its cells and spans cover over {MAX_GRID_CELLS:,} grid cells")
                text = "".join(_text(td).split("\n"))
                cells.append(RawCell(text, col, rowspan, colspan))
                for rr in range(r + 1, r + rowspan):
                    taken[(rr, col)] = colspan
                nested_after.extend(t for t in td.iter("table") if t is not td and _own_table(t) is tbl)
                col += colspan
            while (r, col) in taken:
                cells.append(RawCell("", col, 1, taken[(r, col)]))
                col += taken[(r, col)]
            if cells:
                self.b.row(cells, table=table_no)
            for nested in nested_after:
                self.table(nested)
            nested_after = []


def _own_table(el):
    """The nearest enclosing <table> of ``el``."""
    for a in el.iterancestors():
        if isinstance(a.tag, str) and a.tag.lower() == "table":
            return a
    return None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()[:9]), 65534))  # HTML's own ceiling for rowspan
    except (TypeError, ValueError):
        return 1


def read_html(data: bytes) -> ReadDocument:
    # lxml refuses a str that carries an XML declaration with an encoding (XHTML pages from government
    # sites often start with one): the bytes are decoded here, so the declaration has nothing left to say
    text = _XML_DECLARATION.sub("", decode_html(data), count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"unreadable web page: {exc}") from None
    body = root.find("body")
    reader = _Reader()
    reader.walk(body if body is not None else root)
    if not reader.b.blocks:
        raise ReadError("empty web page: no text outside menus and footers")
    return reader.b.build()

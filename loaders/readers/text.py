"""Read a text file: decode it (UTF-8, else GB18030) and split it into numbered lines.

The lines go through the layout step (:mod:`loaders.layout`), which turns every text layout into
paragraphs and rows of cells. The reader knows nothing of layouts or form kinds.
"""

from __future__ import annotations

import re

from loaders.errors import ReadError
from loaders.layout import lay_out
from loaders.layout.titles import split_titles_out_of_cells
from loaders.model import Line, ReadDocument

# A note that says the document is incomplete; ingest records it as a warning (status partial).
TRUNCATED_NOTE = "truncated: the file ends inside a character (an interrupted download or copy?)"
# control characters no text document holds (tab, line feed, form feed and carriage return aside)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


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
        controls = len(_CONTROLS.findall(text, 0, 20000))
        if controls > max(8, len(text[:20000]) // 100):
            raise ReadError("binary content: not a text document")
        return text, encoding.replace("-sig", "")
    raise ReadError("undecodable text: neither UTF-8 nor GB18030")


def read_text(data: bytes, file_format: str = "text") -> ReadDocument:
    text, encoding = decode(data)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines = [Line(i + 1, t) for i, t in enumerate(raw_lines)]
    doc = ReadDocument(lines=lines, blocks=lay_out(lines), file_format=file_format)
    split_titles_out_of_cells(doc)
    if encoding == "utf-8 truncated":
        doc.notes.append(TRUNCATED_NOTE)
    elif encoding != "utf-8":
        doc.notes.append(f"decoded as {encoding}")
    return doc

"""Hostile input to the readers: each file is built here, and each read ends quickly with its text or with a
one-line reason. A reader that went quadratic again would hang, so every read runs under a guard that fails
the test after a generous timeout instead (no timing is asserted: speed is measured in benchmarks)."""

from __future__ import annotations

import io
import random
import re
import signal
import struct
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from loaders.errors import ReadError
from loaders.layout import is_rule
from loaders.readers import read_file
from loaders.readers.container import open_zip, read_member
from loaders.readers.html import MAX_GRID_CELLS, _join_cjk_breaks, read_html
from loaders.readers.spreadsheet import xlsx_extras
from loaders.readers.text import read_text
from tests.hostile import sheet, xlsx

GUARD_S = 60


@contextmanager
def guard(seconds: int = GUARD_S):
    """Fail instead of hanging when a read does not end."""

    def expired(signum, frame):
        raise AssertionError(f"the read did not end within {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- text ----------------------------------------------------------------------------------------------


def test_a_megabyte_line_of_dashes_is_a_rule_line():
    with guard():
        doc = read_text(b"\xe9\xa1\xb9\xe7\x9b\xae\n" + b"-" * 1_000_000 + b"\n" + b"-" * 1_000_000 + b"x\n")
    assert len(doc.lines) == 3


def test_the_rule_pattern_means_what_it_meant():
    old = re.compile(r"^[\s|:]*(-{3,}|={3,})[\s\-|:=]*$")
    rng = random.Random(12)
    for _ in range(20000):
        line = "".join(rng.choice(" |:-=x\t") for _ in range(rng.randint(0, 10)))
        assert bool(old.match(line)) == is_rule(line), line


def test_many_short_lines_read_in_linear_time():
    with guard():
        doc = read_text("项目名称\n\n".encode() * 150_000)
    assert len(doc.lines) == 300_000


# --- web pages -----------------------------------------------------------------------------------------


def test_a_megabyte_paragraph_of_spaces():
    page = b"<html><body><p>" + b" " * 1_000_000 + "\n项目".encode() + b"</p><p>" + b"\n" * 500_000 + b"x</p></body></html>"
    with guard():
        doc = read_html(page)
    assert [ln.text for ln in doc.lines] == ["项目", "x"]


def test_line_breaks_next_to_cjk_are_dropped_as_before():
    cjk = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
    old = re.compile(rf"(?<=[{cjk}])[ \t\r]*\n\s*|[ \t\r]*\n\s*(?=[{cjk}])")
    rng = random.Random(7)
    alphabet = ["a", "中", " ", "\n", "\t", "\r", "。", "\u3000", "\f", "\x85"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert _join_cjk_breaks(text) == old.sub("", text), repr(text)


def test_huge_row_and_column_spans_are_bounded():
    row = b'<tr><td rowspan="100000000" colspan="100000000">x</td><td>y</td></tr>'
    with guard(), pytest.raises(ReadError, match="table too large"):
        read_html(b"<html><body><table>" + row * 5000 + b"</table></body></html>")
    # spans past the table's end are clamped to it: a small table with absurd spans still reads
    doc = read_html(b"<html><body><table>" + row * 3 + b"</table></body></html>")
    assert doc.blocks and max(c.rowspan for b in doc.blocks for c in b.cells) <= 3
    assert MAX_GRID_CELLS >= 1_000_000


def test_xhtml_with_an_xml_declaration_reads_like_any_web_page():
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>项目名称</p>'
        "<table><tr><td>项目名称</td><td>城乡医疗救助</td></tr></table></body></html>"
    ).encode()
    doc = read_file(Path("page.html"), page)
    assert [ln.text for ln in doc.lines] == ["项目名称", "项目名称\t城乡医疗救助"]


# --- spreadsheets and zip containers --------------------------------------------------------------------


def test_a_sheet_of_empty_self_closing_cells():
    cells = "".join(f'<c r="{col}{r}" s="1"/>' for r in range(1, 400) for col in "ABCDEFGHIJ")
    data = xlsx(sheet(f'<row r="1">{cells}</row><row r="2"><c r="B2"><f>SUM(A1:A3)</f><v>3</v></c></row>'))
    with guard():
        extras = xlsx_extras(data)
    assert extras["S"][1] == {(1, 1): "=SUM(A1:A3)"}


@pytest.mark.parametrize(
    ("cells", "dimension"),
    [
        ('<row r="1"><c r="A1" t="inlineStr"><is><t>项目</t></is></c></row>', "A1:XFD1048576"),
        ('<row r="16000"><c r="XFD16000" t="inlineStr"><is><t>项目</t></is></c></row>', None),
    ],
    ids=["declared-dimension", "one-far-cell"],
)
def test_a_sheet_is_refused_by_its_size_before_it_is_allocated(cells, dimension):
    data = xlsx(sheet(cells, dimension))
    with guard(), pytest.raises(ReadError, match="too large"):
        read_file(Path("big.xlsx"), data)


def _zip_with(name: str, payload: bytes, declared: int | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, payload)
    data = bytearray(buf.getvalue())
    if declared is not None:  # lie about the uncompressed size in the local and central headers
        for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.find(sig)
            data[at + offset : at + offset + 4] = struct.pack("<I", declared)
    return bytes(data)


def test_a_zip_member_over_the_limit_is_refused_while_decompressing():
    data = _zip_with("word/document.xml", b"0" * 200_000)
    with pytest.raises(ReadError, match="part too large"):
        read_member(open_zip(data), "word/document.xml", limit=100_000)
    # a member that says it is small cannot bring more than it said
    lying = _zip_with("word/document.xml", b"0" * 200_000, declared=1000)
    with pytest.raises(ReadError):
        read_member(open_zip(lying), "word/document.xml", limit=100_000)

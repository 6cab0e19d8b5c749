"""Readers turn a file into a :class:`~loaders.model.ReadDocument`; the format is decided by content.

Magic bytes and zip members decide, never the extension alone: a ``.xls`` that is really a web page is
read as HTML, a ``.docx`` that is a renamed ``.doc`` goes through LibreOffice. ``read_file`` is a pure
function of (path, bytes) — safe to run in a worker process — and raises :class:`ReadError` with a
one-line reason for anything it cannot read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from loaders.errors import ReadError
from loaders.layout.titles import split_titles_out_of_cells
from loaders.model import ReadDocument
from loaders.readers.text import read_text

_MAGIC = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"{\\rtf", "rtf"),
]
_HTML_HEADS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta")
_LEGACY_WORD = {"doc", "wps", "wpt", "dot", "rtf"}
_LEGACY_SHEET = {"xls", "et", "ett", "xlt"}


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes) -> str:
    """The container by magic bytes: zip, pdf, ole2, rtf, html or text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_HEADS) or (head.startswith(b"<?xml") and b"<html" in head) or b"<table" in head[:2048]:
        return "html"
    if data[:4096].find(b"%PDF-") > 0:
        return "pdf"  # some servers prepend junk before the PDF header
    return "text"


def detect(path: Path, data: bytes) -> str:
    """The document format: docx, xlsx, odf, pdf, doc, xls, ole-encrypted, html, rtf or text."""
    kind = sniff(data)
    if kind == "zip":
        try:
            names = set(zipfile.ZipFile(__import__("io").BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise ReadError(f"corrupt zip container ({path.suffix or 'no extension'})") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names and "mimetype" in names:
            return "odf"
        raise ReadError("zip archive that is neither a Word nor an Excel document")
    if kind == "ole2":
        directory = data[:1_000_000]
        if _utf16("EncryptionInfo") in directory or _utf16("EncryptedPackage") in directory:
            return "ole-encrypted"
        if _utf16("WordDocument") in directory:
            return "doc"
        if _utf16("Workbook") in directory or _utf16("Book") in directory:
            return "xls"
        ext = path.suffix.lower().lstrip(".")
        if ext in _LEGACY_WORD | _LEGACY_SHEET:
            return "doc" if ext in _LEGACY_WORD else "xls"
        raise ReadError("OLE2 compound file that is neither Word nor Excel")
    return kind


def read_file(path: Path, data: bytes) -> ReadDocument:
    """The file as lines and blocks; every format leaves here through the same layout repairs."""
    doc = _read_by_format(path, data)
    if doc.file_format != "text":
        split_titles_out_of_cells(doc)  # the text reader's layout step has done it already
    return doc


def _read_by_format(path: Path, data: bytes) -> ReadDocument:
    fmt = detect(path, data)
    if fmt == "text":
        return read_text(data)
    if fmt == "docx":
        from loaders.readers.docx import read_docx

        return read_docx(data)
    if fmt == "xlsx":
        from loaders.readers.spreadsheet import read_spreadsheet

        return read_spreadsheet(data, "xlsx")
    if fmt == "xls":
        from loaders.readers.spreadsheet import read_spreadsheet

        try:
            return read_spreadsheet(data, "xls")
        except ReadError as exc:
            if "password" in str(exc):
                raise
            from loaders.readers.office import convert

            return read_spreadsheet(convert(data, path.suffix or ".xls", "xlsx"), "xls")  # e.g. WPS .et
    if fmt in ("doc", "rtf", "odf"):
        from loaders.readers.docx import read_docx
        from loaders.readers.office import convert

        if fmt == "odf" and b"spreadsheet" in data[:200]:
            from loaders.readers.spreadsheet import read_spreadsheet

            return read_spreadsheet(data, "ods")
        return read_docx(convert(data, path.suffix or f".{fmt}", "docx"), file_format=fmt)
    if fmt == "ole-encrypted":
        raise ReadError("password-protected Office document (encrypted package)")
    if fmt == "pdf":
        from loaders.readers.pdf import read_pdf

        return read_pdf(data)
    if fmt == "html":
        from loaders.readers.html import read_html

        return read_html(data)
    raise ReadError(f"no reader for {fmt} content ({path.suffix or 'no extension'})")

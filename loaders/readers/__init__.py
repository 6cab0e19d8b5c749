"""Readers turn a file into a :class:`~loaders.model.ReadDocument`; the format is sniffed from content."""

from __future__ import annotations

from pathlib import Path

from loaders.errors import ReadError
from loaders.model import ReadDocument
from loaders.readers.text import read_text

_MAGIC = [
    (b"PK\x03\x04", "zip"),
    (b"%PDF", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
]


def sniff(data: bytes) -> str:
    """The container format by magic bytes: zip (docx/xlsx), pdf, ole2 (doc/xls), html, or text."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:2048].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in head:
        return "html"
    return "text"


def read_file(path: Path, data: bytes) -> ReadDocument:
    kind = sniff(data)
    if kind == "text":
        return read_text(data)
    if kind == "zip":
        from loaders.readers.docx import read_docx
        return read_docx(data)
    raise ReadError(f"no reader for {kind} content ({path.suffix or 'no extension'})")

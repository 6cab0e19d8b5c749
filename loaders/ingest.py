"""Ingest: find the input files, read and parse each, land each in its own transaction.

One bad file never stops the others: its reason is recorded in ``landing.documents`` and returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.errors import NotAPerformanceDocument, ReadError
from loaders.extract import parse_document
from loaders.landing import (
    FileMeta,
    create_schema,
    document_status,
    failed_rows,
    file_row,
    rows_for,
    write_document,
    write_file_row,
)
from loaders.model import IssueRecord
from loaders.readers import read_file
from loaders.readers.text import TRUNCATED_NOTE

log = logging.getLogger(__name__)

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class FileOutcome:
    path: str
    document_id: str
    status: str  # ok | partial | failed | duplicate | unchanged
    reason: str | None = None


@dataclass
class IngestResult:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def problems(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("partial", "failed")]


def discover(source: Path) -> list[Path]:
    """A file, or every file below a folder (recursively), in a stable order; hidden files skipped."""
    if source.is_file():
        return [source]
    if not source.exists():
        raise FileNotFoundError(f"input not found: {source}")
    return sorted(
        p
        for p in source.rglob("*")
        if p.is_file() and p.name not in IGNORED_NAMES and not any(part.startswith(".") for part in p.parts)
    )


def parse_file(path: Path, root: Path) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    """Read, recognise and extract one file; never raises for bad input (pure: no database)."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    rel = str(path.relative_to(root)) if path != root else path.name
    meta = FileMeta(digest, path.name, rel, len(data), path.suffix.lstrip(".").lower() or "unknown")
    now = dt.datetime.now()
    try:
        read = read_file(path, data)
        parsed = parse_document(read)
    except (ReadError, NotAPerformanceDocument) as exc:
        return _failed(meta, str(exc), now)
    except Exception as exc:  # a parser bug must not stop the other files; the reason is recorded
        log.error("unexpected error parsing %s: %s: %s", rel, type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        return _failed(meta, f"internal parser error: {type(exc).__name__}: {exc}", now)
    # What the reader noticed (an encoding, a truncated file) is recorded with the document.
    parsed.issues[:0] = [
        IssueRecord("warning" if note == TRUNCATED_NOTE else "info", "reader_note", note, len(read.lines) or None)
        for note in read.notes
    ]
    status, reason = document_status(parsed)
    rows = rows_for(meta, parsed, now)
    rows["document_files"] = [file_row(meta, status, reason, now)]
    return meta, rows, FileOutcome(rel, digest, status, reason)


def _failed(meta: FileMeta, reason: str, now: dt.datetime) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    rows = failed_rows(meta, reason, now)
    rows["document_files"] = [file_row(meta, "failed", reason, now)]
    return meta, rows, FileOutcome(meta.relative_path, meta.document_id, "failed", reason)


def ingest(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    create_schema(con)
    root = source if source.is_dir() else source.parent
    result = IngestResult()
    seen: dict[str, str] = {}
    for path in discover(source):
        meta, rows, outcome = parse_file(path, root)
        if outcome.document_id in seen:
            # The content is already landed under its first path; this path gets a file row only.
            reason = f"same content as {seen[outcome.document_id]}"
            outcome = FileOutcome(outcome.path, outcome.document_id, "duplicate", reason)
            write_file_row(con, file_row(meta, "duplicate", reason, rows["documents"][0]["loaded_at"]))
        else:
            seen[outcome.document_id] = outcome.path
            write_document(con, rows)
        result.outcomes.append(outcome)
        if progress:
            progress(outcome.path)
    return result

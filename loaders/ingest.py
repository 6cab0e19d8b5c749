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
from loaders.landing import FileMeta, create_schema, document_status, failed_rows, rows_for, write_document
from loaders.readers import read_file

log = logging.getLogger(__name__)

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class FileOutcome:
    path: str
    document_id: str
    status: str  # ok | partial | failed | unchanged
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
        return meta, failed_rows(meta, str(exc), now), FileOutcome(rel, digest, "failed", str(exc))
    except Exception as exc:  # a parser bug must not stop the other files; the reason is recorded
        log.exception("unexpected error parsing %s", rel)
        reason = f"internal parser error: {type(exc).__name__}: {exc}"
        return meta, failed_rows(meta, reason, now), FileOutcome(rel, digest, "failed", reason)
    status, reason = document_status(parsed)
    return meta, rows_for(meta, parsed, now), FileOutcome(rel, digest, status, reason)


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
            outcome = FileOutcome(outcome.path, outcome.document_id, "duplicate", f"same content as {seen[outcome.document_id]}")
        else:
            seen[outcome.document_id] = outcome.path
            write_document(con, rows)
        result.outcomes.append(outcome)
        if progress:
            progress(outcome.path)
    return result

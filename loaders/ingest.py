"""Ingest: find the input files, parse only new or changed content, land each document in its own transaction.

A document is identified by the sha256 of its content. Each run hashes every file, parses only content
that the current parser has not landed yet (in worker processes, 2 by default), and records what it saw
at every path in ``landing.document_versions`` — new, changed (superseding the old content), unchanged,
duplicate of another path, or gone. Running it twice on the same folder changes nothing.

One bad file never stops the others: its reason is recorded in ``landing.documents`` and returned.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.errors import NotAPerformanceDocument, ReadError
from loaders.extract import parse_document
from loaders.landing import (
    FileMeta,
    FileSeen,
    create_schema,
    current_versions,
    document_status,
    failed_rows,
    landed_documents,
    parser_version,
    record_versions,
    rows_for,
    write_document,
)
from loaders.model import IssueRecord
from loaders.ops import pause_for_tests
from loaders.readers import read_file
from loaders.readers.text import TRUNCATED_NOTE

log = logging.getLogger(__name__)

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
DEFAULT_WORKERS = 2
IN_FLIGHT_PER_WORKER = 2  # parsed documents waiting to be landed stay few, so memory stays flat


@dataclass
class FileOutcome:
    path: str
    document_id: str
    status: str  # ok | partial | failed | duplicate
    reason: str | None = None
    change: str = "new"  # new | changed | unchanged (against the path's content in the previous run)


@dataclass
class IngestResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # paths present last run, gone now
    parsed: int = 0  # files actually parsed this run

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def changes(self, change: str) -> int:
        return sum(o.change == change for o in self.outcomes)

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
        if p.is_file() and p.name not in IGNORED_NAMES and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def file_meta(path: Path, root: Path, data: bytes) -> FileMeta:
    rel = str(path.relative_to(root)) if path != root else path.name
    return FileMeta(hashlib.sha256(data).hexdigest(), path.name, rel, len(data), path.suffix.lstrip(".").lower() or "unknown")


def parse_file(path: Path, root: Path) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    """Read, recognise and extract one file; never raises for bad input (pure: no database)."""
    data = path.read_bytes()
    meta = file_meta(path, root, data)
    rel, digest = meta.relative_path, meta.document_id
    now = dt.datetime.now()
    try:
        read = read_file(path, data)
        parsed = parse_document(read)
    except (ReadError, NotAPerformanceDocument) as exc:
        return meta, failed_rows(meta, str(exc), now), FileOutcome(rel, digest, "failed", str(exc))
    except Exception as exc:  # a parser bug must not stop the other files; the reason is recorded
        log.error("unexpected error parsing %s: %s: %s", rel, type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        reason = f"internal parser error: {type(exc).__name__}: {exc}"
        return meta, failed_rows(meta, reason, now), FileOutcome(rel, digest, "failed", reason)
    # What the reader noticed (an encoding, a truncated file) is recorded with the document.
    parsed.issues[:0] = [
        IssueRecord("warning" if note == TRUNCATED_NOTE else "info", "reader_note", note, len(read.lines) or None)
        for note in read.notes
    ]
    status, reason = document_status(parsed)
    return meta, rows_for(meta, parsed, now), FileOutcome(rel, digest, status, reason)


def _crashed(meta: FileMeta, exc: BaseException) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    reason = f"parser process crashed ({type(exc).__name__}) while reading this file or one read beside it"
    rows = failed_rows(meta, reason, dt.datetime.now())
    return meta, rows, FileOutcome(meta.relative_path, meta.document_id, "failed", reason)


def parse_many(
    todo: list[tuple[Path, FileMeta]], root: Path, workers: int
) -> Iterator[tuple[FileMeta, dict[str, list[dict]], FileOutcome]]:
    """Parse files in worker processes and yield the results in input order.

    At most ``workers * IN_FLIGHT_PER_WORKER`` files are submitted and not yet landed, so memory does not
    grow with the corpus. Workers are spawned, not forked: the parent holds a DuckDB connection and its
    threads, which a fork would copy in an unknown state.
    """
    if workers <= 1 or len(todo) <= 1:
        for path, _ in todo:
            yield parse_file(path, root)
        return
    ctx = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    waiting = iter(todo)
    pending: deque[tuple[FileMeta, Path, Future]] = deque()

    def submit_next() -> None:
        item = next(waiting, None)
        if item is not None:
            path, meta = item
            pending.append((meta, path, pool.submit(parse_file, path, root)))

    try:
        for _ in range(workers * IN_FLIGHT_PER_WORKER):
            submit_next()
        while pending:
            meta, _path, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                # a worker died (out of memory, a crash in a C library): blame the oldest file, start a new pool
                # and resubmit the others, so one poisonous file does not fail the whole run
                result = _crashed(meta, exc)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
                pending = deque((m, p, pool.submit(parse_file, p, root)) for m, p, _ in pending)
            submit_next()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def ingest(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    progress: Callable[[str], None] | None = None,
    run_id: str = "manual",
    workers: int | None = None,
) -> IngestResult:
    """Land what is new or changed under ``source`` and record what was seen at every path."""
    create_schema(con)
    workers = workers if workers is not None else int(os.environ.get("JIXIAO_WORKERS", DEFAULT_WORKERS))
    root = source if source.is_dir() else source.parent
    version = parser_version()
    landed = landed_documents(con, version)
    previous = current_versions(con)

    # pass 1: hash every file (cheap) and decide which content needs parsing
    metas: list[tuple[Path, FileMeta]] = []
    first_path: dict[str, str] = {}
    todo: list[tuple[Path, FileMeta]] = []
    for path in discover(source):
        meta = file_meta(path, root, path.read_bytes())
        metas.append((path, meta))
        if meta.document_id not in first_path:
            first_path[meta.document_id] = meta.relative_path
            if meta.document_id not in landed:
                todo.append((path, meta))
                continue
        if progress:
            progress(meta.relative_path)

    # pass 2: parse in workers, land in input order through this one writer
    parsed: dict[str, FileOutcome] = {}
    for n, (_meta, rows, outcome) in enumerate(parse_many(todo, root, workers), start=1):
        write_document(con, rows)
        parsed[outcome.document_id] = outcome
        if progress:
            progress(outcome.path)
        if n == 1:
            pause_for_tests("ingest", f"(landed {outcome.path})")

    result = IngestResult(parsed=len(parsed))
    seen: list[FileSeen] = []
    for _path, meta in metas:
        doc, rel = meta.document_id, meta.relative_path
        if first_path[doc] != rel:
            outcome = FileOutcome(rel, doc, "duplicate", f"same content as {first_path[doc]}")
        elif doc in parsed:
            outcome = FileOutcome(rel, doc, parsed[doc].status, parsed[doc].reason)
        else:
            status, reason = landed[doc]
            outcome = FileOutcome(rel, doc, status, reason)
        before = previous.get(rel)
        if before is None or (before[0] == doc and before[1]):
            outcome.change = "new"  # a path never seen, or seen again after it had disappeared
        elif before[0] == doc:
            outcome.change = "unchanged"
        else:
            outcome.change = "changed"
        result.outcomes.append(outcome)
        seen.append(FileSeen(rel, doc, outcome.status, outcome.reason))
    result.removed = record_versions(con, run_id, dt.datetime.now(), seen)
    return result

"""Ingest: find the input files, parse only new or changed content, land each document in its own transaction.

A document is identified by the sha256 of its content. Each run hashes every file, parses only content
that the current parser has not landed yet (in worker processes, 2 by default), and records what it saw
at every path in ``landing.document_versions`` — new, changed (superseding the old content), unchanged,
duplicate of another path, or gone. Running it twice on the same folder changes nothing.

One bad file never stops the others: its reason is recorded in ``landing.documents`` and returned.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import gc
import hashlib
import logging
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from loaders.errors import NotAPerformanceDocument, ReadError
from loaders.extract import parse_document
from loaders.landing import (
    STORAGE_ERRORS,
    DocumentRows,
    FileMeta,
    FileSeen,
    as_columns,
    create_schema,
    current_versions,
    document_status,
    failed_rows,
    landed_documents,
    parser_version,
    record_versions,
    restore_set_aside,
    row_count,
    rows_for,
    set_aside,
    write_document,
    write_documents,
)
from loaders.lifetime import die_with_parent
from loaders.model import IssueRecord
from loaders.ops import pause_for_tests
from loaders.readers import read_file
from loaders.readers.text import TRUNCATED_NOTE

log = logging.getLogger(__name__)

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
DEFAULT_WORKERS = 2
# Parsed documents waiting to be landed stay few, so memory stays flat; but results are landed in input
# order, and a window of two per worker left a worker idle whenever the oldest document was a long one.
IN_FLIGHT_PER_WORKER = 8
# Limits per document in a worker (README, "Limits on hostile input"). A file over its time limit gets its
# worker killed and fails with the limit as its reason; over the memory limit its allocation fails (a
# MemoryError, or the worker dies) and it fails likewise. The rest of the run goes on.
TIME_LIMIT_S = 120
MEMORY_LIMIT_MB = 1536
# A parsed document is a tree of some hundred thousand small objects that reference counting frees, and a
# worker holds as many more for the whole night (the vocabulary, the caches of cell texts). The cycle collector
# walked both again and again while a tree was built (about 6 % of a worker's CPU, measured). A worker collects
# between documents, every WORKER_GC_EVERY of them (a document leaves a few dozen cyclic objects), and then
# freezes what survived, so later collections skip what lives all night. The thresholds only bound a document
# that makes cycles in millions.
WORKER_GC_THRESHOLDS = (1_000_000, 1_000, 1_000)
WORKER_GC_EVERY = 50
# DECIMAL(20, 6): 14 digits before the point; a larger printed amount fails its document, not the run
MAX_AMOUNT = Decimal(10) ** 14
MAX_SHARE = Decimal(10) ** 5  # DECIMAL(9, 4)


@dataclass
class FileOutcome:
    path: str
    document_id: str
    status: str  # ok | partial | failed | duplicate
    reason: str | None = None
    change: str = "new"  # new | changed | unchanged (against the path's content in the previous run)
    # a failure caused by the environment (a crashed worker, a time limit, a missing converter): not the
    # document's own fault, so it is not kept as its outcome and the document is parsed again next run
    transient: bool = False


@dataclass
class IngestResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # paths present last run, gone now
    parsed: int = 0  # files actually parsed this run
    parsed_ids: list[str] = field(default_factory=list)  # the documents landed this run (the checkpoint's)
    vanished: list[str] = field(default_factory=list)  # deleted between listing and reading

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    def changes(self, change: str) -> int:
        return sum(o.change == change for o in self.outcomes)

    @property
    def problems(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("partial", "failed")]


def _limit(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def discover(source: Path) -> list[Path]:
    """A file, or every file below a folder (recursively), in a stable order; hidden files skipped.

    Symlinks are listed like files; ``outside_reason`` tells which ones point outside the folder."""
    if source.is_file():
        return [source]
    if not source.exists():
        raise FileNotFoundError(f"input not found: {safe_name(str(source))}")
    if not source.is_dir():
        raise NotADirectoryError(f"input is neither a file nor a folder: {safe_name(str(source))}")
    return sorted(
        p
        for p in source.rglob("*")
        if (p.is_file() or (p.is_symlink() and not p.is_dir()))  # a linked folder is walked, not listed
        and p.name not in IGNORED_NAMES
        and not any(part.startswith(".") for part in p.relative_to(source).parts)
    )


def safe_name(name: str) -> str:
    """A file name as printable text whatever its bytes: UTF-8, else GB18030 (names written by Chinese
    Windows), else the reading with fewer undecodable bytes, each written as %XX. Python hands undecodable
    names over as lone surrogates (surrogateescape), which neither DuckDB nor a terminal accepts; %XX keeps
    the name unique and has no backslash (a path separator to the models) or markup in it."""
    raw = os.fsencode(name)
    readings = []
    for encoding in ("utf-8", "gb18030"):
        text = raw.decode(encoding, "surrogateescape")
        bad = sum(0xDC80 <= ord(ch) <= 0xDCFF for ch in text)
        if not bad:
            return text
        readings.append((bad, text))
    text = min(readings, key=lambda r: r[0])[1]
    return "".join(f"%{ord(ch) - 0xDC00:02X}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in text)


def outside_reason(path: Path, root: Path) -> str | None:
    """Why ``path`` is not read: a symlink resolving outside the documents folder, or to no file."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symlink (its target does not exist): not read"
    if not target.is_relative_to(root.resolve()):
        return "symlink to a file outside the documents folder: not followed"
    if not target.is_file():
        return "symlink to something that is not a file: not read"
    return None


def file_meta(path: Path, root: Path, data: bytes) -> FileMeta:
    rel = safe_name(str(path.relative_to(root)) if path != root else path.name)
    suffix = safe_name(path.suffix.lstrip(".").lower())
    return FileMeta(hashlib.sha256(data).hexdigest(), safe_name(path.name), rel, len(data), suffix or "unknown")


def unread_meta(path: Path, root: Path) -> FileMeta:
    """A file not read (outside symlink, unreadable): its id is derived from its path, as there is no content."""
    meta = file_meta(path, root, b"")
    meta.document_id = hashlib.sha256(b"jixiao:not read:" + meta.relative_path.encode()).hexdigest()
    return meta


def _too_large(parsed) -> str | None:
    """An amount the landing columns cannot hold: checked here so it fails its document, not the run."""
    for form in parsed.forms:
        for a in form.amounts:
            for value, limit in ((a.value, MAX_AMOUNT), (a.value_wan, MAX_AMOUNT), (a.share_pct, MAX_SHARE)):
                if value is not None and value.is_finite() and abs(value) >= limit:
                    digits = len(str(limit)) - 1
                    return f"amount too large to store: {a.text_printed[:40]!r} (line {a.line_no}) has over {digits} digits"
                if value is not None and not value.is_finite():
                    return f"amount is not a number: {a.text_printed[:40]!r} (line {a.line_no})"
    return None


def parse_file(path: Path, root: Path, expected: FileMeta | None = None) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    """Read, recognise and extract one file; never raises for bad input (pure: no database).

    The file is read again here: when it changed since it was hashed, the new content is what is parsed
    (its new hash goes with it); when it is gone, the outcome says ``vanished``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        meta = expected or unread_meta(path, root)
        return meta, {}, FileOutcome(meta.relative_path, meta.document_id, "vanished", "deleted while the run was reading it")
    except OSError as exc:
        meta = expected or unread_meta(path, root)
        reason = f"cannot read the file: {exc.strerror or type(exc).__name__}"
        return meta, failed_rows(meta, reason, dt.datetime.now(), transient=True), _failed(meta, reason, transient=True)
    meta = file_meta(path, root, data)
    rel, digest = meta.relative_path, meta.document_id
    now = dt.datetime.now()
    try:
        read = read_file(path, data)
        parsed = parse_document(read)
    except (ReadError, NotAPerformanceDocument) as exc:
        transient = bool(getattr(exc, "transient", False))
        return meta, failed_rows(meta, str(exc), now, transient=transient), _failed(meta, str(exc), transient)
    except (MemoryError, TimeLimit) as exc:
        reason = str(exc) if isinstance(exc, TimeLimit) else f"memory limit: parsing needed over {_memory_limit_mb()} MB"
        return meta, failed_rows(meta, reason, now, transient=True), _failed(meta, reason, transient=True)
    except Exception as exc:  # a parser bug must not stop the other files; the reason is recorded
        log.error("unexpected error parsing %s: %s: %s", rel, type(exc).__name__, exc, exc_info=log.isEnabledFor(logging.DEBUG))
        reason = f"internal parser error: {type(exc).__name__}: {exc}"
        return meta, failed_rows(meta, reason, now), FileOutcome(rel, digest, "failed", reason)
    too_large = _too_large(parsed)
    if too_large:
        return meta, failed_rows(meta, too_large, now), FileOutcome(rel, digest, "failed", too_large)
    # What the reader noticed (an encoding, a truncated file) is recorded with the document.
    parsed.issues[:0] = [
        IssueRecord("warning" if note == TRUNCATED_NOTE else "info", "reader_note", note, len(read.lines) or None)
        for note in read.notes
    ]
    status, reason = document_status(parsed)
    return meta, rows_for(meta, parsed, now), FileOutcome(rel, digest, status, reason)


def _failed(meta: FileMeta, reason: str, transient: bool = False) -> FileOutcome:
    return FileOutcome(meta.relative_path, meta.document_id, "failed", reason, transient=transient)


def _failure(meta: FileMeta, reason: str) -> tuple[FileMeta, dict[str, list[dict]], FileOutcome]:
    """An environment failure decided in the parent (a crashed or killed worker): retried next run."""
    return meta, failed_rows(meta, reason, dt.datetime.now(), transient=True), _failed(meta, reason, transient=True)


# --- the worker processes ----------------------------------------------------------------------------


class TimeLimit(BaseException):
    """Raised in a worker when a document's parsing passes its time limit (between Python bytecodes). Not
    an Exception, so a reader's "anything went wrong: corrupt file" handler does not swallow it."""


_STATE_DIR: Path | None = None
_TASKS = 0  # documents this worker was given, for its collection cadence


def _memory_limit_mb() -> int:
    return _limit("JIXIAO_MEMORY_LIMIT_MB", MEMORY_LIMIT_MB)


def _on_alarm(signum, frame) -> None:
    raise TimeLimit(f"time limit: parsing took over {_limit('JIXIAO_TIME_LIMIT_S', TIME_LIMIT_S)} s")


def _worker_init(state_dir: str, memory_mb: int, parent: int) -> None:  # pragma: no cover - runs in the workers
    """Bound the worker's memory (address space), make it die with its parent, and note its tasks."""
    global _STATE_DIR
    _STATE_DIR = Path(state_dir)
    # a worker left behind by a killed night would wait for tasks forever
    die_with_parent(parent)
    if memory_mb > 0:
        with contextlib.suppress(ValueError, OSError):
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C and SIGTERM are the parent's to handle
    signal.signal(signal.SIGALRM, _on_alarm)
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    atexit.register(_end_worker)


def _end_worker() -> None:  # pragma: no cover - runs in the workers
    """A worker's last step once the pool lets it go. Its results are handed over; the interpreter's teardown
    would only free memory the process gives back anyway, and the DuckDB binding reports every object still
    alive then (dozens of lines per worker in a night's log)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _parse_in_worker(key: int, path: Path, root: Path, expected: FileMeta, seconds: int):  # pragma: no cover
    """parse_file in a worker: the task is noted in a state file (pid → task and start) so the parent can
    kill a task past its time limit and knows which file a dead worker was reading."""
    global _TASKS
    _TASKS += 1
    if _TASKS % WORKER_GC_EVERY == 0:  # between documents: the last one's tree is gone
        gc.collect()
        gc.freeze()
    state = _STATE_DIR / str(os.getpid()) if _STATE_DIR else None
    if state:
        state.write_text(f"{key} {time.time()}")
    crash_on = os.environ.get("JIXIAO_TEST_CRASH_ON")  # test hook: a file that kills its worker
    if crash_on and crash_on in path.name:
        os.kill(os.getpid(), signal.SIGSEGV)
    signal.alarm(seconds)  # a Python-level loop stops here; the parent kills one stuck in C code
    try:
        meta, rows, outcome = parse_file(path, root, expected)
        return meta, as_columns(rows), outcome
    except TimeLimit as exc:  # raised outside the reader (reading the file, landing rows)
        return _failure(expected, str(exc))
    finally:
        signal.alarm(0)
        if state:
            state.unlink(missing_ok=True)


def _running(state_dir: Path) -> dict[int, tuple[int, float]]:
    """pid → (task key, start time) of the tasks the workers are running now."""
    out = {}
    for entry in state_dir.iterdir():
        with contextlib.suppress(ValueError, OSError):
            key, started = entry.read_text().split()
            out[int(entry.name)] = (int(key), float(started))
    return out


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now (a task past its limit, SIGTERM): shutdown alone waits for them."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, AttributeError):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def parse_many(
    todo: list[tuple[Path, FileMeta]], root: Path, workers: int
) -> Iterator[tuple[FileMeta, DocumentRows, FileOutcome]]:
    """Parse files in worker processes and yield the results in input order.

    At most ``workers * IN_FLIGHT_PER_WORKER`` files are submitted and not yet landed, so memory does not
    grow with the corpus. Workers are spawned, not forked: the parent holds a DuckDB connection and its
    threads, which a fork would copy in an unknown state. Every worker runs under the per-document limits;
    a worker that dies (killed past its time limit, out of memory, a crash in a C library) is blamed on the
    file it was reading, and the other files in flight are parsed again in a fresh pool.
    """
    seconds = _limit("JIXIAO_TIME_LIMIT_S", TIME_LIMIT_S)
    memory_mb = _memory_limit_mb()
    if workers <= 0 or not todo:
        for path, meta in todo:
            yield parse_file(path, root, meta)
        return
    ctx = multiprocessing.get_context("spawn")
    state_dir = Path(tempfile.mkdtemp(prefix="jixiao-workers-"))

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(str(state_dir), memory_mb, os.getpid())
        )

    pool = new_pool()
    procs: dict = {}  # pid → Process of every worker of the current pool, to read how each one ended
    waiting = iter(enumerate(todo))
    pending: deque[tuple[int, Path, FileMeta, Future]] = deque()
    killed: dict[int, str] = {}  # task key → why its worker was killed

    def submit(key: int, path: Path, meta: FileMeta) -> Future:
        try:
            future = pool.submit(_parse_in_worker, key, path, root, meta, seconds)
            # workers start on demand: note each at once, or one that dies at its first file goes unseen
            procs.update(getattr(pool, "_processes", None) or {})
            return future
        except BrokenProcessPool as exc:  # the pool broke meanwhile: handled when this file's turn comes
            broken: Future = Future()
            broken.set_exception(exc)
            return broken

    def submit_next() -> None:
        item = next(waiting, None)
        if item is not None:
            key, (path, meta) = item
            pending.append((key, path, meta, submit(key, path, meta)))

    def enforce_time_limit() -> None:
        for pid, (key, started) in _running(state_dir).items():
            if key not in killed and time.time() - started > seconds + 5:  # the alarm had its chance
                killed[key] = f"time limit: parsing took over {seconds} s"
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    try:
        for _ in range(workers * IN_FLIGHT_PER_WORKER):
            submit_next()
        while pending:
            key, path, meta, future = pending[0]
            procs.update(getattr(pool, "_processes", None) or {})
            if not wait([future], timeout=1.0).done:
                enforce_time_limit()
                continue
            pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # A worker died. The executor then terminates the others (SIGTERM): the culprit is the
                # worker that ended any other way, and the file it was reading; the others are parsed again.
                procs.update(getattr(pool, "_processes", None) or {})
                culprits = {pid for pid, proc in procs.items() if proc.exitcode not in (None, -signal.SIGTERM)}
                dead = {k for pid, (k, _) in _running(state_dir).items() if pid in culprits} | set(killed)
                if not dead & {key, *(k for k, *_ in pending)}:
                    dead.add(key)  # no worker said what it was reading: blame the oldest file
                _kill_workers(pool)
                procs = {}
                for entry in state_dir.iterdir():
                    entry.unlink(missing_ok=True)
                pool = new_pool()
                again: deque[tuple[int, Path, FileMeta, Future]] = deque()
                for k, p, m, _f in [(key, path, meta, future), *pending]:
                    if k in dead:
                        done: Future = Future()
                        reason = killed.get(k) or (
                            "parser process crashed while reading this file (out of memory over "
                            f"{memory_mb} MB, or a crash in a library)"
                        )
                        done.set_result(_failure(m, reason))
                        again.append((k, p, m, done))
                    else:
                        again.append((k, p, m, submit(k, p, m)))
                pending = again
                killed.clear()
                continue
            except Exception as exc:  # the result could not come back (e.g. it does not pickle)
                result = _failure(meta, f"parser process error: {type(exc).__name__}: {str(exc)[:120]}")
            submit_next()
            yield result
    except BaseException:
        _kill_workers(pool)  # SIGTERM or Ctrl-C: the workers end with the run
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(state_dir, ignore_errors=True)


def _duplicate(first_path: dict[str, str], doc: str, rel: str) -> FileOutcome | None:
    """The outcome of a content's second (third …) path in the order files are listed; ``first_path`` keeps the
    first path of each content seen so far."""
    first = first_path.setdefault(doc, rel)
    return FileOutcome(rel, doc, "duplicate", f"same content as {first}") if first != rel else None


def unchanged_result(con: duckdb.DuckDBPyConnection, source: Path) -> IngestResult | None:
    """What ingesting ``source`` into the warehouse of ``con`` would report when it changes nothing — every file
    holds the content its path held last run, all of it landed by this parser, no path came or went — else None.
    Read-only (``con`` may be the published file); every file is hashed. Its outcomes are the ones ``ingest``
    gives an unchanged file: the landed status, or ``duplicate`` for a content's second path."""
    root = source if source.is_dir() else source.parent
    try:
        landed = landed_documents(con, parser_version())
        previous = current_versions(con)
    except duckdb.CatalogException:
        return None
    result = IngestResult()
    first_path: dict[str, str] = {}
    for path in discover(source):
        if source.is_dir() and outside_reason(path, root):
            return None  # recorded as a failure of the environment, retried every night
        try:
            meta = file_meta(path, root, path.read_bytes())
        except OSError:
            return None
        doc, rel = meta.document_id, meta.relative_path
        if doc not in landed or previous.get(rel) != (doc, False):
            return None
        outcome = _duplicate(first_path, doc, rel) or FileOutcome(rel, doc, *landed[doc])
        outcome.change = "unchanged"
        result.outcomes.append(outcome)
    if {o.path for o in result.outcomes} != {path for path, (_, removed) in previous.items() if not removed}:
        return None
    return result


def ingest(
    con: duckdb.DuckDBPyConnection,
    source: Path,
    progress: Callable[[str], None] | None = None,
    run_id: str = "manual",
    workers: int | None = None,
) -> IngestResult:
    """Land what is new or changed under ``source`` and record what was seen at every path."""
    create_schema(con)
    workers = workers if workers is not None else _limit("JIXIAO_WORKERS", DEFAULT_WORKERS)
    root = source if source.is_dir() else source.parent
    version = parser_version()
    restore_set_aside(con)  # what a night stopped while it parsed again had set aside
    landed = landed_documents(con, version)
    in_landing = {r[0] for r in con.execute("select document_id from landing.documents").fetchall()}
    previous = current_versions(con)
    result = IngestResult()

    # pass 1: hash every file (cheap) and decide which content needs parsing
    metas: list[tuple[Path, FileMeta]] = []
    unread: dict[str, tuple[dict[str, list[dict]], FileOutcome]] = {}  # document_id → not read, and why
    todo: list[tuple[Path, FileMeta]] = []
    for path in discover(source):
        why = outside_reason(path, root) if source.is_dir() else None
        try:
            data = b"" if why else path.read_bytes()
        except FileNotFoundError:
            result.vanished.append(safe_name(str(path.relative_to(root))))
            continue
        except OSError as exc:
            why = f"cannot read the file: {exc.strerror or type(exc).__name__}"
        if why:
            meta = unread_meta(path, root)
            unread[meta.document_id] = (
                failed_rows(meta, why, dt.datetime.now(), transient=True),
                _failed(meta, why, transient=True),
            )
        else:
            meta = file_meta(path, root, data)
        metas.append((path, meta))
        if meta.document_id not in landed and meta.document_id not in unread:
            todo.append((path, meta))
        elif progress:
            progress(meta.relative_path)
    # a content seen at two paths is parsed once
    seen_ids: set[str] = set()
    todo = [(p, m) for p, m in todo if not (m.document_id in seen_ids or seen_ids.add(m.document_id))]
    # the documents another parser landed leave landing until they land again (landing.set_aside)
    again = [m.document_id for _, m in todo if m.document_id in in_landing]
    set_aside(con, again)
    in_landing.difference_update(again)

    # pass 2: parse in workers, land in input order through this one writer, a batch at a time
    parsed: dict[str, FileOutcome] = {}
    replaced: dict[str, FileMeta | None] = {}  # relative path → the content it held when it was parsed
    batch = Batch()
    # closing(): an exception here (SIGTERM, Ctrl-C) closes the generator at once, which ends the workers
    with contextlib.closing(parse_many(todo, root, workers)) as results:
        for meta, rows, outcome in results:
            if outcome.status == "vanished":
                result.vanished.append(outcome.path)
                replaced[outcome.path] = None
                continue
            replaced[outcome.path] = meta  # the file may have changed since it was hashed: this is its content
            batch.add(meta, rows, outcome)
            if batch.full:
                _land_batch(con, batch, in_landing, parsed, progress)
        _land_batch(con, batch, in_landing, parsed, progress)
    for doc, (rows, outcome) in unread.items():
        write_document(con, rows, in_landing)
        parsed.setdefault(doc, outcome)

    result.parsed = len(parsed)
    result.parsed_ids = sorted(parsed)
    seen: list[FileSeen] = []
    first_path: dict[str, str] = {}
    for _path, meta in metas:
        meta = replaced.get(meta.relative_path, meta)
        if meta is None:  # vanished while the run read it
            continue
        doc, rel = meta.document_id, meta.relative_path
        outcome = _duplicate(first_path, doc, rel)
        if outcome is None and doc in parsed:
            outcome = FileOutcome(rel, doc, parsed[doc].status, parsed[doc].reason, transient=parsed[doc].transient)
        elif outcome is None and doc not in landed:
            # its first copy changed or vanished while the run read it, so this content was not parsed: say
            # so, and read it next run
            reason = "not read this run: another copy of it changed or vanished meanwhile; read again next run"
            write_document(con, failed_rows(meta, reason, dt.datetime.now(), transient=True), in_landing)
            parsed[doc] = _failed(meta, reason, transient=True)
            outcome = FileOutcome(rel, doc, "failed", reason, transient=True)
        elif outcome is None:
            outcome = FileOutcome(rel, doc, *landed[doc])
        before = previous.get(rel)
        if before is None or (before[0] == doc and before[1]):
            outcome.change = "new"  # a path never seen, or seen again after it had disappeared
        elif before[0] == doc:
            outcome.change = "unchanged"
        else:
            outcome.change = "changed"
        result.outcomes.append(outcome)
        seen.append(FileSeen(rel, doc, outcome.status, outcome.reason))
    restore_set_aside(con)  # a document whose file vanished before it was parsed again keeps its old rows
    result.removed = record_versions(con, run_id, dt.datetime.now(), seen)
    return result


# A batch grows from one document to BATCH_MAX: the first document lands at once (a landing problem shows
# before the night has parsed much, and progress starts), later ones share a commit.
BATCH_MAX = 64
BATCH_MAX_ROWS = 200_000  # a few large documents fill a batch too, so the writer's memory stays flat


@dataclass
class Batch:
    """Parsed documents waiting to be landed together."""

    items: list[tuple[FileMeta, DocumentRows, FileOutcome]] = field(default_factory=list)
    rows: int = 0
    size: int = 1  # documents in the next batch; doubles after each landing up to BATCH_MAX
    landings: int = 0

    def add(self, meta: FileMeta, rows: DocumentRows, outcome: FileOutcome) -> None:
        self.items.append((meta, rows, outcome))
        self.rows += row_count(rows)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.size or self.rows >= BATCH_MAX_ROWS

    def landed(self) -> None:
        self.items, self.rows, self.size = [], 0, min(self.size * 2, BATCH_MAX)
        self.landings += 1


def _land_batch(
    con: duckdb.DuckDBPyConnection,
    batch: Batch,
    landed: set[str],
    parsed: dict[str, FileOutcome],
    progress: Callable[[str], None] | None,
) -> None:
    """Land a batch in one transaction; when it cannot be stored, each of its documents on its own, so one
    document's bad rows fail that document only."""
    if not batch.items:
        return
    try:
        write_documents(con, [rows for _, rows, _ in batch.items], landed)
    except STORAGE_ERRORS:
        for meta, rows, outcome in batch.items:
            land(con, meta, rows, outcome, landed)
    for _, _, outcome in batch.items:
        parsed[outcome.document_id] = outcome
        if progress:
            progress(outcome.path)
    first = batch.landings == 0
    batch.landed()
    if first:
        pause_for_tests("ingest", f"(landed {outcome.path})")


def land(
    con: duckdb.DuckDBPyConnection,
    meta: FileMeta,
    rows: DocumentRows,
    outcome: FileOutcome,
    landed: set[str] | None = None,
) -> None:
    """Write a parsed document; when its rows cannot be stored, land it failed with the reason instead.
    ``landed``: the document ids landing holds (``write_document``)."""
    try:
        write_document(con, rows, landed)
    except STORAGE_ERRORS as exc:
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        reason = f"cannot be stored: {type(exc).__name__}: {first}"
        write_document(con, failed_rows(meta, reason, dt.datetime.now()), landed)
        outcome.status, outcome.reason = "failed", reason

"""The whole job: ingest → landing checkpoint → dbt build → publish, with its run record.

The nightly job never writes the published file. It copies it to a working file of its own (the landing
history and the incremental models live in it), lands only new or changed documents, runs the landing
checkpoint and ``dbt build`` on the copy, writes its row in ``ops.ops_runs`` and then moves the copy onto
the published path with one atomic rename. BI readers that hold the old file open keep reading it (the
old inode lives on until they close it); new connections see the new warehouse. A failed or killed run
leaves the published file as it was, and the next run deletes what the failed one left behind. A quiet night
(nothing changed since the last publish) leaves it as it is too, and notes its run in the journal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders import build_batches, ops
from loaders.ingest import IngestResult, ingest, unchanged_result
from loaders.landing import SCHEMAS, create_schema, parser_version, quarantine
from loaders.lifetime import die_with_parent

log = logging.getLogger(__name__)


# DuckDB checkpoints when a commit leaves its write-ahead log past a threshold (16 MB by default), and each
# checkpoint writes the partly filled row groups of every table it touched again: landing commits a batch of
# documents at a time, so a night rewrote the tail of each landing table every hundred documents or so. With a
# larger threshold the night's landing is written about once, when the connection closes.
LANDING_CHECKPOINT_THRESHOLD = "1GB"


def _writer(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection to a working file, its buffer pool held at the build's limit: DuckDB's default
    (80 % of the machine) keeps the pages of a growing file cached, so landing a large corpus would grow with it."""
    return duckdb.connect(str(path), config={**ops.duckdb_config(), "checkpoint_threshold": LANDING_CHECKPOINT_THRESHOLD})


PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DOCUMENTS = PROJECT_DIR / "data" / "samples"
DEFAULT_WAREHOUSE = PROJECT_DIR / "warehouse" / "jixiao.duckdb"
MARTS = [
    "dim_document",
    "dim_region",
    "dim_department",
    "dim_year",
    "dim_spending_direction",
    "dim_project",
    "fct_funding",
    "fct_indicator",
    "fct_indicator_actual",
    "rpt_budget_execution",
    "dq_reconciliation",
]
# what the dbt models are built from: a change here invalidates the incremental models
DBT_INPUTS = ["models", "macros", "seeds", "dbt_project.yml"]
# the shrink guard: a night that lost more than this share of the previously current documents is not
# published without --allow-shrink (an unmounted share or an emptied folder must not empty the warehouse)
MAX_SHRINK = 0.5
# DuckDB 2.0 writes its own storage format by default (header version 69), which no 1.x client opens — the
# 1.5 CLI, the Node and JDBC drivers that Evidence, DBeaver and Metabase bundle: "can only read versions
# between 64 and 68". A file keeps the storage version it was created with, so the working file is created
# with this one (or converted once). v1.2.0 (header 65) is read by every DuckDB from 1.2 on and costs 2 % in
# size on the samples; v1.0.0 (64) would cost 44 % (no newer compression), and nothing newer gains space.
STORAGE_VERSION = "v1.2.0"


class PipelineError(Exception):
    """A step failed; nothing was published."""

    def __init__(self, message: str, out_of_memory: bool = False) -> None:
        super().__init__(message)
        self.out_of_memory = out_of_memory  # a dbt step that ran out of DuckDB's memory limit


@dataclass
class RunSummary:
    ingest: IngestResult
    mart_rows: dict[str, int] = field(default_factory=dict)
    published: Path | None = None
    record: ops.RunRecord | None = None
    notes: list[str] = field(default_factory=list)
    built: bool = True  # False: nothing changed, the models were not rebuilt
    working_copy: str = "new"  # spare (the previous file brought up to date), copy (of the published file),
    # resume (a failed night's landing), new, or none (a quiet night: the published file is left as it is)

    @property
    def exit_code(self) -> int:
        return 3 if self.ingest.problems else 0


# --- files beside the published warehouse --------------------------------------------------------------


def working_path(warehouse: Path, run_id: str) -> Path:
    """A working file per run, so a stray process of a killed run can never touch the next run's file."""
    return warehouse.with_name(f".{warehouse.name}.building-{run_id}")


def remove_leftovers(warehouse: Path) -> list[Path]:
    """Delete the working files (and their WAL) of runs that did not finish; called under the run lock."""
    gone = sorted(warehouse.parent.glob(f".{warehouse.name}.building*"))
    for path in gone:
        path.unlink(missing_ok=True)
    dbt_link = warehouse.with_name(f".{warehouse.name}.dbt")  # stable_dbt_path's folder of a killed build
    if dbt_link.exists():
        shutil.rmtree(dbt_link, ignore_errors=True)
        gone.append(dbt_link)
    return gone


@contextlib.contextmanager
def run_lock(warehouse: Path) -> Iterator[None]:
    """One run per warehouse at a time (cron overlapping a slow night). The kernel drops the lock when
    the process dies, however it dies, so a killed run never blocks the next one."""
    lock_file = warehouse.with_name(f".{warehouse.name}.lock")
    with lock_file.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PipelineError(f"another jixiao run is building {warehouse}") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def spare_path(warehouse: Path) -> Path:
    """The file published the night before the published one: tonight's working file when no reader holds it."""
    return warehouse.with_name(f".{warehouse.name}.spare")


def reuse_spare(work: Path, warehouse: Path) -> bool:
    """Make the spare (the previously published file, kept by ``publish``) tonight's working file and bring
    it up to the published warehouse, so the night writes what changed instead of copying the whole file.

    The spare may still be open in a BI reader that connected before last night's publish: DuckDB holds a
    shared lock on it then, our read-write open is refused, and the night copies the published file as
    before. The published file is only read (attached read-only)."""
    spare = spare_path(warehouse)
    if not spare.exists():
        return False
    if os.path.samefile(spare, warehouse):  # never write the published inode
        spare.unlink()
        return False
    os.replace(spare, work)  # from here a killed run leaves it as a working file, deleted by the next run
    try:
        con = _writer(work)
    except duckdb.Error as exc:
        log.info("the spare is in use (%s); copying the published warehouse", str(exc).splitlines()[0][:120])
        work.unlink(missing_ok=True)
        return False
    try:
        catch_up(con, warehouse)
        return True
    except duckdb.Error as exc:  # an older layout, a damaged spare: the copy is always right
        log.warning("the spare could not be brought up to date (%s); copying the published warehouse", exc)
        return False
    finally:
        con.close()


def resume_path(warehouse: Path) -> Path:
    """The working file of a night that stopped once it had begun landing documents (interrupted while it
    parsed, or failed in the checkpoint's wake: ``dbt build``, the publish): the next night starts from it, so
    a failed build costs a retry the build, and a stopped first night of a province keeps what it parsed. Its
    base, the published file it was copied from, is beside it, and whether its landing was checked."""
    return warehouse.with_name(f".{warehouse.name}.resume")


def _identity(path: Path) -> list[int] | None:
    """What changes when a publish (a rename) or a restore replaces the file: its inode, size and time."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def keep_for_resume(work: Path, warehouse: Path, run_id: str, checked: bool = True) -> bool:
    """Keep a failed night's working file for the next night (``take_resume``); ``checked``: the landing
    checkpoint validated its documents. Not when a write-ahead log is beside it: what it holds is then not all
    in the file."""
    if not work.exists() or work.with_name(work.name + ".wal").exists():
        return False
    resume = resume_path(warehouse)
    base = resume.with_name(resume.name + ".json")
    tmp = base.with_name(base.name + ".tmp")
    tmp.write_text(json.dumps({"run_id": run_id, "published": _identity(warehouse), "checked": checked}))
    os.replace(tmp, base)
    os.replace(work, resume)
    return True


def discard_resume(warehouse: Path) -> None:
    resume = resume_path(warehouse)
    for path in (resume, resume.with_name(resume.name + ".json"), resume.with_name(resume.name + ".wal")):
        path.unlink(missing_ok=True)


def take_resume(work: Path, warehouse: Path) -> dict | None:
    """Make a failed night's kept working file tonight's, when the published file is still the one it was
    copied from (no publish or restore since): what was kept with it (``run_id``, ``checked``), or None (and
    the file is removed). Its documents count as landed; the dbt models it holds catch up like the spare's."""
    resume = resume_path(warehouse)
    base = resume.with_name(resume.name + ".json")
    try:
        kept = json.loads(base.read_text())
        usable = resume.exists() and kept.get("published") == _identity(warehouse)
    except (OSError, ValueError, AttributeError):
        usable = False
    if not usable:
        discard_resume(warehouse)
        return None
    os.replace(resume, work)
    base.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(work))
        try:
            con.execute("select count(*) from landing.documents").fetchone()
        finally:
            con.close()
    except duckdb.Error as exc:
        log.warning("the landing kept by failed run %s cannot be read (%s); not used", kept.get("run_id"), exc)
        for path in (work, work.with_name(work.name + ".wal")):
            path.unlink(missing_ok=True)
        return None
    return {"run_id": str(kept.get("run_id")), "checked": kept.get("checked", True) is not False}


def catch_up(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Copy into the open working file ``con`` what the published warehouse holds and it does not: the
    landing rows of the documents landed or changed since (a document's rows are keyed by its id), the file
    history and the run records (small, so replaced whole). dbt's incremental models then catch up by
    themselves: they add the documents they have not seen and drop the ones no longer current."""
    create_schema(con)  # the columns this code lands, as the published file has them
    ops.create_schema(con)
    con.execute(f"attach {_sql_path(warehouse)} as published (read_only)")
    try:
        con.execute("begin transaction")
        keys = "document_id, status, error_text, parser_version, loaded_at"
        con.execute(
            f"""
            create temp table changed_documents as
            select document_id from (
                (select {keys} from published.landing.documents except select {keys} from landing.documents)
                union all
                (select {keys} from landing.documents except select {keys} from published.landing.documents)
            )
            group by document_id
            """
        )
        for table in SCHEMAS:
            con.execute(f"delete from landing.{table} where document_id in (select document_id from changed_documents)")
            con.execute(
                f"insert into landing.{table} by name select * from published.landing.{table} "
                "where document_id in (select document_id from changed_documents)"
            )
        for table in ("landing.document_versions", "ops.ops_runs"):
            con.execute(f"delete from {table}")
            con.execute(f"insert into {table} by name select * from published.{table}")
        con.execute("drop table changed_documents")
        con.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("rollback")
        raise
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("detach published")


def prepare_working_copy(work: Path, warehouse: Path) -> tuple[bool, str | None, str]:
    """Start the working file from the published warehouse: (True, None, how), or (False, None, "new") when
    there is none, or (False, note, "new") when the published file cannot be read: the history is lost, the
    warehouse is rebuilt from the documents, and the damaged file is kept beside it for whoever wants to look.
    ``how`` is "spare" or "copy".

    The previously published file (the spare) is reused when no reader holds it and it can be brought up to
    date; otherwise the published file is copied whole."""
    if not warehouse.exists():
        return False, None, "new"
    reused = False
    with contextlib.suppress(OSError):
        reused = reuse_spare(work, warehouse)
    if not reused:
        for path in (work, work.with_name(work.name + ".wal")):
            path.unlink(missing_ok=True)
        shutil.copyfile(warehouse, work)  # a plain read: readers holding the published file do not matter
    try:
        con = duckdb.connect(str(work))
        try:
            con.execute("select count(*) from landing.documents").fetchone()
        finally:
            con.close()
        return True, None, "spare" if reused else "copy"
    except duckdb.Error as exc:
        for path in (work, work.with_name(work.name + ".wal")):
            path.unlink(missing_ok=True)
        kept = warehouse.with_name(f"{warehouse.name}.damaged-{work.name.rsplit('-', 2)[-2]}")
        with contextlib.suppress(OSError):
            shutil.copyfile(warehouse, kept)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        note = (
            f"the published warehouse could not be read ({first[:160]}): its landing history is lost; "
            f"rebuilt from the documents (the damaged file is kept as {kept.name})"
        )
        log.warning("%s", note)
        return False, note, "new"


def _fsync_dir(folder: Path) -> None:
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def verify_readable(path: Path) -> None:
    """Open ``path`` read-only as a BI tool would and read from it; raise duckdb.Error when it cannot, or
    when it is not written in the storage version DuckDB 1.x clients read."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("select count(*) from landing.documents").fetchone()
        found = _storage_version(con)
    finally:
        con.close()
    if found != STORAGE_VERSION:
        raise duckdb.IOException(f"{path.name} is in storage version {found}, not {STORAGE_VERSION}: DuckDB 1.x cannot read it")


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _storage_version(con: duckdb.DuckDBPyConnection, name: str | None = None) -> str | None:
    """The storage version a database file is written in (``v1.2.0``; DuckDB tags it ``v1.2.0+``)."""
    row = con.execute(
        "select tags['storage_version'] from duckdb_databases() where database_name = coalesce(?, current_database())",
        [name],
    ).fetchone()
    return row[0].removesuffix("+") if row and row[0] else None


def ensure_storage_version(path: Path) -> str | None:
    """Create ``path`` in STORAGE_VERSION, or convert a file written in another one (a warehouse published
    before the version was set); the converted file replaces it. Returns a note when it converted."""
    con = duckdb.connect()
    try:
        if not path.exists():
            con.execute(f"attach {_sql_path(path)} as created (storage_version '{STORAGE_VERSION}')")
            return None
        con.execute(f"attach {_sql_path(path)} as old (read_only)")
        found = _storage_version(con, "old")
        if found == STORAGE_VERSION:
            return None
        converted = path.with_name(path.name + ".storage")
        converted.unlink(missing_ok=True)
        con.execute(f"attach {_sql_path(converted)} as converted (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database old to converted")  # tables, views, comments, macros, sequences
    finally:
        con.close()
    os.replace(converted, path)
    note = f"the warehouse was converted from storage version {found} to {STORAGE_VERSION}, which DuckDB 1.x clients read"
    log.warning("%s", note)
    return note


def foreign_wal(warehouse: Path) -> Path:
    """Where a client that opened the published file read-write leaves its write-ahead log."""
    return warehouse.with_name(warehouse.name + ".wal")


def move_foreign_wal(warehouse: Path) -> str | None:
    """A write-ahead log beside the published file belongs to a client that opened yesterday's warehouse
    read-write; DuckDB would replay it onto the new file and fail to open it. Move it aside; say where."""
    foreign = foreign_wal(warehouse)
    if not foreign.exists():
        return None
    aside = warehouse.with_name(f"{warehouse.name}.wal.moved-{dt.datetime.now():%Y%m%dT%H%M%S}")
    os.replace(foreign, aside)
    note = f"a write-ahead log left beside the warehouse by a read-write client was moved aside to {aside.name}"
    log.warning("%s", note)
    return note


def publish(work: Path, warehouse: Path) -> None:
    """fsync the finished file, rename it onto the published path, fsync the folder: atomic and durable.
    The file it replaces stays as the spare (``reuse_spare``).

    A foreign write-ahead log beside the published path refuses the publish (``move_foreign_wal`` moves
    it first). The published file is opened read-only once; when that fails the previous file is put back
    and nothing is published."""
    wal = work.with_name(work.name + ".wal")
    if wal.exists():  # every writer has closed, so DuckDB has checkpointed; a WAL left means it has not
        raise PipelineError(f"working file {work.name} still has a write-ahead log; not publishing")
    if warehouse.with_name(warehouse.name + ".wal").exists():
        raise PipelineError(f"{warehouse.name}.wal appeared beside the warehouse (a read-write client?); not publishing")
    verify_readable(work)
    with work.open("rb+") as fh:
        os.fsync(fh.fileno())
    previous = work.with_name(work.name + ".previous")  # a hard link: yesterday's file, if the check fails
    if warehouse.exists():
        previous.unlink(missing_ok=True)
        os.link(warehouse, previous)
    os.replace(work, warehouse)
    _fsync_dir(warehouse.parent)
    try:
        verify_readable(warehouse)
    except duckdb.Error as exc:
        if previous.exists():
            os.replace(previous, warehouse)
            _fsync_dir(warehouse.parent)
        raise PipelineError(f"the published file could not be opened read-only, previous file restored: {exc}") from exc
    finally:
        if previous.exists():
            # yesterday's file is kept as the spare: tomorrow's working file when no reader holds it then
            with contextlib.suppress(OSError):
                os.replace(previous, spare_path(warehouse))
        previous.unlink(missing_ok=True)


def current_document_count(db_path: Path) -> int:
    """Paths whose content was current (present, not a duplicate) in the warehouse before this night."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "select count(*) from landing.document_versions where superseded_by is null and removed_at is null"
        ).fetchone()[0]
    except duckdb.CatalogException:
        return 0
    finally:
        con.close()


def check_shrink(result: IngestResult, before: int, allow_shrink: bool) -> None:
    """Refuse a night that lost more than MAX_SHRINK of the documents current before it (unless allowed)."""
    lost = len(result.removed)
    if allow_shrink or before == 0 or lost <= MAX_SHRINK * before:
        return
    raise PipelineError(
        f"the documents folder lost {lost} of its {before} documents (over {MAX_SHRINK:.0%}); not publishing — "
        "is the folder mounted? Run with --allow-shrink if the documents were really removed"
    )


# --- steps ---------------------------------------------------------------------------------------------


def dbt_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in DBT_INPUTS:
        root = PROJECT_DIR / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


# "12 of 130 OK created sql table model main.dim_year ....... [OK in 0.05s]": one node of the build finished
_DBT_DONE = re.compile(r"\b(\d+) of (\d+) (?:OK|PASS|WARN|ERROR|FAIL|SKIP)\S*\s+(.*?)\s*\.{2,}")


def run_dbt(
    db_path: Path,
    args: list[str],
    target: str = "prod",
    progress: Callable[[int, int, str], None] | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """Run a dbt command against ``db_path`` in a child process; raise PipelineError when it fails.
    ``progress(done, total, node)`` is called as each model, seed or test finishes; ``env`` adds to its environment.

    A child process, not dbt's in-process runner: dbt-duckdb keeps its connection open for the life of
    the process, and a crash of the build must not take the caller's state with it.
    """
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [
        str(dbt),
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR / "profiles"),
        # dbt retry takes its target, like every other argument, from the run it retries
        *([] if args[0] == "retry" else ["--target", target]),
    ]
    # dbt runs two folders up from the file and opens it by its last two names (.jixiao.duckdb.dbt/jixiao.duckdb
    # for a night's build, stable_dbt_path): its profile then renders the same for every warehouse of one name,
    # and dbt keeps its parse of the project, which a changed profile makes it do again whole
    folder = db_path.absolute().parent.parent
    relative = str(db_path.absolute().relative_to(folder))
    env = {**os.environ, **(env or {}), "JIXIAO_DBT_PATH": relative, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    preexec = functools.partial(die_with_parent, os.getpid())  # the dbt child never writes on after the run
    # stderr into stdout: the output is read line by line as it comes (progress), and one pipe cannot fill
    # up unread while the other is being read
    proc = subprocess.Popen(
        cmd, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=preexec
    )
    ops.pause_for_tests("build", f"(dbt pid {proc.pid})")
    lines = []
    for raw in proc.stdout:
        line = re.sub(r"\x1b\[[0-9;]*m", "", raw)  # colour codes do not belong in a one-line reason
        lines.append(line)
        done = _DBT_DONE.search(line)
        if progress and done:
            progress(int(done[1]), int(done[2]), done[3].rsplit(" ", 1)[-1])
    proc.wait()
    stdout = "".join(lines)
    if proc.returncode != 0:
        failures = [ln.strip() for ln in stdout.splitlines() if re.search(r"\b(ERROR|FAIL)\b", ln)]
        detail = failures[0] if failures else (stdout.strip().splitlines() or ["no output"])[-1]
        log.error("dbt output:\n%s", stdout[-7000:])
        raise PipelineError(f"dbt {args[0]} failed: {detail}", out_of_memory="Out of Memory Error" in stdout)


def build_pass(at: Path, args: list[str], target: str, progress: Callable[[int, int, str], None] | None) -> None:
    """One ``dbt build`` pass. A pass that ran out of DuckDB's memory is retried once from the failed model in a
    new dbt process (``dbt retry``), with more memory (``ops.retry_memory``): at a fixed limit, whether a model
    that joins across documents fits differs from run to run and with what the process built before it (at
    20,000 documents such a model built alone at 1.5 GB failed at 2 GB inside the build). The limit stays as set
    for every night that fits in it; what does not fit even the retry's fails the night."""
    try:
        run_dbt(at, args, target=target, progress=progress)
    except PipelineError as exc:
        if not exc.out_of_memory:
            raise
        limit = ops.duckdb_config()["memory_limit"]
        more = ops.retry_memory(build_batches.memory_bytes(limit))
        log.warning("%s: out of memory at %s; its failed models again, in a new dbt process at %s", exc, limit, more or limit)
        results = dbt_target_dir() / "run_results.json"
        with contextlib.suppress(OSError):  # the failed pass's record, beside the retry's
            shutil.copyfile(results, results.with_name(RETRY_RESULTS))
        run_dbt(at, ["retry"], target=target, progress=progress, env={"JIXIAO_DUCKDB_MEMORY": more} if more else None)


def dbt_target_dir() -> Path:
    """dbt's target folder: DBT_TARGET_PATH (relative to the project) or the project's target/."""
    return PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


# dbt's records of a night's passes kept beside the last one's (run_results.json): a pass retried after it ran out of
# memory, and the build of a full refresh in batches, whose tests run in a pass after it
RETRY_RESULTS, BUILD_RESULTS = "run_results_before_retry.json", "run_results_build.json"
KEPT_RESULTS = (RETRY_RESULTS, BUILD_RESULTS)


# the tests of the seeds alone (the mapping and rule tables shipped in seeds/): with cautious indirect selection, a
# test that also reads a model (a fact's rule id in the rules seed) is not one of them
SEED_TESTS = ["--exclude", "resource_type:test,path:seeds", "--indirect-selection", "cautious"]


def build_models(
    work: Path,
    at: Path,
    full_refresh: bool,
    target: str = "prod",
    progress: Callable[[int, int, str], None] | None = None,
    seed_tests: bool = True,
) -> int:
    """``dbt build`` of the file ``work`` (dbt opens it at ``at``): first, when the night brings more new
    documents than a batch, the incremental models once per batch of documents (``build_batches``), then
    the whole build. The number of batches (0: the models took every document at once). Without
    ``seed_tests`` the tests of the seeds alone are left out: a night whose dbt project is the one the last
    published night was built with has the seeds that night's build, or an earlier one's, tested."""
    con = _writer(work)
    try:
        batches = build_batches.plan(con, full_refresh)
        alone = build_batches.one_model_at_a_time(con)
    finally:
        con.close()
    # the models incremental by document (dbt_project.yml); the facts, incremental by changed keys, read whole tables
    incremental = "tag:by_document"
    results = dbt_target_dir() / "run_results.json"
    for kept in [*results.parent.glob("run_results_batch_*.json"), *(results.with_name(n) for n in KEPT_RESULTS)]:
        kept.unlink(missing_ok=True)
    for number, batch in enumerate(batches):
        con = _writer(work)
        try:
            build_batches.write(con, batch)
        finally:
            con.close()
        log.info("incremental models, batch %d of %d: %d documents", number + 1, len(batches), len(batch))
        first = number == 0  # the seeds and views they read are made once, a full refresh starts once
        args = ["build", "--select", f"+{incremental}" if first else incremental]
        args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
        build_pass(at, [*args, "--full-refresh"] if first and full_refresh else args, target, progress)
        with contextlib.suppress(OSError):  # dbt's record of each pass, beside the last one's, for a closer look
            shutil.copyfile(results, results.with_name(f"run_results_batch_{number + 1}.json"))
    if batches:
        con = _writer(work)
        try:
            build_batches.clear(con)
        finally:
            con.close()
    # after batches the incremental models hold every document: the rest is built over them, not again; on a full
    # refresh the rest is still refreshed (the models incremental by group, the facts), and the tests of the models
    # the batches built run after it
    refreshed_in_batches = full_refresh and bool(batches)
    args = ["build", "--full-refresh"] if full_refresh else ["build"]
    if refreshed_in_batches:
        args += ["--exclude", incremental]
    # dbt's unit tests check the models' SQL on fixed inputs: their outcome changes with the code only, which the
    # test suite checks (tests/pipeline/test_dbt_unit_tests.py), not with the night's documents
    args += ["--exclude-resource-type", "unit_test"]
    if not seed_tests:
        args += SEED_TESTS
    build_pass(at, [*args, "--threads", "1"] if alone else args, target, progress)
    if refreshed_in_batches:
        with contextlib.suppress(OSError):  # the test pass's record replaces the build's
            shutil.copyfile(results, results.with_name(BUILD_RESULTS))
        build_pass(at, ["test", "--select", incremental, "--exclude-resource-type", "unit_test"], target, progress)
    return len(batches)


def build_docs(warehouse: Path) -> Path:
    """dbt's documentation site for the warehouse, as one self-contained page (``dbt docs generate --static``:
    the manifest and catalog inlined, so it opens offline from disk), in ``dbt_docs/`` beside the warehouse.

    dbt reads the catalog from a copy: dbt-duckdb opens its database read-write, and the published file is
    only ever replaced by rename."""
    site = warehouse.parent / "dbt_docs"
    with tempfile_dir(warehouse.parent) as tmp:
        copy = tmp / warehouse.name  # the catalog name dbt shows (jixiao.main.fct_funding)
        shutil.copyfile(warehouse, copy)
        run_dbt(copy, ["docs", "generate", "--static", "--target-path", str(tmp / "target")])
        built = tmp / "target"
        if not (built / "static_index.html").exists():
            raise PipelineError("dbt docs generate wrote no static_index.html")
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir(parents=True)
        shutil.copyfile(built / "static_index.html", site / "index.html")
        for name in ("manifest.json", "catalog.json"):
            shutil.copyfile(built / name, site / name)
    return site


@contextlib.contextmanager
def tempfile_dir(parent: Path) -> Iterator[Path]:
    """A temporary folder beside the warehouse (same file system: no copy across disks), always removed."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=".jixiao-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _relations(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """table name → its schema, for the marts (in main, or their folder's schema)."""
    rows = con.execute(
        "select table_name, table_schema from information_schema.tables "
        "where table_schema not in ('landing', 'ops', 'test_failures') order by table_schema = 'main' desc"
    ).fetchall()
    out: dict[str, str] = {}
    for name, schema in rows:
        out.setdefault(name, schema)
    return out


def count_marts(db_path: Path) -> dict[str, int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        where = _relations(con)
        return {m: con.execute(f'select count(*) from "{where[m]}"."{m}"').fetchone()[0] for m in MARTS if m in where}
    finally:
        con.close()


def count_checks(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Reconciliation checks by status (ok / rounding / mismatch), when dq_reconciliation exists."""
    schema = _relations(con).get("dq_reconciliation")
    if schema is None:
        return {}
    cols = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = 'dq_reconciliation'",
            [schema],
        ).fetchall()
    }
    col = next((c for c in ("status", "check_status", "result") if c in cols), None)
    if col is None:
        return {}
    rows = con.execute(f'select "{col}", count(*) from "{schema}".dq_reconciliation group by 1').fetchall()
    return {str(k): n for k, n in rows}


def do_ingest(
    db_path: Path,
    documents: Path,
    progress: Callable[[str], None] | None = None,
    run_id: str = "manual",
    workers: int | None = None,
) -> IngestResult:
    if not db_path.exists():
        ensure_storage_version(db_path)  # a new file starts in the version 1.x clients read
    con = _writer(db_path)
    try:
        return ingest(con, documents, progress, run_id=run_id, workers=workers)
    finally:
        con.close()


def checkpoint(db_path: Path, documents: list[str] | None = None) -> dict[str, str]:
    """The landing checkpoint between ingest and ``dbt build``: the documents to quarantine (document_id →
    the failed expectation), or PipelineError when a failure names no document.

    Great Expectations on the landing tables of the working file (the rows of ``documents`` when given);
    Data Docs only to JIXIAO_DATA_DOCS."""
    from loaders.checkpoint import data_docs_dir  # pandas and GX load only on a night that lands documents

    return check_landing(db_path, data_docs_dir(db_path), documents)


def check_landing(db_path: Path, docs_dir: Path | None, documents: list[str] | None = None) -> dict[str, str]:
    """Validate the landing tables of ``db_path``; return the documents that failed an expectation (with
    the expectation as their reason). A failed expectation that names no document raises PipelineError."""
    from loaders.checkpoint import validate_landing

    try:
        checked = validate_landing(db_path, docs_dir, documents=documents)
    except Exception as exc:  # GX itself failing must stop the run as clearly as a failed expectation
        raise PipelineError(f"landing checkpoint could not run: {type(exc).__name__}: {exc}") from exc
    if checked.unattributed:
        message = "; ".join(f.line() for f in checked.unattributed)
        where = f" (Data Docs: {checked.data_docs})" if checked.data_docs else ""
        raise PipelineError(f"landing checkpoint failed{where}: {message}")
    return checked.quarantine()


def apply_quarantine(db_path: Path, result: IngestResult, reasons: dict[str, str]) -> None:
    """Set the documents the checkpoint named failed, in landing and in this run's outcomes."""
    if not reasons:
        return
    con = duckdb.connect(str(db_path))
    try:
        quarantine(con, reasons)
    finally:
        con.close()
    for outcome in result.outcomes:
        if outcome.document_id in reasons and outcome.status != "duplicate":
            outcome.status, outcome.reason = "failed", reasons[outcome.document_id]


def needs_full_refresh(db_path: Path) -> bool:
    """Incremental models are rebuilt whole when the dbt project or the parser changed since the last
    published run (their old rows were built by other code), or when there is no such run."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        last = ops.last_published(con)
    finally:
        con.close()
    if last is None:
        return True
    return last.get("dbt_fingerprint") != dbt_fingerprint() or last.get("parser_version") != parser_version()


def quiet_night(warehouse: Path, documents: Path) -> IngestResult | None:
    """Nothing to build tonight: the published warehouse was built by this code from exactly these
    documents (``ingest.unchanged_result``, which this returns). Read-only on the published file; a file that
    cannot be read is no quiet night (the run then says why), nor is one with a write-ahead log a read-write
    client left beside it: that night publishes, and moves the log aside (``move_foreign_wal``)."""
    if not warehouse.exists() or foreign_wal(warehouse).exists():
        return None
    try:
        if needs_full_refresh(warehouse):
            return None
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return unchanged_result(con, documents)
        finally:
            con.close()
    except (duckdb.Error, OSError):
        return None


@contextlib.contextmanager
def stable_dbt_path(work: Path, warehouse: Path) -> Iterator[Path]:
    """The path dbt builds at: a link to tonight's working file named like the warehouse, so the database
    dbt names in its views is the published file's, and its profile (the name, ``run_dbt``) is the same every
    night, which keeps dbt's partial parsing. A write-ahead log dbt left beside the link (a killed build)
    belongs to no file any more and is removed first."""
    folder = warehouse.with_name(f".{warehouse.name}.dbt")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    link = folder / warehouse.name
    link.symlink_to(work)
    try:
        yield link
        if link.with_name(link.name + ".wal").exists():
            raise PipelineError("dbt left a write-ahead log behind; not publishing")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fill_record(
    record: ops.RunRecord, result: IngestResult, mart_rows: dict[str, int], checks: dict[str, int], notes: list[str] | None
) -> None:
    """The run's row from what it ingested, the marts it leaves and their reconciliation checks."""
    record.files_seen = len(result.outcomes)
    record.files_new = result.changes("new")
    record.files_changed = result.changes("changed")
    record.files_unchanged = result.changes("unchanged")
    record.files_removed = len(result.removed)
    record.files_duplicate = result.count("duplicate")
    record.files_failed = result.count("failed")
    record.files_partial = result.count("partial")
    record.files_parsed = result.parsed
    record.mart_rows = mart_rows
    record.exit_code = 3 if result.problems else 0
    record.outcome = ops.PUBLISHED_OUTCOMES[1] if result.problems else ops.PUBLISHED_OUTCOMES[0]
    record.message = f"{len(result.problems)} document(s) partial or failed" if result.problems else None
    if notes:
        record.message = "; ".join([*([record.message] if record.message else []), *notes])
    record.checks_ok, record.checks_rounding, record.checks_mismatch = (
        checks.get(k, 0) if checks else None for k in ("ok", "rounding", "mismatch")
    )
    record.ended_at = dt.datetime.now()


class StepClock:
    """The run's steps as they begin (``enter``, which also tells ``step``), each one's seconds noted in the run's
    row (``step_seconds``): a step ends where the next begins, the last one at ``stop``."""

    def __init__(self, record: ops.RunRecord, step: Callable[[str], None]) -> None:
        self.record, self.step = record, step
        self.current: str | None = None
        self.since = time.monotonic()

    def enter(self, name: str) -> None:
        self.stop()
        self.current, self.since = name, time.monotonic()
        self.step(name)

    def stop(self) -> None:
        if self.current is not None:
            self.record.step_seconds[self.current] = round(time.monotonic() - self.since, 1)
            self.current = None


def finish_record(
    record: ops.RunRecord, result: IngestResult, work: Path, warehouse: Path, notes: list[str] | None = None
) -> dict[str, int]:
    """Fill the run's row, write it (and the runs waiting in the journal) into the working file."""
    mart_rows = count_marts(work)
    con = duckdb.connect(str(work))
    try:
        fill_record(record, result, mart_rows, count_checks(con), notes)
        ops.write_runs(con, [*ops.journal_pending(warehouse, record.run_id), record])
        con.execute("checkpoint")
    finally:
        con.close()
    return mart_rows


def record_quiet_night(record: ops.RunRecord, result: IngestResult, warehouse: Path) -> RunSummary:
    """A quiet night leaves the published file as it is, byte for byte: not even copied (at a province's size a
    copy of the warehouse costs more than the rest of the night). Its row, with the marts and checks the file
    holds, waits in the journal beside the warehouse and enters ``ops.ops_runs`` with the next night that
    publishes."""
    mart_rows = count_marts(warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        checks = count_checks(con)
    finally:
        con.close()
    record.is_full_refresh = False
    record.dbt_fingerprint, record.parser_version = dbt_fingerprint(), parser_version()
    fill_record(record, result, mart_rows, checks, None)
    ops.journal_append(warehouse, record)
    return RunSummary(result, mart_rows, warehouse, record, [], built=False, working_copy="none")


def run(
    documents: Path,
    warehouse: Path,
    progress: Callable[[str], None] | None = None,
    step: Callable[[str], None] | None = None,
    target: str = "prod",
    full_refresh: bool = False,
    workers: int | None = None,
    allow_shrink: bool = False,
    dbt_progress: Callable[[int, int, str], None] | None = None,
) -> RunSummary:
    """Bring the warehouse up to date with ``documents`` in a working copy and publish it at ``warehouse``."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    record = ops.RunRecord(run_id=ops.new_run_id(), started_at=dt.datetime.now(), documents_path=str(documents))
    clock = StepClock(record, step or (lambda _: None))
    step = clock.enter
    with run_lock(warehouse):
        for leftover in remove_leftovers(warehouse):
            log.warning("removed %s left by a run that did not finish", leftover.name)
        ops.journal_append(warehouse, record)  # "running": if this process is killed, the next run says so
        work = working_path(warehouse, record.run_id)
        landed = ingesting = False
        try:
            step("ingest")
            notes: list[str] = []  # what the operator must know although the night published
            # nothing new, changed or gone: the published file stays as it is, only this run is recorded
            unchanged = None if full_refresh else quiet_night(warehouse, documents)
            if unchanged is not None:
                clock.stop()
                discard_resume(warehouse)  # the published file is current: a failed night's landing is of no use
                return record_quiet_night(record, unchanged, warehouse)
            resumed = take_resume(work, warehouse)
            if resumed:
                carried, working_copy = warehouse.exists(), "resume"
                notes.append(f"started from the documents landed by failed run {resumed['run_id']}: not parsed again")
            else:
                carried, note, working_copy = prepare_working_copy(work, warehouse)
                if note:
                    notes.append(note)
            note = ensure_storage_version(work)
            if note:
                notes.append(note)
            before = current_document_count(work) if carried else 0
            # from here the working file holds whole documents: a night stopped while it parses keeps them
            ingesting = True
            result = do_ingest(work, documents, progress, run_id=record.run_id, workers=workers)
            ingesting = False
            check_shrink(result, before, allow_shrink)
            step("checkpoint")
            # what was landed before was validated the night it came; what a stopped night landed, now
            unchecked = ops.landed_since_publish(work) if resumed and not resumed["checked"] else []
            checked = sorted({*result.parsed_ids, *unchecked})
            if checked:
                apply_quarantine(work, result, checkpoint(work, checked) or {})
            landed = True  # from here the working file's landing is whole and checked: worth keeping on failure
            step("dbt build")
            record.is_full_refresh = full_refresh or not carried or needs_full_refresh(work)
            record.dbt_fingerprint, record.parser_version = dbt_fingerprint(), parser_version()
            with stable_dbt_path(work, warehouse) as at:
                # a project unchanged since the last publish (no full refresh) has its seeds tested already
                batches = build_models(
                    work, at, record.is_full_refresh, target=target, progress=dbt_progress, seed_tests=record.is_full_refresh
                )
            if batches:
                notes.append(f"new documents built in {batches} batches (more than DuckDB's memory holds at once)")
            moved = move_foreign_wal(warehouse)
            if moved:
                notes.append(moved)
            clock.stop()
            mart_rows = finish_record(record, result, work, warehouse, notes)
            publish(work, warehouse)
            ops.journal_clear(warehouse)  # its runs are in ops.ops_runs of the published file now
            return RunSummary(result, mart_rows, warehouse, record, notes, built=True, working_copy=working_copy)
        except BaseException as exc:
            clock.stop()
            record.ended_at = dt.datetime.now()
            record.outcome = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
            record.message = str(exc) or type(exc).__name__
            kept = False
            if landed or ingesting:
                with contextlib.suppress(OSError):
                    kept = keep_for_resume(work, warehouse, record.run_id, checked=landed)
            if kept:
                record.message += " (its landed documents are kept for the next run)"
            with contextlib.suppress(OSError):
                ops.journal_append(warehouse, record)
            for path in (work, work.with_name(work.name + ".wal")):
                path.unlink(missing_ok=True)
            raise

"""The run record: one row per nightly run in ``ops.ops_runs``, carried from warehouse to warehouse.

A successful run writes its row into the working file just before it is published. A run that fails
cannot write into the published file (BI readers may hold it, and it must stay untouched), so every
run also appends its start and its end to a small journal beside the warehouse
(``.<warehouse name>.runs.jsonl``); the next successful run moves the failed and interrupted runs found
there into ``ops.ops_runs``. A run killed outright leaves only its "running" line: the next run
records it as ``interrupted``. A quiet night (nothing changed) writes nothing into the warehouse either: its
row waits in the journal too, and enters ``ops.ops_runs`` with the next night that publishes.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

# outcomes: published (exit 0), published_with_problems (exit 3), failed, interrupted (nothing published)
PUBLISHED_OUTCOMES = ("published", "published_with_problems")

OPS_RUNS_DDL = """
create table if not exists ops.ops_runs (
    run_id varchar,
    started_at timestamp,
    ended_at timestamp,
    outcome varchar,
    exit_code integer,
    message varchar,
    documents_path varchar,
    files_seen integer,
    files_new integer,
    files_changed integer,
    files_unchanged integer,
    files_removed integer,
    files_duplicate integer,
    files_failed integer,
    files_partial integer,
    files_parsed integer,
    mart_rows json,
    checks_ok integer,
    checks_rounding integer,
    checks_mismatch integer,
    is_full_refresh boolean,
    dbt_fingerprint varchar,
    parser_version varchar,
    step_seconds json
)
"""


# DuckDB's memory for the night's own connections, the same variable and default as the dbt build's
# (profiles/profiles.yml). The steps that cannot spill (sorted aggregates, window partitions, CTEs read twice)
# need memory in proportion to the documents a model takes at once, so a night with many new documents builds
# its incremental models in batches sized from this limit (loaders/build_batches.py).
DUCKDB_MEMORY = "2GB"


def duckdb_config() -> dict[str, str]:
    return {"memory_limit": os.environ.get("JIXIAO_DUCKDB_MEMORY", DUCKDB_MEMORY)}


def retry_memory(limit: float | None) -> str | None:
    """DuckDB's memory_limit for a dbt pass retried after it ran out of memory: JIXIAO_DUCKDB_RETRY_MEMORY, else
    twice the build's limit (``limit``, in bytes), but no more than half the machine's memory. None: retry at
    the same limit (the limit is not a size this can double, or the machine has no room above it)."""
    chosen = os.environ.get("JIXIAO_DUCKDB_RETRY_MEMORY", "").strip()
    if chosen:
        return chosen
    if not limit:
        return None
    try:
        machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
    retry = min(2 * limit, machine / 2)
    return f"{int(retry // 1_000_000)}MB" if retry > limit else None


def new_run_id() -> str:
    """Sortable by start time, unique across hosts: 20250101T020000-1a2b3c."""
    return dt.datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@dataclass
class RunRecord:
    run_id: str
    started_at: dt.datetime
    documents_path: str
    ended_at: dt.datetime | None = None
    outcome: str = "running"
    exit_code: int | None = None
    message: str | None = None
    files_seen: int = 0
    files_new: int = 0
    files_changed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    files_duplicate: int = 0
    files_failed: int = 0
    files_partial: int = 0
    files_parsed: int = 0
    mart_rows: dict[str, int] = field(default_factory=dict)
    checks_ok: int | None = None
    checks_rounding: int | None = None
    checks_mismatch: int | None = None
    is_full_refresh: bool | None = None
    dbt_fingerprint: str | None = None
    parser_version: str | None = None
    # where the night's time went: seconds per step (ingest, checkpoint, dbt build) up to the publish
    step_seconds: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> RunRecord:
        raw = json.loads(text)
        known = {f.name for f in fields(cls)}
        rec = cls(**{k: v for k, v in raw.items() if k in known})
        for name in ("started_at", "ended_at"):
            value = getattr(rec, name)
            if isinstance(value, str):
                setattr(rec, name, dt.datetime.fromisoformat(value))
        return rec


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ops")
    con.execute(OPS_RUNS_DDL)
    # a warehouse published before the table had this column
    con.execute("alter table ops.ops_runs add column if not exists step_seconds json")


def write_runs(con: duckdb.DuckDBPyConnection, records: list[RunRecord]) -> None:
    """Insert run rows (a run already recorded keeps its first row: the journal may repeat one)."""
    create_schema(con)
    cols = [f.name for f in fields(RunRecord)]
    for rec in records:
        if con.execute("select 1 from ops.ops_runs where run_id = ?", [rec.run_id]).fetchone():
            continue
        values = [json.dumps(v, ensure_ascii=False) if k == "mart_rows" else v for k, v in asdict(rec).items()]
        con.execute(f"insert into ops.ops_runs ({', '.join(cols)}) values ({', '.join('?' * len(cols))})", values)


def last_published(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The newest published run recorded in a warehouse, as a dict, or None."""
    try:
        row = con.execute(
            "select * from ops.ops_runs where outcome in ? order by started_at desc limit 1", [list(PUBLISHED_OUTCOMES)]
        ).fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    return dict(zip([d[0] for d in con.description], row, strict=True))


def landed_since_publish(path: Path | str) -> list[str]:
    """The documents of a warehouse file landed after its newest published run ended (tonight's, and a stopped
    night's it resumed from); every document when it records no published run."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return documents_landed_since_publish(con)
    finally:
        con.close()


def documents_landed_since_publish(con: duckdb.DuckDBPyConnection) -> list[str]:
    """``landed_since_publish`` on an open connection. After the run's end, not its start: a night that parsed
    the whole corpus again (a new parser) landed it during the published run, and it is not new tonight."""
    last = last_published(con)
    return documents_in_landing_order(con, None if last is None else last.get("ended_at"))


def documents_in_landing_order(con: duckdb.DuckDBPyConnection, landed_after: dt.datetime | None = None) -> list[str]:
    """The documents landed (after ``landed_after``, when given) in the order they landed (``landing_seq``, which
    the writer numbers), so that a batch of them is a stretch of the landing tables (build_batches); documents
    landed before the numbering first."""
    where, params = ("where loaded_at > ?", [landed_after]) if landed_after is not None else ("", [])
    query = f"select document_id from landing.documents {where} order by landing_seq nulls first, document_id"
    return [r[0] for r in con.execute(query, params).fetchall()]


# --- the journal beside the warehouse ---------------------------------------------------------------


def journal_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.runs.jsonl")


def journal_append(warehouse: Path, record: RunRecord) -> None:
    with journal_path(warehouse).open("a", encoding="utf-8") as fh:
        fh.write(record.to_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def journal_pending(warehouse: Path, current_run: str | None = None) -> list[RunRecord]:
    """Runs in the journal that ``ops.ops_runs`` may not hold yet: failed and killed nights, and quiet nights,
    which publish nothing. The last line per run wins; "running" means killed. A run the table holds already (a
    night killed after its publish) keeps its row there (``write_runs``)."""
    path = journal_path(warehouse)
    if not path.exists():
        return []
    latest: dict[str, RunRecord] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = RunRecord.from_json(line)
        except (ValueError, TypeError):
            continue  # a line cut short by a crash mid-write
        latest[rec.run_id] = rec
    pending = []
    for rec in latest.values():
        if rec.run_id == current_run:
            continue
        if rec.outcome == "running":
            rec.outcome = "interrupted"
            rec.message = "the run stopped without finishing (killed or crashed); nothing was published"
        pending.append(rec)
    return sorted(pending, key=lambda r: r.started_at)


def journal_clear(warehouse: Path) -> None:
    journal_path(warehouse).unlink(missing_ok=True)


# --- test hook ---------------------------------------------------------------------------------------


def pause_for_tests(step: str, detail: str = "") -> None:
    """Test hook: with ``JIXIAO_TEST_PAUSE_AT=<step>`` (ingest | build) sleep there, so a test can kill the
    run at a known point. ``JIXIAO_TEST_PAUSE_SECONDS`` sets the pause (default 60). Not for production."""
    if os.environ.get("JIXIAO_TEST_PAUSE_AT") != step:
        return
    print(f"test hook: paused at {step} {detail}".rstrip(), file=sys.stderr, flush=True)
    time.sleep(float(os.environ.get("JIXIAO_TEST_PAUSE_SECONDS", "60")))

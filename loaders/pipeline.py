"""The whole job: ingest → landing checkpoint → dbt build → publish, with its summary.

The warehouse is built in a working file beside the published one and moved onto it by an atomic
rename only when every step succeeded, so a failed night leaves yesterday's warehouse in place.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders.checkpoint import data_docs_dir, validate_landing
from loaders.ingest import IngestResult, ingest

log = logging.getLogger(__name__)

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
    "dq_reconciliation",
]


class PipelineError(Exception):
    """A step failed; nothing was published."""


@dataclass
class RunSummary:
    ingest: IngestResult
    mart_rows: dict[str, int] = field(default_factory=dict)
    published: Path | None = None

    @property
    def exit_code(self) -> int:
        return 3 if self.ingest.problems else 0


def working_path(warehouse: Path) -> Path:
    return warehouse.with_name(f".{warehouse.name}.building")


def run_dbt(db_path: Path, args: list[str], target: str = "prod") -> None:
    """Run a dbt command against ``db_path`` in a child process; raise PipelineError when it fails.

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
        "--target",
        target,
    ]
    env = {**os.environ, "JIXIAO_DBT_PATH": str(db_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        failures = [ln.strip() for ln in proc.stdout.splitlines() if re.search(r"\b(ERROR|FAIL)\b", ln)]
        detail = failures[0] if failures else (proc.stdout.strip().splitlines() or ["no output"])[-1]
        log.error("dbt output:\n%s\n%s", proc.stdout[-5000:], proc.stderr[-2000:])
        raise PipelineError(f"dbt {args[0]} failed: {detail}")


def count_marts(db_path: Path) -> dict[str, int]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        return {m: con.execute(f"select count(*) from {m}").fetchone()[0] for m in MARTS if m in present}
    finally:
        con.close()


def do_ingest(db_path: Path, documents: Path, progress: Callable[[str], None] | None = None) -> IngestResult:
    con = duckdb.connect(str(db_path))
    try:
        return ingest(con, documents, progress)
    finally:
        con.close()


def check_landing(db_path: Path, docs_dir: Path) -> None:
    """Great Expectations on the landing tables; a failed expectation stops the run before dbt."""
    try:
        checked = validate_landing(db_path, docs_dir)
    except Exception as exc:  # GX itself failing must stop the run as clearly as a failed expectation
        raise PipelineError(f"landing checkpoint could not run: {type(exc).__name__}: {exc}") from exc
    if not checked.success:
        raise PipelineError(f"landing checkpoint failed (Data Docs: {checked.data_docs}): {checked.message()}")


def run(
    documents: Path,
    warehouse: Path,
    progress: Callable[[str], None] | None = None,
    step: Callable[[str], None] | None = None,
    target: str = "prod",
) -> RunSummary:
    """Build a fresh warehouse from ``documents`` and publish it at ``warehouse``."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    work = working_path(warehouse)
    for leftover in (work, work.with_name(work.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a crashed earlier run's working file is never published
    step = step or (lambda _: None)
    try:
        step("ingest")
        result = do_ingest(work, documents, progress)
        step("landing checkpoint")
        check_landing(work, data_docs_dir(warehouse))
        step("dbt build")
        run_dbt(work, ["build"], target=target)
        summary = RunSummary(result, count_marts(work))
        os.replace(work, warehouse)
        summary.published = warehouse
        return summary
    except BaseException:
        work.unlink(missing_ok=True)
        raise

"""The published file opens in DuckDB 1.x clients: the DuckDB CLI from PyPI (1.5, pinned in requirements.lock)
reads the samples' warehouse read-only and returns the marts' figures — the check BI tools (Evidence's Node
binding, DBeaver's and Metabase's JDBC drivers) depend on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

from loaders import pipeline

CLI = Path(sys.executable).with_name("duckdb")


def cli(db: Path, sql: str) -> list[dict]:
    out = subprocess.run([str(CLI), "-readonly", "-json", str(db), "-c", sql], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_cli_is_a_1x_client():
    out = subprocess.run([str(CLI), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("v1."), out.stdout


def test_cli_reads_the_published_samples_warehouse(built_warehouse):
    rows = cli(built_warehouse, "select count(*) as n, sum(amount_wan)::varchar as total from fct_funding")
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        n, total = con.execute("select count(*), sum(amount_wan)::varchar from fct_funding").fetchone()
        findings = con.execute("select count(*) from dq_reconciliation where status = 'mismatch'").fetchone()[0]
    finally:
        con.close()
    assert n > 0
    assert rows == [{"n": n, "total": total}]
    # a view over the landing schema, and the Chinese comments the marts carry
    assert cli(built_warehouse, "select count(*) as n from dq_reconciliation where status = 'mismatch'") == [{"n": findings}]
    comments = cli(built_warehouse, "select comment from duckdb_tables() where table_name = 'fct_funding'")
    assert comments and comments[0]["comment"]


def test_a_warehouse_written_in_duckdb_2_format_is_converted(tmp_path):
    """A warehouse published before the storage version was set is converted once, then 1.x reads it."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema landing; create table landing.documents as select 1 as id")
    con.execute("create view v as select id * 2 as x from landing.documents")
    con.execute("comment on table landing.documents is '文档'")
    con.close()
    failed = subprocess.run([str(CLI), "-readonly", str(path), "-c", "select 1"], capture_output=True, text=True)
    assert failed.returncode != 0 and "version number" in failed.stderr + failed.stdout
    note = pipeline.ensure_storage_version(path)
    assert note and pipeline.STORAGE_VERSION in note
    assert pipeline.ensure_storage_version(path) is None  # already converted: nothing to do
    pipeline.verify_readable(path)
    assert cli(path, "select x from v") == [{"x": 2}]
    assert cli(path, "select comment from duckdb_tables() where table_name = 'documents'") == [{"comment": "文档"}]

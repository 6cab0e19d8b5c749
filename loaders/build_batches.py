"""Batches of documents for a night that brings more new documents than the build's memory holds at once.

The incremental models are keyed by document and hold, while they build, rows in proportion to the documents
they take: a first night of a province sends every document through them at once. When the documents landed
since the last publish (all of them on a full refresh) are more than a batch, ``jixiao run`` writes each
batch's ids into ``ops.build_batch`` and runs the incremental models once per batch
(``macros/incremental_documents.sql`` reads the table); the rest of the build then runs once, over whole
tables. Each batch is the same work the models do on a night that brings that many documents.
"""

from __future__ import annotations

import math
import re

import duckdb

from loaders import ops

# Documents per GB of DuckDB memory in one batch: 2 GB built a first night of 5,000 generated documents
# (at its limit) and not one of 20,000 (README, "Scale"); 4,000 leaves room for documents larger than those.
DOCUMENTS_PER_GB = 2_000
TABLE = "ops.build_batch"
_UNITS = {"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
_UNITS["TIB"] = 2**40


def memory_bytes(setting: str) -> float | None:
    """DuckDB's memory_limit text ("2GB", "500 MiB") in bytes; None when it is not one (DuckDB then says so)."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B)?\s*", setting.upper())
    if not found:
        return None
    return float(found[1]) * _UNITS[found[2] or ""]


def documents_per_batch() -> int:
    limit = memory_bytes(ops.duckdb_config()["memory_limit"]) or memory_bytes(ops.DUCKDB_MEMORY)
    return max(100, int(limit / 1e9 * DOCUMENTS_PER_GB))


def one_model_at_a_time(con: duckdb.DuckDBPyConnection) -> bool:
    """The models that join across documents read whole tables, and two models built side by side share
    DuckDB's one memory limit: past two batches' worth of documents, the build runs one model at a time (a
    20,000-document delta ran out of memory at 2 GB in ``int_projects_assembled``, which alone needs about
    1.5 GB there, beside another such model; 5,000 built two at a time)."""
    documents = con.execute("select count(*) from landing.documents").fetchone()[0]
    return documents > 2 * documents_per_batch()


def plan(con: duckdb.DuckDBPyConnection, full_refresh: bool, size: int | None = None) -> list[list[str]]:
    """The batches of tonight's build: the documents landed since the last published run (every document
    on a full refresh), in near-equal batches of at most ``size``; none when they fit in one. A batch table
    left by a killed build is removed first, so it never narrows a build it was not written for."""
    size = size or documents_per_batch()
    clear(con)
    # in the order they landed: a batch is then a stretch of the landing tables, and the models' scans read its row
    # groups only (macros/incremental_documents.sql, landing_stretch)
    ids = ops.documents_in_landing_order(con) if full_refresh else ops.documents_landed_since_publish(con)
    if len(ids) <= size:
        return []
    count = math.ceil(len(ids) / size)
    step = math.ceil(len(ids) / count)
    return [ids[i : i + step] for i in range(0, len(ids), step)]


def write(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    con.execute("create schema if not exists ops")
    con.execute(f"create or replace table {TABLE} (document_id varchar primary key)")
    con.execute(f"insert into {TABLE} select unnest(?)", [ids])


def clear(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"drop table if exists {TABLE}")

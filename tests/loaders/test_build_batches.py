"""The batches of a night's build: near-equal, only the documents landed since the last publish, none when
they fit at once, and a batch table left by a killed build never narrows the next one."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from loaders import build_batches, ops


@pytest.fixture()
def con():
    con = duckdb.connect()
    con.execute(
        "create schema landing; create table landing.documents (document_id varchar, loaded_at timestamp, landing_seq bigint)"
    )
    night = dt.datetime(2026, 1, 1)
    con.execute(
        "insert into landing.documents select 'd' || lpad(i::varchar, 2, '0'), ? + to_hours(i), i + 1 from range(10) t(i)",
        [night],
    )
    ops.create_schema(con)
    yield con
    con.close()


def test_every_document_in_near_equal_batches_on_a_first_night(con):
    batches = build_batches.plan(con, full_refresh=False, size=4)
    assert [len(b) for b in batches] == [4, 4, 2]
    assert sorted(d for b in batches for d in b) == [f"d{i:02d}" for i in range(10)]
    assert build_batches.plan(con, full_refresh=False, size=10) == []


def test_only_the_documents_landed_since_the_last_publish_ended(con):
    # the published run landed d05 and d06 itself (a night that parsed the corpus again lands all of it): built then
    record = ops.RunRecord(
        run_id="r1",
        started_at=dt.datetime(2026, 1, 1, 5),
        ended_at=dt.datetime(2026, 1, 1, 6, 30),
        documents_path="docs",
        outcome="published",
    )
    ops.write_runs(con, [record])
    assert [d for b in build_batches.plan(con, full_refresh=False, size=2) for d in b] == [f"d{i:02d}" for i in range(7, 10)]
    assert sum(len(b) for b in build_batches.plan(con, full_refresh=True, size=2)) == 10


def test_a_batch_table_left_behind_is_removed_before_planning(con):
    build_batches.write(con, ["d00"])
    assert con.execute(f"select count(*) from {build_batches.TABLE}").fetchone() == (1,)
    build_batches.plan(con, full_refresh=False, size=100)
    assert con.execute("select count(*) from information_schema.tables where table_name = 'build_batch'").fetchone() == (0,)


@pytest.mark.parametrize(
    ("setting", "documents"), [("2GB", 4000), ("500MB", 1000), ("1GiB", 2147), ("16 GB", 32000), ("1KB", 100)]
)
def test_a_batch_follows_duckdbs_memory(monkeypatch, setting, documents):
    monkeypatch.setenv("JIXIAO_DUCKDB_MEMORY", setting)
    assert build_batches.documents_per_batch() == documents


def test_past_two_batches_of_documents_the_models_are_built_one_at_a_time(monkeypatch, con):
    # ten documents landed: two batches of five hold them, two of four do not
    monkeypatch.setattr(build_batches, "documents_per_batch", lambda: 5)
    assert not build_batches.one_model_at_a_time(con)
    monkeypatch.setattr(build_batches, "documents_per_batch", lambda: 4)
    assert build_batches.one_model_at_a_time(con)


@pytest.mark.parametrize("full_refresh", [True, False])
def test_a_batch_is_a_stretch_of_the_landing_order(con, full_refresh):
    # the ids sort one way, the landing order another: a batch takes documents that landed together, whose rows
    # lie together in the landing tables; documents landed before the order was kept come first
    con.execute("update landing.documents set landing_seq = 100 - landing_seq")
    con.execute("update landing.documents set landing_seq = null where document_id = 'd03'")
    batches = build_batches.plan(con, full_refresh=full_refresh, size=4)
    assert batches == [["d03", "d09", "d08", "d07"], ["d06", "d05", "d04", "d02"], ["d01", "d00"]]

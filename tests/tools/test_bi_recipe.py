"""The Superset / Metabase recipe in the README: SQLAlchemy through duckdb-engine, read-only, runs a mart query."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy as sa


def test_sqlalchemy_url_reads_a_mart_read_only(built_warehouse):
    # the README's recipe: this URL, and {"connect_args": {"read_only": true}} as the engine parameters
    engine = sa.create_engine(f"duckdb:///{built_warehouse}", connect_args={"read_only": True})
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        expected = con.execute("select count(*), sum(amount_wan) from fct_funding").fetchone()
    finally:
        con.close()
    try:
        with engine.connect() as conn:
            got = conn.execute(sa.text("select count(*), sum(amount_wan) from fct_funding")).fetchone()
            assert tuple(got) == expected
            tables = sa.inspect(conn).get_table_names()
            assert {"fct_funding", "dim_document", "dq_reconciliation"} <= set(tables)
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                conn.execute(sa.text("create table written_by_bi as select 1"))
    finally:
        engine.dispose()

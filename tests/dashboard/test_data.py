"""The dashboard's queries and filters, without a browser: each filter keeps exactly the rows the marts say."""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard import data


def test_year_and_region_filters_keep_their_documents_leaves(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        year, region, total, n = con.execute(
            """
            select d.fiscal_year, r.region_name, sum(f.amount_wan), count(*)
            from fct_funding f join dim_document d using (document_key) join dim_region r on r.region_key = d.region_key
            where f.amount_wan is not null
                and f.funding_key not in (select parent_funding_key from fct_funding where parent_funding_key is not null)
            group by all order by count(*) desc limit 1
            """
        ).fetchone()
    finally:
        con.close()
    sql = data.leaf_funding(has_leaf_mart=False)
    everything = data.query(built_warehouse, sql, data.Scope().params())
    scoped = data.query(built_warehouse, sql, data.Scope(years=[year], regions=[region]).params())
    assert scoped.height == n < everything.height
    assert scoped["金额_万元"].sum() == total
    # the year filter is the document's fiscal year; an amount may be printed for another year (上年决算)
    assert scoped["地区"].unique().to_list() == [region]


def test_department_filter_keeps_that_departments_indicators(built_warehouse):
    everything = data.query(built_warehouse, data.INDICATORS, data.Scope().params())
    department = everything.filter(pl.col("部门") != "未知")["部门"].mode().to_list()[0]
    scoped = data.query(built_warehouse, data.INDICATORS, data.Scope(departments=[department]).params())
    assert 0 < scoped.height < everything.height
    assert scoped["部门"].unique().to_list() == [department]
    assert scoped.height == everything.filter(pl.col("部门") == department).height


def test_findings_are_ranked_by_size(built_warehouse):
    findings = data.query(built_warehouse, data.FINDINGS, data.Scope().document_params())
    sizes = [abs(float(d)) for d in findings["difference"].drop_nulls()]
    assert findings.height > 0 and sizes == sorted(sizes, reverse=True)
    assert "ok" not in findings["status"].to_list()


def test_a_publish_under_an_open_reader(built_warehouse, tmp_path):
    """The nightly publishes by rename while the dashboard reads: a reader keeps yesterday's file whole, the
    next query reads the new one, and the cache key (the file's version) changes with it."""
    import os
    import shutil

    published = tmp_path / "jixiao.duckdb"
    shutil.copyfile(built_warehouse, published)
    before = data.version(published)
    n = data.query(published, "select count(*) as n from fct_funding")["n"][0]
    reader = duckdb.connect(str(published), read_only=True)  # a dashboard request in flight
    try:
        tonight = tmp_path / ".jixiao.duckdb.building"
        shutil.copyfile(built_warehouse, tonight)
        con = duckdb.connect(str(tonight))
        con.execute("delete from fct_funding where funding_key in (select funding_key from fct_funding limit 5)")
        con.close()
        os.replace(tonight, published)  # what pipeline.publish does
        assert reader.execute("select count(*) from fct_funding").fetchone()[0] == n  # old file, whole
    finally:
        reader.close()
    assert data.version(published) != before
    assert data.query(published, "select count(*) as n from fct_funding")["n"][0] == n - 5


def test_the_counted_once_mart_is_used_where_the_warehouse_has_it(built_warehouse):
    """fct_funding_leaf (amounts counted once) replaces the structural leaves when the warehouse has it."""
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        total, n = con.execute("select sum(amount_wan), count(*) from fct_funding_leaf where amount_wan is not null").fetchone()
        subjects = {r[0] for r in con.execute("select distinct subject_type from fct_funding_leaf").fetchall()}
    finally:
        con.close()
    assert data.query(built_warehouse, data.HAS_LEAF_MART)["yes"][0]
    leaves = data.query(built_warehouse, data.leaf_funding(has_leaf_mart=True), data.Scope().params())
    assert leaves.height == n > 0 and leaves["金额_万元"].sum() == total
    assert set(leaves["主体"]) == {{"project": "项目 project", "department": "部门整体 department"}[s] for s in subjects}

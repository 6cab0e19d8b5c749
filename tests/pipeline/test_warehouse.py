"""The whole job on the samples: landing, dbt build with the test target, and the marts of the slice."""

from __future__ import annotations


def test_landing_holds_every_sample(warehouse_con):
    rows = warehouse_con.execute("select file_name, status from landing.documents order by file_name").fetchall()
    assert [r[0][:3] for r in rows] == ["001", "002", "003", "004"]


def test_dim_project_holds_the_six_projects_of_002(warehouse_con):
    names = warehouse_con.execute(
        """
        select p.project_name from dim_project p join dim_document d using (document_key)
        where d.file_name like '002%' order by p.line_start
        """
    ).fetchall()
    assert [n[0] for n in names][:2] == ["城乡医疗救助", "康复救助"]
    assert len(names) == 6


def test_fct_indicator_levels_are_mapped(warehouse_con):
    rows = warehouse_con.execute(
        """
        select f.level1_name, f.level2_name, count(*) from fct_indicator f
        join dim_document d using (document_key) where d.file_name like '002%' group by all
        """
    ).fetchall()
    assert sum(r[2] for r in rows) == 59
    assert all(r[0] is not None and r[1] is not None for r in rows), rows


def test_every_indicator_points_at_its_source_line(warehouse_con):
    orphans = warehouse_con.execute(
        """
        select count(*) from fct_indicator f join dim_document d using (document_key)
        left join landing.source_lines s on s.document_id = d.document_id and s.line_no = f.line_start
        where s.line_no is null
        """
    ).fetchone()[0]
    assert orphans == 0

"""A target form (目标表, set at budget time) and the self-evaluation (自评表, a year later) of one project are one
project: its indicators carry both the target and the reported actual. The same project a year earlier is linked
through the crosswalk, and each indicator shows last year's target. Fixtures of our own, not samples."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import warehouse_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "linked_project"


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    return warehouse_of(FIXTURES, tmp_path_factory)


@pytest.fixture()
def con(linked):
    c = duckdb.connect(str(linked), read_only=True)
    yield c
    c.close()


def test_target_form_and_self_evaluation_are_one_project(con):
    projects = con.execute(
        "select project_key, project_name, form_count, form_kinds from dim_project where not is_member and fiscal_year = 2023"
    ).fetchall()
    assert len(projects) == 1, projects
    key, name, forms, kinds = projects[0]
    assert name == "农村公路养护补助" and forms == 2
    assert set(kinds) == {"project_target", "project_self_evaluation"}
    documents = con.execute("select count(distinct document_key) from fct_indicator where project_key = ?", [key]).fetchone()
    assert documents == (2,)


def test_indicators_carry_target_and_actual(con):
    rows = con.execute(
        """
        select f.level3_name, f.form_kind, f.planned_target_text, f.reported_actual_text,
               f.counterpart_indicator_key is not null
        from fct_indicator f join dim_project p using (project_key)
        where f.level3_name in ('日常养护里程', '沿线群众满意度') and p.fiscal_year = 2023
        order by f.level3_name, f.form_kind
        """
    ).fetchall()
    by = {(r[0], r[1]): r[2:] for r in rows}
    # the target form's row shows what the self-evaluation reported, and the other way round
    assert by[("日常养护里程", "project_target")][1] == "312公里"
    assert by[("日常养护里程", "project_self_evaluation")][0] == "300"
    assert by[("沿线群众满意度", "project_target")][1] == "92%"
    assert all(linked for *_, linked in rows)
    # the pair points at each other
    pairs = con.execute(
        """
        select count(*) from fct_indicator a join fct_indicator b on a.counterpart_indicator_key = b.indicator_key
        where b.counterpart_indicator_key = a.indicator_key
        """
    ).fetchone()[0]
    assert pairs >= 2


def test_the_same_project_a_year_earlier_is_linked(con):
    rows = con.execute(
        """
        select c.fiscal_year, c.prior_fiscal_year, c.match_rule, c.prior_project_name
        from rpt_project_crosswalk c order by c.fiscal_year
        """
    ).fetchall()
    assert rows == [
        (2022, None, "unmatched", None),
        (2023, 2022, "same_department_and_name", "农村公路养护补助"),
    ]
    prior = con.execute(
        """
        select f.form_kind, f.planned_target_text, f.prior_year_target_text
        from fct_indicator f join dim_project p using (project_key)
        where p.fiscal_year = 2023 and f.level3_name = '日常养护里程' order by f.form_kind
        """
    ).fetchall()
    # this year's 300 beside last year's 280, on both forms of this year's project
    assert prior == [("project_self_evaluation", "300", "280"), ("project_target", "300", "280")]

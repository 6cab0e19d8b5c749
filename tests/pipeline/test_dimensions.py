"""Every fact row joins every dimension: no NULL foreign key, an inner join keeps all the money, spending directions
mapped through the seed (checked on the samples' and the real documents' names), department aliases merged, and the
department scorecard keyed by the department dimension.

``JIXIAO_TEST_WAREHOUSE`` points the checks at a warehouse built elsewhere, as in test_marts.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT

# fact → (foreign key column, dimension, dimension key)
FOREIGN_KEYS = {
    "fct_funding": [
        ("document_key", "dim_document", "document_key"),
        ("project_key", "dim_project", "project_key"),
        ("department_key", "dim_department", "department_key"),
        ("spending_direction_key", "dim_spending_direction", "spending_direction_key"),
        ("fiscal_year", "dim_year", "fiscal_year"),
    ],
    "fct_funding_leaf": [
        ("document_key", "dim_document", "document_key"),
        ("project_key", "dim_project", "project_key"),
        ("department_key", "dim_department", "department_key"),
        ("spending_direction_key", "dim_spending_direction", "spending_direction_key"),
        ("fiscal_year", "dim_year", "fiscal_year"),
    ],
    "fct_indicator": [
        ("document_key", "dim_document", "document_key"),
        ("project_key", "dim_project", "project_key"),
        ("department_key", "dim_department", "department_key"),
    ],
    "fct_indicator_actual": [
        ("document_key", "dim_document", "document_key"),
        ("project_key", "dim_project", "project_key"),
        ("department_key", "dim_department", "department_key"),
    ],
    "rpt_budget_execution": [
        ("document_key", "dim_document", "document_key"),
        ("project_key", "dim_project", "project_key"),
        ("department_key", "dim_department", "department_key"),
        ("spending_direction_key", "dim_spending_direction", "spending_direction_key"),
    ],
    "dq_scorecard_department": [("department_key", "dim_department", "department_key")],
}


@pytest.fixture(scope="module")
def warehouse(request) -> Path:
    override = os.environ.get("JIXIAO_TEST_WAREHOUSE")
    return Path(override) if override else request.getfixturevalue("built_warehouse")


@pytest.fixture()
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize(("fact", "column", "dim", "dim_key"), [(f, *fk) for f, fks in FOREIGN_KEYS.items() for fk in fks])
def test_every_fact_row_joins_its_dimension(con, fact, column, dim, dim_key):
    rows, nulls, orphans = con.execute(
        f"""
        select count(*), count(*) filter (where f.{column} is null),
               count(*) filter (where f.{column} is not null and d.{dim_key} is null)
        from {fact} f left join {dim} d on f.{column} = d.{dim_key}
        """
    ).fetchone()
    assert rows > 0 and nulls == 0 and orphans == 0, (fact, column, rows, nulls, orphans)


def test_an_inner_join_of_all_dimensions_keeps_all_the_money(con):
    plain = con.execute("select count(*), sum(amount_wan) from fct_funding").fetchone()
    joined = con.execute(
        """
        select count(*), sum(f.amount_wan) from fct_funding f
        join dim_document doc on f.document_key = doc.document_key
        join dim_project p on f.project_key = p.project_key
        join dim_department dep on f.department_key = dep.department_key
        join dim_spending_direction s on f.spending_direction_key = s.spending_direction_key
        join dim_year y on f.fiscal_year = y.fiscal_year
        """
    ).fetchone()
    assert joined == plain


def test_department_amounts_join_the_no_project_member(con):
    member = con.execute("select project_key, project_name from dim_project where is_member").fetchall()
    assert len(member) == 1
    on_member = con.execute("select count(*) from fct_funding where project_key = ?", [member[0][0]]).fetchone()[0]
    department_forms = con.execute(
        "select count(*) from fct_funding where form_kind like 'department%' or form_kind = 'self_evaluation_report'"
    ).fetchone()[0]
    assert on_member == department_forms > 0


def direction_of(name: str, rules: list[dict]) -> str | None:
    """The seed's rule: the lowest priority whose pattern matches the name."""
    for rule in sorted(rules, key=lambda r: int(r["priority"])):
        if re.search(rule["name_pattern"], name):
            return rule["direction_name_zh"]
    return None


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        # samples: printed directions (001) and project names (002, 004)
        ("残疾人", "残疾人事业"),
        ("城市低保户", "最低生活保障"),
        ("高龄老人等", "养老服务"),
        ("区划地名工作", "民政管理事务"),
        ("2022 年优化营商环境专项经费", "产业发展"),
        ("乡村教师人才津贴配套", "教育"),
        ("城乡居民社会保险财政基础养老金补助", "社会保险"),
        ("防汛抗旱专项资金", "农林水"),
        ("益阳市市级储备肉专项资金", "粮油物资储备"),
        ("益阳市新型智慧城市建设提升工程", "一般公共服务"),
        ("市雪亮工程（三期）", "公共安全"),
        # ../shared/real project names
        ("马铃薯冲薯繁育示范推广项目", "农林水"),
        ("临时救助", "临时救助"),
        ("小学教育公用经费", "教育"),
        ("县级储备粮", "粮油物资储备"),
        ("2021年交通局寨山石坪、鲍家沟果园路", "交通运输"),
        ("2024年基本公共卫生服务中央补助资金(卫健局)", "卫生健康"),
        ("龙岩市畲族文化研究会《闽西畲族志》编纂出版项目", "文化旅游体育与传媒"),
        ("南阳镇双溪村人饮工程二期项目", "农林水"),
        ("下都镇吉安村屋顶安装分布式光伏发电项目", "节能环保"),
        ("生猪(牛羊)调出大县奖励资金", "农林水"),
        ("原州区2022年南部水源涵养林建设项目", "农林水"),
        ("镇域内基础设施建设", "城乡社区事务"),
        ("基本药物制度补助资金", "卫生健康"),
        ("双洋镇坑源村村口村标及绿化项目", "节能环保"),
        ("宗教管理经费补助", "一般公共服务"),
    ],
)
def test_spending_direction_seed_maps_printed_directions_and_names(name, direction):
    rules = list(csv.DictReader((ROOT / "seeds" / "spending_directions.csv").open(encoding="utf-8")))
    assert direction_of(name, rules) == direction


def test_sample_projects_have_a_known_direction(con):
    unknown = con.execute(
        "select project_name from dim_project where not is_member and spending_direction_source = 'unknown'"
    ).fetchall()
    assert unknown == []
    # a printed direction is mapped to the seed's name, the printed text kept beside it
    printed = con.execute(
        """
        select p.spending_direction_printed, s.direction_name from dim_project p
        join dim_spending_direction s using (spending_direction_key) where p.spending_direction_printed = '残疾人'
        """
    ).fetchall()
    assert printed == [("残疾人", "残疾人事业")]


def test_party_committee_and_short_form_aliases_are_one_department(con):
    keys = con.execute(
        """
        select department_key from dim_department d join dim_region r using (region_key)
        where r.region_name = '益阳市' and department_name_normalised = '市委组织部'
        """
    ).fetchall()
    assert len(keys) == 1
    printed = {
        r[0]
        for r in con.execute(
            """
            select f.value_printed from landing.form_fields f
            where f.field_key in ('supervising_department', 'implementing_unit')
              and regexp_replace(f.value_printed, '\\s', '', 'g') in ('中共益阳市委组织部', '市委组织部')
            """
        ).fetchall()
    }
    assert len(printed) == 2, printed
    hr = con.execute(
        """
        select count(distinct department_key) from intermediate.int_departments_resolved
        where department_name in ('益阳市人社局', '益阳市人力资源和社会保障局')
        """
    ).fetchone()[0]
    assert hr == 1


def test_department_scorecard_is_keyed_by_the_department_dimension(con):
    rows = con.execute(
        """
        select count(*), count(distinct s.department_key), count(d.department_key)
        from dq_scorecard_department s left join dim_department d using (department_key)
        """
    ).fetchone()
    assert rows[0] > 0 and rows[0] == rows[1] == rows[2]
    # every name it lists is a department, not a project
    projects = con.execute(
        "select count(*) from dq_scorecard_department where department_name in (select project_name from dim_project)"
    ).fetchone()[0]
    assert projects == 0

"""Funding that is safe to sum: the leaf view adds up to the printed totals of the hand-checked gold, and the
budget-execution report holds every staged amount, one row per item line.

``JIXIAO_TEST_WAREHOUSE`` points the checks at a warehouse built elsewhere, as in test_marts.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import ROOT, SHARED

GOLD = SHARED / "gold" / "seeds_gold.yaml"
# a printed funding total of a project or department form (not a breakdown's part, not a control figure)
TOTAL_LABELS = {"资金总额", "总额", "共需", "年度资金总额"}
STAGE_COLUMNS = [
    "requested_funding_key",
    "initial_budget_funding_key",
    "budget_funding_key",
    "adjusted_budget_funding_key",
    "adjustment_funding_key",
    "execution_funding_key",
    "final_accounts_funding_key",
]


@pytest.fixture(scope="module")
def warehouse(request) -> Path:
    override = os.environ.get("JIXIAO_TEST_WAREHOUSE")
    return Path(override) if override else request.getfixturevalue("built_warehouse")


@pytest.fixture()
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    if not GOLD.exists():
        pytest.skip("gold file not present")
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["documents"]


def gold_totals(doc: dict):
    """(form funding list, total entry) for every printed funding total of the document's forms."""
    for form in [*doc.get("projects", []), *doc.get("department_forms", [])]:
        for entry in form.get("funding") or []:
            if entry.get("parent") is None and entry["label"] in TOTAL_LABELS and entry.get("amount") is not None:
                yield form["funding"], entry


def test_leaf_view_sums_to_the_printed_totals_of_the_gold(con, gold):
    """Each gold total: the counted leaves of its project (department), stage and year add up to it, within a
    cent per part; a multi-year total is not the year's money, so there the leaves add up to its printed parts."""
    checked = 0
    for doc in gold:
        for funding, entry in gold_totals(doc):
            row = con.execute(
                """
                select f.project_key, f.department_key, f.stage_key, f.fiscal_year, f.period_kind
                from fct_funding f join dim_document d using (document_key)
                where d.file_name = ? and f.line_no = ? and f.amount_wan = ? and f.parent_funding_key is null
                """,
                [doc["file"], entry["line"], Decimal(str(entry["amount"]))],
            ).fetchone()
            assert row is not None, (doc["file"], entry["line"], entry["label"])
            project_key, department_key, stage, year, period = row
            parts = [
                Decimal(str(p["amount"])) for p in funding if p.get("parent") == entry["label"] and p.get("amount") is not None
            ]
            if period == "multi_year":
                assert parts, (doc["file"], entry["line"])
                expected = sum(parts)
            else:
                expected = Decimal(str(entry["amount"]))
            leaves = con.execute(
                """
                select coalesce(sum(amount_wan), 0), count(*) from fct_funding_leaf
                where stage_key = ? and fiscal_year = ?
                  and (project_key = ? or (? is null and subject_type = 'department' and department_key = ?))
                """,
                [stage, year, project_key, project_key, department_key],
            ).fetchone()
            assert abs(leaves[0] - expected) <= Decimal("0.01") * max(leaves[1], 1), (
                doc["file"],
                entry["line"],
                entry["label"],
                stage,
                leaves,
                expected,
            )
            checked += 1
    assert checked >= 48 + 6 + 8 + 1 + 3


def test_multi_year_totals_are_only_the_gold_findings_where_a_total_exceeds_its_parts(con, gold):
    multi = {
        (r[0], r[1])
        for r in con.execute(
            """
            select d.file_name, f.line_no from fct_funding f join dim_document d using (document_key)
            where f.period_kind = 'multi_year'
            """
        ).fetchall()
    }
    assert multi, "the 2018–2024 project total of the samples is multi-year"
    finding_lines = set()
    for doc in gold:
        for finding in doc.get("reconciliation_findings", []):
            if finding.get("total_line") and finding.get("computed") is not None and finding["computed"] < finding["total"]:
                finding_lines.add((doc["file"], finding["total_line"]))
    assert multi <= finding_lines, multi - finding_lines


def test_one_document_stage_and_year_sums_to_the_gold(con, gold):
    """The analyst's query: sum the leaves by document, subject type, stage and year. For 004 (one project form
    per project, 申请 2022) that is Σ 资金总额 with the multi-year total replaced by its year's parts."""
    doc = next(d for d in gold if d["file"].startswith("004"))
    expected = Decimal(0)
    for project in doc["projects"]:
        total = next(f for f in project["funding"] if f["label"] == "资金总额")
        parts = [
            Decimal(str(f["amount"])) for f in project["funding"] if f.get("parent") == "资金总额" and f.get("amount") is not None
        ]
        amount = Decimal(str(total["amount"]))
        expected += sum(parts) if abs(sum(parts) - amount) > Decimal("0.01") * len(parts) and sum(parts) < amount else amount
    got = con.execute(
        """
        select sum(l.amount_wan) from fct_funding_leaf l join dim_document d using (document_key)
        where d.file_name = ? and l.stage_key = '申请' and l.fiscal_year = 2022
        """,
        [doc["file"]],
    ).fetchone()[0]
    assert got == expected
    # and the plain sum over fct_funding, the trap, is not
    plain = con.execute(
        "select sum(f.amount_wan) from fct_funding f join dim_document d using (document_key) where d.file_name = ?",
        [doc["file"]],
    ).fetchone()[0]
    assert plain > got


def test_derived_figures_are_not_counted(con):
    """Goods valued in money (共计74560元 of donated goods), differences and remainders are not the money stated."""
    rows = con.execute(
        """
        select f.text_printed, f.money_kind, f.is_countable from fct_funding f join dim_document d using (document_key)
        where d.file_name like '003%' and f.line_no = 86
        """
    ).fetchall()
    assert rows and all(kind == "derived" and not counted for _, kind, counted in rows), rows
    assert (
        con.execute(
            "select count(*) from fct_funding_leaf f join fct_funding using (funding_key) where money_kind != 'funds'"
        ).fetchone()[0]
        == 0
    )


def test_every_counted_amount_has_a_stage_and_a_single_year(con):
    bad = con.execute(
        """
        select count(*) from fct_funding
        where is_countable and (stage_key = '未注明' or period_kind != 'single_year' or amount_wan is null)
        """
    ).fetchone()[0]
    assert bad == 0
    # the project forms that print no stage take their form kind's: a target form states a budget
    unstaged = con.execute(
        """
        select count(*) from fct_funding
        where form_kind in ('special_fund_summary', 'spending_direction_target', 'project_target')
          and stage_key = '未注明'
        """
    ).fetchone()[0]
    assert unstaged == 0


def test_budget_execution_holds_every_staged_amount_once(con):
    staged = con.execute("select count(*) from fct_funding where stage_key != '未注明' and amount_wan is not null").fetchone()[0]
    keys = con.execute(
        f"select k from (select unnest([{', '.join(STAGE_COLUMNS)}]) as k from rpt_budget_execution) where k is not null"
    ).fetchall()
    assert staged > 0 and len(keys) == staged == len(set(keys))
    missing = con.execute(
        f"""
        select count(*) from fct_funding f
        where f.stage_key != '未注明' and f.amount_wan is not null
          and not exists (
            select 1 from rpt_budget_execution r where f.funding_key in ({", ".join("r." + c for c in STAGE_COLUMNS)})
          )
        """
    ).fetchone()[0]
    assert missing == 0


def test_budget_execution_keeps_lines_that_share_an_item(con):
    """003's base-data table: nine project lines share one item key; their 2024 budgets and final accounts add up."""
    budget, final = con.execute(
        """
        select sum(budget_wan), sum(final_accounts_wan) from rpt_budget_execution r join dim_document d using (document_key)
        where d.file_name like '003%' and r.form_kind = 'department_basic_data' and r.item_key = 'project_amount'
          and r.fiscal_year = 2024
        """
    ).fetchone()
    assert (budget, final) == (Decimal("4091.19"), Decimal("3857.94"))
    # 001's seven spending-direction amounts of the department form are seven lines
    directions = con.execute(
        """
        select count(*), sum(requested_wan) from rpt_budget_execution r join dim_document d using (document_key)
        where d.file_name like '001%' and r.item_key = 'direction_amount' and r.form_kind = 'department_declaration'
        """
    ).fetchone()
    assert directions == (7, Decimal("1593.87"))


def test_budget_execution_prints_the_rate_beside_the_computed_one(con):
    row = con.execute(
        """
        select execution_rate_printed_pct, execution_rate_pct, execution_rate_basis
        from rpt_budget_execution r join dim_document d using (document_key)
        where d.file_name like '003%' and r.execution_rate_printed is not null
        """
    ).fetchall()
    assert row == [(Decimal("99.11"), Decimal("100.00"), "全年预算")]


def test_readme_query_sums_money_correctly(con):
    """The README's query for analysts runs as printed and gives the counted money per document, stage and year."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- funding-sum-query -->")
    block = readme[start:].split("```sql", 1)[1].split("```", 1)[0]
    rows = con.execute(block).fetchall()
    got = {(r[0][:3], r[2], r[3], r[4]): r[5] for r in rows}
    assert got[("004", "project", "申请", 2022)] == Decimal("58181.55")
    assert got[("003", "department", "执行数", 2024)] == Decimal("4532.05")
    assert got[("001", "department", "申请", 2019)] == Decimal("1593.87")

"""An allocation table's 合计 and 小计 rows are totals of the rows they cover, not projects: each is checked
against its rows in dq_reconciliation, and a row that names only its recipient is that recipient's share of
the fund the title names. Fixtures of our own (tab-separated tables), not samples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.conftest import warehouse_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "allocation_totals"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = duckdb.connect(str(warehouse_of(FIXTURES, tmp_path_factory)), read_only=True)
    yield c
    c.close()


def test_total_rows_are_not_projects(con):
    names = {r[0] for r in con.execute("select project_name from dim_project where not is_member").fetchall()}
    assert names == {
        "东山镇村道养护项目",
        "东山镇桥梁维修项目",
        "西河乡村道养护项目",
        "西河乡安防设施项目",
        "2025年基本公共服务补助资金(卫健局)",
        "2025年基本公共服务补助资金(疾控中心)",
    }


def test_each_total_row_is_checked_against_its_rows(con):
    checks = con.execute(
        """
        select total_value, computed_value, status, part_count
        from dq_reconciliation
        where rule_id = 'printed_structure' and file_name = 'allocation.txt'
        order by total_value
        """
    ).fetchall()
    assert checks == [
        (Decimal("50"), Decimal("50"), "ok", 2),
        # the second group's rows make 109, not its printed 110: a finding
        (Decimal("110"), Decimal("109"), "mismatch", 2),
        (Decimal("160"), Decimal("160"), "ok", 2),
    ]


def test_a_direction_tables_rows_and_its_total_row_both_reconcile(con):
    checks = con.execute(
        """
        select total_value, computed_value, status, part_count
        from dq_reconciliation
        where rule_id = 'printed_structure' and file_name = 'directions.txt'
        order by total_value, part_count
        """
    ).fetchall()
    assert checks == [
        # each row's 本次下达资金金额 against its three directions
        (Decimal("55"), Decimal("55"), "ok", 3),
        (Decimal("150.5"), Decimal("150.5"), "ok", 3),
        # the 合计 row against its own directions, and against the two rows
        (Decimal("205.5"), Decimal("205.5"), "ok", 2),
        (Decimal("205.5"), Decimal("205.5"), "ok", 3),
    ]


def test_every_yuan_is_counted_once(con):
    """Rows, 小计, 合计 and the notice's sentence print the same money up to three times; the leaf view
    counts it once (a group whose rows do not add up counts its printed 小计)."""
    sums = con.execute(
        """
        select d.file_name, sum(f.amount_wan)
        from fct_funding_leaf as f
        inner join dim_document as d using (document_key)
        group by d.file_name
        order by d.file_name
        """
    ).fetchall()
    assert sums == [("allocation.txt", Decimal("160")), ("directions.txt", Decimal("205.5"))]


def test_a_single_named_part_is_a_detail_not_the_whole(con):
    """其中 with one part (160万元，其中桥梁维修20万元) names a detail: it is checked as part ≤ total, no finding."""
    checks = con.execute(
        """
        select rule_id, total_value, computed_value, status
        from dq_reconciliation
        where file_name = 'allocation.txt' and total_line = 2
        """
    ).fetchall()
    assert checks == [("printed_single_part", Decimal("160"), Decimal("20"), "ok")]

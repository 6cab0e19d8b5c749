"""Totals printed in shapes the reconciliation reads: an allocation table's 合计 and 小计 rows are totals of the
rows they cover, not projects, and a row that names only its recipient is that recipient's share of the fund
the title names; a single 其中 part is a detail; a 一级 label's printed weight is the sum of its rows' 分值.
Fixtures of our own (tab-separated tables), not samples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import connection_to_warehouse_of

con = connection_to_warehouse_of(Path(__file__).resolve().parent.parent / "fixtures" / "reconciliation")


def test_total_rows_are_not_projects(con):
    names = {
        r[0]
        for r in con.execute(
            "select p.project_name from dim_project as p inner join dim_document as d using (document_key)"
            " where not p.is_member and d.file_name in ('allocation.txt', 'directions.txt')"
        ).fetchall()
    }
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
        where d.file_name in ('allocation.txt', 'directions.txt')
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


def test_a_level1_labels_printed_weight_is_the_sum_of_its_rows(con):
    checks = con.execute(
        """
        select total_label, total_value, computed_value, status
        from dq_reconciliation
        where rule_id = 'group_weights'
        order by total_line
        """
    ).fetchall()
    assert checks == [
        ("产出指标(50分)", Decimal("50"), Decimal("50"), "ok"),
        # its rows' 分值 make 25: the form's weights fall short of its 总分 by the same 5
        ("效益指标(30分)", Decimal("30"), Decimal("25"), "mismatch"),
        ("满意度指标(10分)", Decimal("10"), Decimal("10"), "ok"),
    ]

"""A declaration form with a column for the project's whole period beside the year's (中期资金总额 | 年度资金总额):
both columns land with their stage, and only the year's money is counted. A fixture of our own."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.conftest import connection_to_warehouse_of

con = connection_to_warehouse_of(Path(__file__).resolve().parent.parent / "fixtures" / "period_columns")


def test_both_columns_land_with_their_stage(con):
    rows = con.execute(
        "select text_printed, period_kind from fct_funding where amount_wan is not null order by line_no, text_printed"
    ).fetchall()
    assert sorted(rows) == sorted(
        [
            ("900", "multi_year"),
            ("300", "single_year"),
            ("840", "multi_year"),
            ("280", "single_year"),
            ("60", "multi_year"),
            ("20", "single_year"),
        ]
    )


def test_only_the_years_money_is_counted(con):
    total, parts = con.execute(
        "select sum(amount_wan), list(text_printed order by text_printed) from fct_funding_leaf"
    ).fetchone()
    assert total == Decimal("300") and parts == ["20", "280"]

"""The 合计 and 小计 rows of an allocation table: which rows each one adds up, printed after its group or
leading it, nested by ordinal, and what a row's own parts keep. Tables written for these tests."""

from __future__ import annotations

import pytest

from loaders.extract import parse_document
from loaders.extract.table_totals import FORM_KIND, rank
from loaders.readers.text import read_text


def _forms(*rows: str):
    text = "\n".join(["2025年某专项资金分配表", "单位：万元", *rows])
    return parse_document(read_text(text.encode("utf-8"))).forms


def _parents(forms) -> dict[str, str | None]:
    """Each row's own amount (by its name) and the name of the row whose total it is part of."""
    out = {}
    for f in forms:
        own = next((a for a in f.amounts if a.parent_seq is None or a.parent_form is not None), None)
        if own is not None:
            out[f.subject_name] = own.parent_form.subject_name if own.parent_form is not None else None
    return out


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["合计"], 0),
        (["合 计"], 0),
        (["总计"], 0),
        (["一、省本级小计"], 1),
        (["（一）省林业局小计"], 2),
        (["小计"], 3),
        (["上杭县小计"], 3),
        (["3", "东山镇村道养护项目"], 4),
        (["合计完成率"], 4),
    ],
)
def test_rank_of_a_row_by_its_label(texts, expected):
    assert rank(texts) == expected


def test_trailing_subtotals_add_up_their_group_and_the_total_adds_up_the_subtotals():
    forms = _forms(
        "序号\t乡镇\t项目名称\t金额",
        "1\t东山镇\t村道养护项目\t30",
        "2\t东山镇\t桥梁维修项目\t20",
        "\t小计\t\t50",
        "3\t西河乡\t安防设施项目\t60",
        "\t小计\t\t60",
        "\t合计\t\t110",
    )
    totals = [f for f in forms if f.form_kind == FORM_KIND]
    assert len(totals) == 3
    by_line = {f.line_end: f for f in forms}  # title line 1, unit 2, header 3, rows from line 4
    first_subtotal, second_subtotal, grand = (by_line[line] for line in (6, 8, 9))
    assert {f.form_kind for f in (first_subtotal, second_subtotal, grand)} == {FORM_KIND}
    for line, parent in [(4, first_subtotal), (5, first_subtotal), (7, second_subtotal)]:
        assert by_line[line].amounts[0].parent_form is parent
    assert first_subtotal.amounts[0].parent_form is grand
    assert second_subtotal.amounts[0].parent_form is grand
    assert grand.amounts[0].parent_form is None


def test_leading_subtotals_nest_by_their_ordinal():
    forms = _forms(
        "单位\t分配资金\t备注",
        "合计\t100\t",
        "一、省本级小计\t40\t",
        "（一）省林业局小计\t40\t",
        "省林场\t25\t造林",
        "省种苗站\t15\t育苗",
        "二、市县小计\t60\t",
        "东山县\t60\t抚育",
    )
    assert _parents(forms) == {
        "合计": None,
        "一、省本级小计": "合计",
        "二、市县小计": "合计",
        "（一）省林业局小计": "一、省本级小计",
        "省林场": "（一）省林业局小计",
        "省种苗站": "（一）省林业局小计",
        "东山县": "二、市县小计",
    }


def test_a_rows_own_parts_stay_under_the_row():
    forms = _forms(
        "项目单位\t疫苗接种\t健康教育\t本次下达资金金额",
        "卫健局\t100\t20.5\t120.5",
        "疾控中心\t40\t10\t50",
        "合计\t140\t30.5\t170.5",
    )
    rows = {f.subject_name: f for f in forms}
    grand = rows["合计"]
    assert grand.form_kind == FORM_KIND
    for name in ("卫健局", "疾控中心"):
        total, *directions = sorted(rows[name].amounts, key=lambda a: a.item_key != "funding_total")
        assert total.item_label_printed == "本次下达资金金额" and total.parent_form is grand
        assert [a.item_key for a in directions] == ["funding_part_direction"] * 2
        assert all(a.parent_form is None and a.parent_seq is not None for a in directions)


def test_a_table_with_no_total_row_is_left_alone():
    forms = _forms("乡镇\t项目名称\t金额", "东山镇\t村道养护项目\t30", "西河乡\t安防设施项目\t60")
    assert all(f.form_kind != FORM_KIND for f in forms)
    assert all(a.parent_form is None for f in forms for a in f.amounts)

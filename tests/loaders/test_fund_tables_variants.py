"""Other layouts of the 001 form kinds, written for these tests: they must load with no code of their own.

- ``special_fund_summary_yuan.txt``: columns in another order, 单位：元, a per-cell unit, a row split on a
  blank line inside it;
- ``spending_direction_wide_tsv.txt``: tab-separated, 一级 row printed cell for cell, the newer
  framework's 满意度指标 as a 一级 label, an extra column the vocabulary does not know, the unit in a
  column label;
- ``department_declaration_table.txt``: 按收入性质分 parts and an indicator table with its own header.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loaders.extract import parse_document
from loaders.extract.common import merge_rows_to_width
from loaders.model import Block, Cell
from loaders.readers.text import read_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUMMARY = "special_fund_summary_yuan.txt"


def _forms(name: str, kind: str | None = None):
    forms = parse_document(read_text((FIXTURES / name).read_bytes())).forms
    return [f for f in forms if kind is None or f.form_kind == kind]


def _row(n: int, line: int, ends_known: bool = False) -> Block:
    """A cell-per-line row of Word's text export, which may go on in the next block."""
    cells = [Cell([(line + k, f"c{line + k}")], col=k) for k in range(n)]
    return Block("row", line, line + n - 1, cells=cells, ends_known=ends_known)


@pytest.mark.parametrize(
    ("sizes", "width", "expected"),
    [
        ([6, 6], 6, [(0, 1, 6), (1, 2, 6)]),  # whole rows stay as they are
        ([4, 2, 6], 6, [(0, 2, 6), (2, 3, 6)]),  # a row split in two is rejoined
        ([1, 15, 7, 1, 1, 7], 16, [(0, 2, 16), (2, 6, 16)]),  # the 001 wide table's splits
        ([7, 10], 16, [(0, 2, 17)]),  # overshoot: returned as is, for the caller to report
        ([6, 3], 6, [(0, 1, 6), (1, 2, 3)]),  # short at the end: returned as is
    ],
)
def test_merge_rows_to_width(sizes, width, expected):
    blocks, line = [], 1
    for n in sizes:
        blocks.append(_row(n, line))
        line += n + 1
    got = [(s, e, len(cells)) for s, e, cells in merge_rows_to_width(blocks, width)]
    assert got == expected


def test_rows_whose_layout_ends_them_are_never_merged():
    """A markdown or tab row, or one cut from a cell stream by its labels, is whole however short."""
    blocks = [_row(4, 1, ends_known=True), _row(2, 6, ends_known=True)]
    assert [(s, e, len(cells)) for s, e, cells in merge_rows_to_width(blocks, 6)] == [(0, 1, 4), (1, 2, 2)]


@pytest.mark.parametrize(
    ("name", "kind", "subject", "amount"),
    [
        # (label as printed, text as printed, value in 万元, unit, line)
        (SUMMARY, "special_fund_summary", "农田水利建设资金", ("资金总额", "900000", Decimal("90"), "元", 15)),
        (SUMMARY, "special_fund_summary", "乡村道路养护经费", ("资金总额", "125000元", Decimal("12.5"), "元", 23)),
        (SUMMARY, "special_fund_summary", "图书馆免费开放补助", ("资金总额", "12.5万元", Decimal("12.5"), "万元", 33)),
        (
            "spending_direction_wide_tsv.txt",
            "spending_direction_target",
            "基本公共卫生服务补助",
            ("支出方向年度金额（万元）", "350.5", Decimal("350.5"), "万元", 5),
        ),
    ],
)
def test_one_form_per_row_with_its_amount(name, kind, subject, amount):
    form = next(f for f in _forms(name, kind) if f.subject_name == subject)
    a = form.amounts[0]
    assert (a.item_label_printed, a.text_printed, a.value_wan, a.unit_printed, a.line_no) == amount


def test_summary_columns_are_mapped_by_header_not_position():
    forms = _forms("special_fund_summary_yuan.txt", "special_fund_summary")
    assert len(forms) == 3
    split_row = forms[1]  # its 支出方向 and goals come after a blank line
    fields = {f.field_key: f.value_printed for f in split_row.fields}
    assert fields["supervising_department"] == "县交通局"
    assert fields["spending_direction"] == "农村公路"
    assert fields["annual_goal"] == "养护道路300公里"
    assert fields["period_goal"] == "道路完好率提高"
    assert fields["reporting_department"] == "某市某县财政局"
    assert all(i.severity == "info" for f in forms for i in f.issues)


def test_wide_table_with_extra_column_and_printed_level1_row():
    forms = _forms("spending_direction_wide_tsv.txt", "spending_direction_target")
    assert [f.subject_name for f in forms] == ["基本公共卫生服务补助"] * 2
    first, second = forms
    assert [(i.level1_printed, i.level2_printed, i.target_text) for i in first.indicators] == [
        ("产出指标", "数量指标", "服务人口12万人"),
        ("产出指标", "质量指标", "规范管理率≥60%"),
        ("产出指标", "时效指标", "2022年12月底前"),
        ("产出指标", "成本指标", "人均89元"),
        ("效益指标", "社会效益指标", "居民健康水平提高"),
        ("满意度指标", "服务对象满意度指标", "≥90%"),
    ]
    # empty cells and 无 are not indicators
    assert [i.level2_printed for i in second.indicators] == ["数量指标", "质量指标", "社会效益指标", "可持续影响指标"]
    # the unknown column is kept with its printed label and reported
    extra = [f for f in first.fields if f.label_printed == "资金来源"]
    assert [(f.field_key, f.value_printed) for f in extra] == [(None, "中央、省级")]
    assert [i.code for i in first.issues] == ["unknown_column"]


def test_department_declaration_with_income_parts_and_indicator_table():
    (form,) = _forms("department_declaration_table.txt", "department_declaration")
    assert form.subject_name == "某县民政局"
    assert [(a.item_label_printed, a.value_wan, a.parent_seq, a.section, a.stage_printed) for a in form.amounts] == [
        ("年度资金总额", Decimal("500"), None, None, "年度资金申请"),
        ("财政拨款", Decimal("450"), 0, "按收入性质分", "年度资金申请"),
        ("其他资金", Decimal("50"), 0, "按收入性质分", "年度资金申请"),
    ]
    assert [(i.level1_printed, i.level2_printed, i.level3, i.target_text) for i in form.indicators] == [
        ("产出指标", "数量指标", "救助人数", "≥1000人"),
        ("产出指标", "质量指标", "资金发放准确率", "100%"),
        ("效益指标", "社会效益指标", "群众满意度", "≥95%"),
    ]
    assert form.issues == []


def _cells(*texts: str) -> str:
    return "".join(f"\t{t}\n" for t in texts) + "\n"


@pytest.mark.parametrize(
    ("level1_row", "expected"),
    [
        # the older framework: 成本 under 产出, 满意度 under 效益 (the 001 layout)
        (("产出指标", "效益指标"), ["产出指标", "产出指标", "效益指标", "效益指标"]),
        # the newer framework prints 满意度指标 as its own 一级 label
        (("产出指标", "效益指标", "满意度指标"), ["产出指标", "产出指标", "效益指标", "满意度指标"]),
        # no 一级 row at all: each 二级 label's family gives it
        ((), ["产出指标", "产出指标", "效益指标", "满意度指标"]),
    ],
)
def test_cell_per_line_level1_spans_come_from_the_level2_family(level1_row, expected):
    empties = [""] * 3
    text = (
        "2023年专项资金支出方向绩效目标表\n\n"
        + _cells("支出方向", "所属专项名称", "支出方向年度金额", "绩效指标")
        + (_cells(*empties, *level1_row) if level1_row else "")
        + _cells(*empties, "数量指标", "成本指标", "社会效益指标", "服务对象满意度指标")
        + _cells("养老", "养老服务补贴", "20", "500人", "40元/人", "老人生活改善", "≥95%")
    )
    (form,) = [f for f in parse_document(read_text(text.encode())).forms if f.form_kind == "spending_direction_target"]
    assert [i.level1_printed for i in form.indicators] == expected
    assert form.amounts[0].value == Decimal("20")
    # no 单位 line and no unit in the cell or the label: kept, value in 万元 left empty, reported
    assert form.amounts[0].value_wan is None
    assert [i.code for i in form.issues] == ["amount_without_unit"]

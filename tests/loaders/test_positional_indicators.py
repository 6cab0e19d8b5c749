"""The positional indicator reader, one odd row per case (synthetic tab-separated tables)."""

from __future__ import annotations

import pytest

from loaders.extract.positional_indicators import is_positional, read_positional_indicator_table
from loaders.readers.text import read_text
from loaders.vocabulary import load_vocabulary

HEADER = "一级 指标\t二级指标\t三级 指标\t指标 值\t指标值内容\t评扣分 标准\t度量 单位\t指标值 类型\t备注"


def _read(*rows: str):
    doc = read_text("\n".join([HEADER, *rows]).encode("utf-8"))
    assert is_positional(doc.blocks[0])
    return read_positional_indicator_table(doc.blocks, 0, load_vocabulary())


def _view(result):
    # line numbers counted from the first row under the header
    return [
        (i.level1_printed, i.level2_printed, i.level3, i.target_text, i.line_start - 1, i.line_end - 1) for i in result.indicators
    ]


@pytest.mark.parametrize(
    ("rows", "expected", "placeholders"),
    [
        # an empty level-2 row is a placeholder; a row saying 无 too
        (["成本指标\t经济成本指标+\t\t\t\t\t\t\t", "\t社会成本指标+\t\t无\t\t\t\t\t"], [], 2),
        # level labels fill down, spaces and + kept as printed
        (
            ["产出 指示\t数量指标+\t人数\t3\t\t\t人\t≥\t10 分", "\t\t次数\t2\t\t\t次\t≥\t"],
            [("产出 指示", "数量指标+", "人数", "3", 1, 1), ("产出 指示", "数量指标+", "次数", "2", 2, 2)],
            0,
        ),
        # a row broken by a page: no level cells, no 指标值 — merged into the indicator above
        (
            [
                "效益指标\t社会效益指标+\t保障粮食质\t达成\t维护种粮农民利益,确保全市粮\t\t\t\t",
                "",
                "\t\t量安全\t\t食数量、质量安全\t\t\t\t",
            ],
            [("效益指标", "社会效益指标+", "保障粮食质量安全", "达成", 1, 3)],
            0,
        ),
        # a level-2 label printed in the level-1 column is read as level 2
        (
            ["产出指标\t数量指标+\t人数\t3\t\t\t\t\t", "时效指标+\t\t\t\t\t\t\t\t"],
            [("产出指标", "数量指标+", "人数", "3", 1, 1)],
            1,
        ),
        # a level-1 label broken over a page (效益 … 指标) is joined again
        (
            ["效益\t经济效益指标+\t\t\t\t\t\t\t", "指标\t社会效益指标+\t入学\t≥98%\t\t\t\t\t"],
            [("效益指标", "社会效益指标+", "入学", "≥98%", 2, 2)],
            1,
        ),
        # a level-1 label printed inside a level-2 group takes the whole group
        (
            [
                "成本指标\t经济成本指标+\t费用\t100%\t\t\t\t\t",
                "\t数量指标+\tAPP\t1个\t\t\t\t\t",
                "产出指示\t\t平台\t1个\t\t\t\t\t",
            ],
            [
                ("成本指标", "经济成本指标+", "费用", "100%", 1, 1),
                ("产出指示", "数量指标+", "APP", "1个", 2, 2),
                ("产出指示", "数量指标+", "平台", "1个", 3, 3),
            ],
            0,
        ),
    ],
)
def test_odd_rows(rows, expected, placeholders):
    result = _read(*rows)
    assert _view(result) == expected
    assert result.placeholders == placeholders


def test_values_stay_in_their_columns_and_weights_come_from_remarks():
    result = _read("满意度指标\t服务对象满意度指标+\t满意度\t\t按满意率计算\t小于 90%扣分\t%\t$\\geq$\t20分")
    ind = result.indicators[0]
    assert (ind.target_text, ind.target_content, ind.scoring_rule, ind.unit_printed, ind.value_type_printed) == (
        None,
        "按满意率计算",
        "小于 90%扣分",
        "%",
        "$\\geq$",
    )
    assert (ind.remark, ind.weight_text) == ("20分", "20分")

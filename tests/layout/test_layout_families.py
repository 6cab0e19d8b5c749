"""The layout step: one row per text-layout family, each a small synthetic form of our own.

Every family must come out as the same grid: the header labels in one row, each data row with its cells
in order, and every cell keeping the line it was printed on.
"""

from __future__ import annotations

import pytest

from loaders.layout.glued import split_numbers
from loaders.readers.text import read_text

HEADER = ["项目名称", "乡村道路养护"]
FUNDING = ["年度资金总额", "120", "118", "98.33%"]

BUDGET = ["budget_full_year", "executed"]
FAMILIES = {
    "tab cell per line": "\t项目名称\n\t乡村道路养护\n\n\t年度资金总额\n\t120\n\t118\n\t98.33%\n",
    "cell then pipe, rows closed by pipe runs": (
        "项目名称 |\n乡村道路养护 |\n||||\n年度资金总额 |\n120 |\n118 |\n98.33% |\n||\n"
    ),
    "pipe rows padded to the table width": "项目名称 | 乡村道路养护 | |||||\n年度资金总额 | 120 | 118 | 98.33% | |||\n",
    "markdown rows": "| 项目名称 | 乡村道路养护 |\n|---|---|\n| 年度资金总额 | 120 | 118 | 98.33% |\n",
    "tab-separated rows": "项目名称\t乡村道路养护\n年度资金总额\t120\t118\t98.33%\n",
    "spaced rows (two or more spaces)": "项目名称  乡村道路养护\n年度资金总额  120  118  98.33%\n",
    "spaced rows (one space)": "项目名称 乡村道路养护\n年度资金总额 120 118 98.33%\n",
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_gives_the_same_rows(family):
    doc = read_text(FAMILIES[family].encode())
    rows = [b.texts for b in doc.blocks if b.kind == "row"]
    assert rows[0][:2] == HEADER
    assert [t for t in rows[1] if t] == FUNDING
    for block in doc.blocks:
        for cell in block.cells:
            assert cell.text in doc.line_text(cell.line)


def test_unclosed_pipe_run_is_cut_by_its_columns():
    """A table copied with no row ends: its width is where the numbers line up under a header."""
    cells = ["村名", "金额", "备注", "甲村", "50", "", "乙村", "110", "", "合 计", "160", ""]
    text = "标题行\n" + "".join(f"{c} |\n" if c else "|\n" for c in cells) + "说明\n"
    rows = [b.texts for b in read_text(text.encode()).blocks if b.kind == "row"]
    assert rows == [["村名", "金额", "备注"], ["甲村", "50", ""], ["乙村", "110", ""], ["合 计", "160", ""]]


def test_glued_form_is_cut_at_labels_and_number_shapes():
    line = (
        "某县专项资金绩效目标自评表专项资金名称乡村道路养护县级主管部门某县交通运输局实施单位某县公路站"
        "项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A)年度资金总额12011898.33%其他资金"
        "绩效指标一级指标二级指标三级指标年度指标值全年完成值产出指标数量指标养护里程120公里120公里"
        "质量指标验收合格率100%100%满意度指标服务对象满意度指标群众满意度95%96%"
    )
    rows = [b.texts for b in read_text(line.encode()).blocks if b.kind == "row"]
    assert ["专项资金名称", "乡村道路养护"] in rows
    assert ["县级主管部门", "某县交通运输局"] in rows
    assert ["年度资金总额", "120", "118", "98.33%"] in rows


def test_glued_item_table_rows_close_at_each_amount():
    line = (
        "关于下达某专项资金的通知,现下达资金18万元,请按规定加强资金管理并及时反馈资金使用情况。附件1某县专项资金分配表单位:万元序号单位项目金额"
        "1上杭县甲村道路硬化项目10乙村饮水工程二期项目5小计152漳平市丙村文化长廊项目3小计3合计18"
        "附件2某县专项资金绩效目标表(2024年度)项目名称甲村道路硬化项目主管部门某县交通运输局实施单位某县公路站"
    )
    rows = [b.texts for b in read_text(line.encode()).blocks if b.kind == "row"]
    assert rows[0] == ["序号", "单位", "项目", "金额"]
    assert ["1", "上杭县", "甲村道路硬化项目", "10"] in rows
    assert ["", "", "乙村饮水工程二期项目", "5"] in rows
    assert ["小计", "", "", "15"] in rows
    assert ["2", "漳平市", "丙村文化长廊项目", "3"] in rows
    assert ["合计", "", "", "18"] in rows


@pytest.mark.parametrize(
    ("run", "columns", "cut"),
    [
        ("202010100.00%10", [*BUDGET, "weight", "execution_rate", "score"], ["20", "20", "10", "100.00%", "10"]),
        ("194.9194.9100%", ["budget_full_year", "executed", "execution_rate"], ["194.9", "194.9", "100%"]),
        ("1005050%", ["budget_full_year", "executed", "execution_rate"], ["100", "50", "50%"]),
        ("10050100%", ["budget_full_year", "executed", "execution_rate"], None),  # no cut fits the rate
        ("12", ["budget_full_year", "executed", "execution_rate"], None),
    ],
)
def test_glued_digits_are_cut_so_the_rate_fits(run, columns, cut):
    assert split_numbers(run, columns) == cut


@pytest.mark.parametrize(
    "line",
    [
        "根据有关文件精神,现将资金下达如下 其中一部分用于道路建设。 另一部分用于饮水工程",
        "一、 产出指标",
        "2025年 10 月  17日",
    ],
)
def test_prose_stays_prose(line):
    assert [b.kind for b in read_text(line.encode()).blocks] == ["paragraph"]


SELF_EVALUATION_CELLS = [
    "某县项目支出绩效自评表", "(2023年度)", "项目名称", "乡村道路养护", "主管部门", "某县交通运输局",
    "项目资金(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
    "年度资金总额", "120", "120", "118", "10", "98.33%", "9.8",
    "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
    "产出指标", "数量指标", "养护里程", "≥120公里", "125公里", "20", "20", "无",
    "路面修补面积", "≥3000平方米", "3200平方米", "10", "10", "无",
]  # fmt: skip


@pytest.mark.parametrize(
    "family",
    [
        "\n\n".join(SELF_EVALUATION_CELLS) + "\n",  # one cell per line, blank lines between
        "\n".join(SELF_EVALUATION_CELLS) + "\n",  # one cell per line, nothing between
        " ".join(SELF_EVALUATION_CELLS) + "\n",  # a scanned page read by OCR: the whole page on one line
    ],
    ids=["cells between blank lines", "one cell per line", "ocr page on one line"],
)
def test_cell_streams_are_cut_into_rows_by_their_labels(family):
    from loaders.extract import parse_document

    doc = read_text(family.encode())
    rows = [b.texts for b in doc.blocks if b.kind == "row"]
    assert ["年度资金总额", "120", "120", "118", "10", "98.33%", "9.8"] in rows
    form = parse_document(doc).forms[0]
    assert form.form_kind == "project_self_evaluation" and form.subject_name == "乡村道路养护"
    assert [(i.level3, i.target_text, i.actual_text) for i in form.indicators] == [
        ("养护里程", "≥120公里", "125公里"),
        ("路面修补面积", "≥3000平方米", "3200平方米"),
    ]
    assert sorted(str(a.value_wan) for a in form.amounts) == ["118", "120", "120"]


OCR_MARKDOWN = """# 项目支出绩效自评表

| 项目名称 | 乡村道路养护 | | |
| --- | --- | --- | --- |
| 主管部门 | 某县交通运输局 | 实施单位 | 某县公路站 |
| 项目资金(万元) | | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
| | 年度资金总额 | 120 | 120 | 118 | 10 | 98.33% | 9.8 |
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| 产出指标 | 数量指标+ | 养护里程 | $\\geq 120$公里 | 125公里 | 20 | 20 | |
| 路面修补面积 | ≥3000平方米 | 3200平方米 | 10 | 10 | | | |
"""


def test_ocr_markdown_rows_that_dropped_their_merged_cells_are_aligned_by_labels():
    """OCR markdown leaves out the cells a merge covers and pads the row at its end instead."""
    from loaders.extract import parse_document

    form = parse_document(read_text(OCR_MARKDOWN.encode())).forms[0]
    assert form.subject_name == "乡村道路养护"
    assert [(i.level2_printed, i.level3, i.actual_text) for i in form.indicators] == [
        ("数量指标+", "养护里程", "125公里"),
        ("数量指标+", "路面修补面积", "3200平方米"),
    ]


ROWS_GLUED = """某县项目支出绩效自评表
(2023年度)
项目名称乡村道路养护
主管部门某县交通运输局实施单位某县公路站
项目资金(万元)年初预算数全年预算数全年执行数分值执行率得分
年度资金总额202010100.00%10
其中:财政拨款2020—100.00%—
一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施
产出指标数量指标养护里程≥120公里125公里2020无
路面修补面积≥3000平方米3200平方米1010
质量指标验收合格率≥95%100%2020
"""


def test_a_form_printed_row_by_row_with_glued_cells():
    """Each row on its own line, its cells run together: ``202010100.00%10`` is 20 · 20 · 10 · 100.00% · 10."""
    from loaders.extract import parse_document

    doc = read_text(ROWS_GLUED.encode())
    rows = [b.texts for b in doc.blocks if b.kind == "row"]
    assert ["年度资金总额", "", "20", "20", "10", "100.00%", "10"] in rows
    assert ["其中:财政拨款", "", "20", "20", "—", "100.00%", "—"] in rows
    form = parse_document(doc).forms[0]
    assert form.subject_name == "乡村道路养护"
    assert [(i.level3, i.target_text, i.actual_text, i.weight_text, i.score_text) for i in form.indicators] == [
        ("养护里程", "≥120公里", "125公里", "20", "20"),
        ("路面修补面积", "≥3000平方米", "3200平方米", "10", "10"),
        ("验收合格率", "≥95%", "100%", "20", "20"),
    ]
    assert sorted(str(a.value_wan) for a in form.amounts) == ["20", "20", "20", "20"]


MARKDOWN_TARGET = """# 2023年项目支出绩效目标申报表

| 项目名称 | 乡村道路养护 | | | |
|---|---|---|---|---|
| 主管部门 | 某县交通运输局 | 实施单位 | 某县公路站 | |
| 项目资金(万元) | 年度资金总额: | 120 | | |
| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值 |
| | 产出指标 | 数量指标 | 养护里程 | $\\geq 120$公里 |
| 路面修补面积 | ≥3000平方米 | | | |
| 质量指标 | 验收合格率 | ≥95% | | |
| 效益指标 | 社会效益指标 | 群众出行条件 | 明显改善 | |
"""


def test_markdown_target_form_with_shifted_rows():
    """Some markdown rows keep their empty cells, others dropped the merged ones and were padded at the end."""
    from loaders.extract import parse_document

    form = parse_document(read_text(MARKDOWN_TARGET.encode())).forms[0]
    assert form.form_kind == "project_target"
    assert [(i.level1_printed, i.level2_printed, i.level3, i.target_text) for i in form.indicators] == [
        ("产出指标", "数量指标", "养护里程", "$\\geq 120$公里"),
        ("产出指标", "数量指标", "路面修补面积", "≥3000平方米"),
        ("产出指标", "质量指标", "验收合格率", "≥95%"),
        ("效益指标", "社会效益指标", "群众出行条件", "明显改善"),
    ]


def test_glued_form_in_traditional_characters_is_cut_at_the_same_labels():
    """Forms printed in 繁體 (項目名稱, 年度資金總額) are cut like simplified ones; cells keep the printed text."""
    from opencc import OpenCC

    line = OpenCC("s2t").convert(
        "某县专项资金绩效目标自评表专项资金名称乡村道路养护县级主管部门某县交通运输局实施单位某县公路站"
        "项目资金(万元)全年预算数(A)全年执行数(B)执行率(B/A)年度资金总额12011898.33%其他资金"
        "绩效指标一级指标二级指标三级指标年度指标值全年完成值产出指标数量指标养护里程120公里120公里"
    )
    rows = [b.texts for b in read_text(line.encode()).blocks if b.kind == "row"]
    assert ["專項資金名稱", "鄉村道路養護"] in rows
    assert ["年度資金總額", "120", "118", "98.33%"] in rows


def test_glued_scored_rows_with_numbered_names_and_one_character_answers():
    """指标N numbering (also before a name that starts with a year), a one-character answer met as
    printed (是是), a title that holds a label (…项目绩效目标自评表) and a name ending in 项目 before 项目实施单位."""
    line = (
        "某县稻种补贴项目绩效目标自评表(2022年度)项目名称稻种补贴项目实施单位某县农技中心"
        "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施"
        "产出指标(50分)数量指标指标1发放稻种10500吨500吨10时效指标指标12022年10月底前完成发放1010月底完成10月底完成10"
        "成本指标指标1采购价格不高于市场价10是是10"
    )
    blocks = read_text(line.encode()).blocks
    assert blocks[0].kind == "paragraph" and blocks[0].text == "某县稻种补贴项目绩效目标自评表"
    rows = [b.texts for b in blocks if b.kind == "row"]
    assert ["项目名称", "稻种补贴项目"] in rows
    assert ["实施单位", "某县农技中心"] in rows
    assert ["数量指标", "指标1发放稻种", "10", "500吨", "500吨", "10", ""] in rows
    assert ["时效指标", "指标12022年10月底前完成发放", "10", "10月底完成", "10月底完成", "10", ""] in rows
    assert ["成本指标", "指标1采购价格不高于市场价", "10", "是", "是", "10", ""] in rows


def test_a_pipe_cell_broken_over_lines_is_one_cell():
    """A cell-run export breaks a long cell's text over lines and puts the pipe after its last line; a text
    cut off before its last pipe ends in such a line."""
    text = "项目名称 |\n乡村道路\n养护工程 |\n||||\n资金总额 |\n120 |\n||\n实施单位 |\n某县公路\n"
    rows = [b.texts for b in read_text(text.encode()).blocks if b.kind == "row"]
    assert rows == [["项目名称", "乡村道路养护工程"], ["资金总额", "120"], ["实施单位", "某县公路"]]

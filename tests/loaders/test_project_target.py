"""The 项目总体绩效目标表 layout of the 002 sample, read end to end without a database."""

from __future__ import annotations

from decimal import Decimal

from loaders.extract import parse_document
from loaders.landing import document_status
from loaders.readers.text import read_text
from tests.conftest import sample


def _parsed():
    return parse_document(read_text(sample("002").read_bytes()))


def test_six_projects_with_names_and_spans():
    forms = [f for f in _parsed().forms if f.form_kind == "project_target"]
    assert [f.subject_name for f in forms] == [
        "城乡医疗救助",
        "康复救助",
        "健康民生项目",
        "80岁以上老年人补助津贴",
        "城镇老旧小区改造项目（中央、省级资金）",
        "就业专项资金",
    ]
    # form 5's title was glued onto form 4's last cell in the export: it must start a new form
    assert forms[4].title == "2021年城镇老旧小区改造项目总体绩效目标表"
    assert forms[3].line_end < forms[4].line_start


def test_indicator_counts_match_the_gold():
    forms = _parsed().forms
    assert [len(f.indicators) for f in forms] == [9, 9, 15, 8, 9, 9]


def test_funding_sentence_becomes_total_and_parts():
    form = _parsed().forms[0]
    amounts = [(a.item_label_printed, a.value_wan, a.parent_seq, a.line_no) for a in form.amounts]
    assert amounts == [
        ("总额", Decimal("900"), None, 34),
        ("申请预计中央、省、市级财政下达", Decimal("300"), 0, 34),
        ("区财政安排", Decimal("600"), 0, 34),
    ]


def test_shares_are_kept_as_percentages():
    form = _parsed().forms[2]
    shares = [(a.item_label_printed, a.share_pct, a.value) for a in form.amounts if a.share_pct is not None]
    assert shares == [("上级补助", Decimal("40"), None), ("区级补助", Decimal("60"), None)]


def test_qualitative_targets_are_fields_not_indicators():
    form = _parsed().forms[0]
    qualitative = [f.value_printed for f in form.fields if f.field_key == "qualitative_target"]
    assert qualitative[1] == "做到应救尽救，有效缓解贫困"
    assert all("定性目标" not in (i.level2_printed or "") for i in form.indicators)


def test_every_value_is_in_its_source_line():
    parsed = _parsed()
    lines = {ln.no: ln.text for ln in parsed.read.lines}
    for form in parsed.forms:
        for ind in form.indicators:
            span = "".join(lines[n] for n in range(ind.line_start, ind.line_end + 1)).replace(" ", "")
            for value in (ind.level3, ind.target_text):
                if value:
                    assert value.replace(" ", "") in span.replace("\t", "")
        for a in form.amounts:
            assert a.text_printed.replace(" ", "") in lines[a.line_no].replace(" ", "")


_ROAD_FORM = "2024年项目支出绩效目标表\n项目名称\t乡村道路养护\n"
_ROAD_INDICATORS = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t养护里程\t≥120公里\n"


def _parsed_text(text: str):
    return parse_document(read_text(text.encode()))


def test_a_form_whose_printed_money_is_not_read_is_partial():
    """Status that tells the truth: money printed where no form read any makes the document partial, with the line."""
    text = _ROAD_FORM + _ROAD_INDICATORS + "说明\t本项目另安排配套资金50万元，由乡镇统筹。\n"
    parsed = _parsed_text(text)
    assert [len(f.amounts) for f in parsed.forms] == [0]
    status, reason = document_status(parsed)
    assert status == "partial" and "none read" in reason
    assert [(i.code, i.line_no) for i in parsed.issues] == [("amounts_not_read", 5)]
    # a rate per person is not a sum of money: nothing to report
    rate = _parsed_text(text.replace("另安排配套资金50万元", "补助标准为每人500元"))
    assert [i.code for i in rate.issues] == []


def test_bare_figures_under_a_unit_line_that_no_form_read_make_the_document_partial():
    """A table in 万元 prints its sums bare; when no form reads them, the unit line says they are money."""
    text = _ROAD_FORM + _ROAD_INDICATORS + "附：配套资金安排\n单位：万元\n甲镇 道路 35.5 12\n乙镇 桥梁 20 8\n"
    parsed = _parsed_text(text)
    assert document_status(parsed)[0] == "partial"
    assert [(i.code, i.line_no) for i in parsed.issues if i.code == "amounts_not_read"] == [("amounts_not_read", 7)]
    # a year and a list number are not figures
    years = _parsed_text(text.replace("甲镇 道路 35.5 12", "1、2024年 完成").replace("乙镇 桥梁 20 8", ""))
    assert "amounts_not_read" not in [i.code for i in years.issues]


def test_rows_of_figures_outside_every_form_make_the_document_partial():
    """Table rows of figures that no form covers (a header no vocabulary names) are reported, with the first row."""
    table = "某某资金安排情况\n地方\t批次甲\t批次乙\n甲镇\t35.5\t12\n乙镇\t20\t8\n\n"
    parsed = _parsed_text(table + _ROAD_FORM + "年度资金总额\t50万元\n" + _ROAD_INDICATORS)
    assert [f.amounts[0].value_wan for f in parsed.forms] == [50]
    assert document_status(parsed)[0] == "partial"
    assert [(i.code, i.line_no) for i in parsed.issues if i.code == "figures_not_read"] == [("figures_not_read", 3)]


def test_one_wide_row_of_figures_outside_every_form_makes_the_document_partial():
    """A table whose rows a layout could not cut arrives as one wide row of figures: still reported."""
    table = "某某资金安排情况\n地方\t批次甲\t批次乙\t批次丙\n甲镇 35.5 12 9 乙镇 20 8 6\t17.5\t22\t30\n\n"
    parsed = _parsed_text(table + _ROAD_FORM + "年度资金总额\t50万元\n" + _ROAD_INDICATORS)
    assert document_status(parsed)[0] == "partial"
    assert [i.code for i in parsed.issues if i.code == "figures_not_read"] == ["figures_not_read"]

"""项目支出绩效自评表 (not in the samples): a synthetic tab-separated form read end to end."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loaders.extract import parse_document
from loaders.readers.text import read_text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "project_self_evaluation.txt"


def _form():
    parsed = parse_document(read_text(FIXTURE.read_bytes()))
    assert [f.form_kind for f in parsed.forms] == ["project_self_evaluation"]
    return parsed.forms[0]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("project_name", "农村公路养护补助"),
        ("supervising_department", "某县交通运输局"),
        ("implementing_unit", "某县公路建设养护中心"),
        ("funding_weight", "10"),
        ("funding_execution_rate", "90.33%"),
        ("funding_score", "9"),
        ("overall_target_expected", "完成农村公路日常养护300公里，路况优良率不低于80%。"),
        ("total_weight", "100"),
        ("total_score", "94"),
        ("filled_by", "张三"),
    ],
)
def test_fields(key, value):
    fields = {f.field_key: f.value_printed for f in _form().fields}
    assert fields[key] == value


def test_funding_total_and_parts_by_column():
    form = _form()
    assert form.subject_name == "农村公路养护补助"
    rows = [
        (a.item_label_printed, a.stage_printed, a.value_wan, a.year, a.line_no) for a in form.amounts if a.section == form.title
    ]
    assert rows == [
        ("年度资金总额", "年初预算数", Decimal("120"), 2023, 8),
        ("年度资金总额", "全年预算数", Decimal("150"), 2023, 8),
        ("年度资金总额", "全年执行数", Decimal("135.5"), 2023, 8),
        ("当年财政拨款", "年初预算数", Decimal("100"), 2023, 9),
        ("当年财政拨款", "全年预算数", Decimal("130"), 2023, 9),
        ("当年财政拨款", "全年执行数", Decimal("120.5"), 2023, 9),
        ("其他资金", "年初预算数", Decimal("20"), 2023, 11),
        ("其他资金", "全年预算数", Decimal("20"), 2023, 11),
        ("其他资金", "全年执行数", Decimal("15"), 2023, 11),
    ]
    # each part points at the total of its own column; the blank 上年结转资金 row lands nothing
    for part in form.amounts[3:9]:
        assert form.amounts[part.parent_seq].stage_printed == part.stage_printed
        assert form.amounts[part.parent_seq].item_label_printed == "年度资金总额"


def test_amounts_in_the_actual_text_keep_their_其中():
    form = _form()
    actual = [(a.item_label_printed, a.value, a.parent_seq) for a in form.amounts if a.section == "年度总体目标 实际完成情况"]
    assert actual == [("支付养护补助", Decimal("135.5"), None), ("人工费", Decimal("80"), 9), ("材料费", Decimal("55.5"), 9)]


def test_indicators_with_actuals_scores_and_placeholders():
    form = _form()
    rows = [(i.level1_printed, i.level2_printed, i.level3, i.actual_text, i.weight_text, i.score_text) for i in form.indicators]
    assert len(rows) == 7  # the empty 生态效益指标 row is a placeholder
    assert rows[1] == ("产出指标(50分)", "质量指标", "路况优良率", "78%", "15", "12")
    assert rows[5] == ("成本指标(0分)", "经济成本指标", "每公里养护成本", "0.43万元", "0", "0")
    assert form.indicators[1].deviation_note == "雨季水毁，下年加强预防性养护"
    fields = {f.field_key: f.value_printed for f in form.fields}
    weights = sum(Decimal(i.weight_text) for i in form.indicators) + Decimal(fields["funding_weight"])
    assert weights == Decimal(fields["total_weight"])


def test_numbered_indicator_names_lose_their_numbering():
    """The template's 指标N numbering is not part of the name, also before a name that starts with a year."""
    line = (
        "某县稻种补贴项目绩效目标自评表(2022年度)项目名称稻种补贴项目实施单位某县农技中心"
        "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及改进措施"
        "产出指标(50分)数量指标指标1发放稻种10500吨500吨10时效指标指标12022年10月底前完成发放1010月底完成10月底完成10"
    )
    parsed = parse_document(read_text(line.encode()))
    names = [(i.level3, i.target_text) for f in parsed.forms for i in f.indicators]
    assert names == [("发放稻种", "500吨"), ("2022年10月底前完成发放", "10月底完成")]
    assert [f.subject_name for f in parsed.forms] == ["稻种补贴项目"]

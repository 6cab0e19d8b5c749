"""Money in prose (table-driven, one row per odd printed shape) and the narrative recogniser on a small report.

The sentences are synthetic: each carries one shape that real reports print (thousands separators,
traditional characters with a converter's pinyin, masked amounts, per-person standards, document numbers,
其中 / 分别为 parts …), not text copied from any of them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.amounts import amounts_in_sentence, masked_amounts, to_wan
from loaders.errors import NotAPerformanceDocument
from loaders.extract import parse_document
from loaders.extract.prose_report import find
from loaders.landing import document_status
from loaders.model import Block, Cell, ReadDocument
from loaders.readers.text import read_text
from loaders.textnorm import clean, clean_mapped, printed_slice
from loaders.vocabulary import load_vocabulary


def _read(sentence: str) -> list[tuple]:
    """(label, value, unit, parent, per_unit, target) of every amount in a sentence."""
    return [(a.label, a.value, a.unit, a.parent, a.per_unit, a.target) for a in amounts_in_sentence(sentence)]


D = Decimal


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # thousands separators group by three from a short head
        ("拨付资金1,234.56万元", [("拨付资金", D("1234.56"), "万元", None, False, False)]),
        ("预算12,345,678元", [("预算", D("12345678"), "元", None, False, False)]),
        # traditional characters: 萬元 is 万元, the label keeps its printed characters
        ("下達資金共20萬元", [("下達資金共", 20, "萬元", None, False, False)]),
        # a converter's pinyin after a character is noise: read as if absent
        ("撥(bō)付資(zī)金35萬(wàn)元", [("撥付資金", 35, "萬元", None, False, False)]),
        ("安排资金3亿元", [("安排资金", 3, "亿元", None, False, False)]),
        # per-person and per-month standards are rates, not sums of money
        ("补助标准4000元/人", [("补助标准", 4000, "元", None, True, False)]),
        ("发放1300元/人/月", [("发放", 1300, "元", None, True, False)]),
        # counts and quantities are never money
        ("资助学生3000名", []),
        ("惠及群众11万人次", []),
        ("新建水塔20米100吨", []),
        # a document number, a date and a year carry digits, not amounts
        ("依据某财〔2022〕153号文件，于2022年6月14日下达资金50万元", [("下达资金", 50, "万元", None, False, False)]),
        ("编制指标12个，其中一级指标3个", []),
        # masked digits are not numbers
        ("全年预算数78.*元，执行数*元", []),
        ("资金**万元", []),
        # a comparator makes a target (an indicator value), not money spent
        ("产值≥80万元", [("产值", 80, "万元", None, False, True)]),
        ("成本不超过150万元", [("成本", 150, "万元", None, False, True)]),
        # 其中 parts point at the total before them; a list separated by 、 is still parts
        (
            "下达资金300万元，其中:甲镇100万元、乙镇200万元",
            [
                ("下达资金", 300, "万元", None, False, False),
                ("甲镇", 100, "万元", 0, False, False),
                ("乙镇", 200, "万元", 0, False, False),
            ],
        ),
        # a bracketed document number between a total and its 其中 does not separate them; an adjustment
        # and a year total after the parts are not parts
        (
            "下达补助资金90万元(某财〔2021〕7号)，其中甲资金60万元，乙资金30万元，调减10万元，全年实际下达80万元",
            [
                ("下达补助资金", 90, "万元", None, False, False),
                ("甲资金", 60, "万元", 0, False, False),
                ("乙资金", 30, "万元", 0, False, False),
                ("调减", 10, "万元", None, False, False),
                ("全年实际下达", 80, "万元", None, False, False),
            ],
        ),
        # 分别为 lists parts like 其中
        (
            "共安排资金50万元，分别为：修路30万元、修桥20万元",
            [
                ("共安排资金", 50, "万元", None, False, False),
                ("修路", 30, "万元", 0, False, False),
                ("修桥", 20, "万元", 0, False, False),
            ],
        ),
        # a list numbered （一） keeps its numbering out of the label
        ("（二）某镇下达资金12.5万元", [("某镇下达资金", D("12.5"), "万元", None, False, False)]),
        # full-width digits read as digits
        ("拨付资金１２万元", [("拨付资金", 12, "万元", None, False, False)]),
    ],
)
def test_amounts_in_prose_shapes(sentence, expected):
    assert _read(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "masked"),
    [
        ("全年预算数78.*元，执行数78.*元", ["78.*元", "78.*元"]),
        ("项目全年预算数*，执行数*元。", ["*", "*元"]),
        ("资金(≥**万元)", ["**万元"]),
        ("规格0.6*0.6米", []),  # a multiplication, not a mask
        ("下达资金50万元", []),
    ],
)
def test_masked_amounts_are_reported_as_printed(sentence, masked):
    assert masked_amounts(sentence) == masked


def test_printed_text_is_kept_as_printed():
    sentence = "安排資(zī)金共10,585萬(wàn)元"
    (a,) = amounts_in_sentence(sentence)
    assert a.value == Decimal("10585")
    assert to_wan(a.value, a.unit) == Decimal("10585")
    assert a.printed == "10,585萬(wàn)元"
    assert a.text == "安排資(zī)金共10,585萬(wàn)元"


@pytest.mark.parametrize(
    ("printed", "cleaned"),
    [
        ("績(jī)效", "績效"),
        ("長度(m)", "長度(m)"),  # plain latin in brackets is not a pinyin gloss
        ("<p>资金</p>  ≧95%", "资金 ≥95%"),
    ],
)
def test_clean_and_its_map_agree(printed, cleaned):
    text, spans = clean_mapped(printed)
    assert text == clean(printed) == cleaned
    assert printed_slice(printed, spans, 0, len(text)).strip() in printed


REPORT = """某县2023年某项目绩效自评报告
一、绩效目标分解下达情况
2023年某县下达项目资金120万元，其中:中央资金80万元、县级资金40万元。
二、绩效目标完成情况分析
（一）资金投入情况分析
项目资金已全部拨付，执行数115万元，执行率95.83%；补助标准为500元/户。
项目二全年预算数*元，执行数*元，完成预算的100%。
（二）产出指标完成情况
完成道路硬化3.5公里，受益群众1200人，满意度98%。
"""


def _parse(text: str):
    return parse_document(read_text(text.encode("utf-8")))


def test_a_report_is_read_by_its_content():
    parsed = _parse(REPORT)
    (form,) = parsed.forms
    assert form.form_kind == "self_evaluation_report"
    assert form.title == "某县2023年某项目绩效自评报告"
    got = [(a.item_label_printed, a.value, a.share_pct, a.parent_seq, a.section, a.year) for a in form.amounts]
    assert got == [
        ("某县下达项目资金", 120, None, None, "绩效目标分解下达情况", 2023),
        ("中央资金", 80, None, 0, "绩效目标分解下达情况", 2023),
        ("县级资金", 40, None, 0, "绩效目标分解下达情况", 2023),
        ("执行数", 115, None, None, "资金投入情况分析", 2023),
        ("执行率", None, Decimal("95.83"), 3, "资金投入情况分析", 2023),
    ]
    # the masked amounts are reported, which leaves the document partial; 500元/户 is noted, not landed
    codes = [(i.severity, i.code, i.text) for i in form.issues]
    assert ("warning", "masked_amount", "*元") in codes
    assert any(code == "not_funding" and "500元" in text for _, code, text in codes)
    assert document_status(parsed)[0] == "partial"


def test_a_notice_without_a_report_title_is_a_narrative():
    parsed = _parse(
        "关于下达2024年某专项资金的通知\n各有关乡镇:\n经研究，现下达某专项资金35.5万元，请加强资金管理，做好绩效评价。\n"
    )
    (form,) = parsed.forms
    assert form.form_kind == "narrative"
    assert [(a.value, a.unit_printed) for a in form.amounts] == [(Decimal("35.5"), "万元")]
    assert document_status(parsed) == ("ok", None)


def test_prose_with_no_budget_content_is_not_a_performance_document():
    with pytest.raises(NotAPerformanceDocument):
        _parse("春游通知\n本周六上午八点在校门口集合，请带好午餐和雨具，费用每人50元。\n")


def test_the_recogniser_offers_runs_of_paragraphs_only():
    def para(no: int, text: str) -> Block:
        return Block("paragraph", no, no, text=text)

    row = Block("row", 3, 3, cells=[Cell([(3, "资金总额")], 0), Cell([(3, "100")], 1)])
    doc = ReadDocument(
        lines=[],
        blocks=[
            para(1, "一、资金下达情况"),
            para(2, "下达项目资金100万元，用于绩效目标的实现。"),
            row,
            para(4, "项目资金已拨付90万元。"),
        ],
        file_format="text",
    )
    spans = [(s.block_start, s.block_end) for s in find(doc, load_vocabulary())]
    assert spans == [(0, 2), (3, 4)]

"""Money parsing: printed text → exact Decimal in 万元, and 其中 structure in sentences (table-driven)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.amounts import amounts_in_sentence, parse_money, unit_from_header


@pytest.mark.parametrize(
    ("printed", "default", "value", "wan"),
    [
        ("115.36 万元", None, "115.36", "115.36"),
        ("90", "万元", "90", "90"),
        ("1.4万", None, "1.4", "1.4"),
        ("123456.78元", None, "123456.78", "12.345678"),
        ("1,200 元", None, "1200", "0.12"),
        ("2.5亿元", None, "2.5", "25000"),
        ("0 元", None, "0", "0"),
        ("90", None, "90", None),  # a bare number with no unit anywhere stays unconverted
    ],
)
def test_parse_money(printed, default, value, wan):
    money = parse_money(printed, default)
    assert money.value == Decimal(value)
    assert money.value_wan == (Decimal(wan) if wan else None)
    assert isinstance(money.value, Decimal)


@pytest.mark.parametrize("printed", ["≥95%", "是", "根据实际情况而定", "", None])
def test_not_money(printed):
    assert parse_money(printed) is None


def test_unit_header():
    assert unit_from_header("株洲市石峰区民政局      单位：万元") == "万元"
    assert unit_from_header("单位: 元") == "元"
    assert unit_from_header("部门名称") is None


def _summary(sentence):
    return [(a.label, a.value, a.unit, a.parent) for a in amounts_in_sentence(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "总额：900万元，其中：申请预计中央、省、市级财政下达300万元，区财政安排600万元。",
            [
                ("总额", 900, "万元", None),
                ("申请预计中央、省、市级财政下达", 300, "万元", 0),
                ("区财政安排", 600, "万元", 0),
            ],
        ),
        (
            "共需1300万元，上级补助40%，区级补助60%",
            [("共需", 1300, "万元", None), ("上级补助", 40, "%", 0), ("区级补助", 60, "%", 0)],
        ),
        (
            "总额：4215.62万元，其中：中央4215.62万元，市级财政0万元；区财政安排0万元。",
            [
                ("总额", Decimal("4215.62"), "万元", None),
                ("中央", Decimal("4215.62"), "万元", 0),
                ("市级财政", 0, "万元", 0),
                ("区财政安排", 0, "万元", 0),
            ],
        ),
        (
            "支出3219.95万元。其中：人员经费255.44万元，公用经费51.47万元。",
            [
                ("支出", Decimal("3219.95"), "万元", None),
                ("人员经费", Decimal("255.44"), "万元", 0),
                ("公用经费", Decimal("51.47"), "万元", 0),
            ],
        ),
        (
            "民政管理事务支出839万元；抚恤支出249.87万元",
            [("民政管理事务支出", 839, "万元", None), ("抚恤支出", Decimal("249.87"), "万元", None)],
        ),
    ],
)
def test_amounts_in_sentence(sentence, expected):
    assert _summary(sentence) == expected


def _prose(sentence):
    return [(a.label, a.value, a.unit, a.parent, a.stage, a.year, a.per_unit) for a in amounts_in_sentence(sentence)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # numbering and a leading year leave the label; the year is kept apart
        ("1.2024年度年初预算资金258.07万元。", [("年初预算资金", Decimal("258.07"), "万元", None, "年初预算", 2024, False)]),
        # a label that is only a stage names the item before it; a share after money is a share of it
        (
            "2024年度三公经费预算0.3万元，决算0.13万元，完成预算的43%。",
            [
                ("三公经费预算", Decimal("0.3"), "万元", None, "预算", 2024, False),
                ("三公经费", Decimal("0.13"), "万元", None, "决算", 2024, False),
                ("完成预算的", 43, "%", 1, "预算", 2024, False),
            ],
        ),
        # the year compared with is not the amount's year
        (
            "2024年度三公经费决算0万元与2023年决算比较增加0.13万元",
            [
                ("三公经费决算", 0, "万元", None, "决算", 2024, False),
                ("与2023年决算比较增加", Decimal("0.13"), "万元", None, "增加", 2024, False),
            ],
        ),
        # 主要为 opens parts like 其中; a part without a stage word takes its total's
        (
            "决算支出205.49万元，主要为彩票公益金项目205.49万元。",
            [
                ("决算支出", Decimal("205.49"), "万元", None, "决算支出", None, False),
                ("彩票公益金项目", Decimal("205.49"), "万元", 0, "决算支出", None, False),
            ],
        ),
        # a 其中 that does not follow an amount directly opens nothing
        (
            "补差400.2万元。二是特困供养对象483人，其中城市特困108人；月发放基本生活费43.95万元",
            [
                ("补差", Decimal("400.2"), "万元", None, None, None, False),
                ("月发放基本生活费", Decimal("43.95"), "万元", None, None, None, False),
            ],
        ),
        # 为 after an amount opens a list of its parts, which ends with its clause
        (
            "省级资金50万元，为道路维修30万元，河堤加固20.5万元；市级资金8万元。",
            [
                ("省级资金", 50, "万元", None, None, None, False),
                ("道路维修", 30, "万元", 0, None, None, False),
                ("河堤加固", Decimal("20.5"), "万元", 0, None, None, False),
                ("市级资金", 8, "万元", None, None, None, False),
            ],
        ),
        # …but not the base of a ratio, nor a list left open by 等
        (
            "完成支出280万元，为预算数300万元的93%。市级资金26万元，为奖励10万元，补偿15万元等。",
            [
                ("完成支出", 280, "万元", None, "支出", None, False),
                ("为预算数", 300, "万元", None, "预算", None, False),
                ("的", 93, "%", 1, None, None, False),
                ("市级资金", 26, "万元", None, None, None, False),
                ("为奖励", 10, "万元", None, None, None, False),
                ("补偿", 15, "万元", None, None, None, False),
            ],
        ),
        # a 其中 right after a part opens parts of that part
        (
            "补助2300万元，其中村卫生室补助470万元，其中中央补助190万元，地方补助280万元。",
            [
                ("补助", 2300, "万元", None, None, None, False),
                ("村卫生室补助", 470, "万元", 0, None, None, False),
                ("中央补助", 190, "万元", 1, None, None, False),
                ("地方补助", 280, "万元", 1, None, None, False),
            ],
        ),
        # a 其中 after a short predicate (下达给你们) still opens; parts in brackets after an amount are its own,
        # and the list around them goes on after the brackets
        (
            "补助资金100万元下达给你们，其中：A资金40万元（甲10万元、乙30万元）、B资金60万元。",
            [
                ("补助资金", 100, "万元", None, None, None, False),
                ("A资金", 40, "万元", 0, None, None, False),
                ("甲", 10, "万元", 1, None, None, False),
                ("乙", 30, "万元", 1, None, None, False),
                ("B资金", 60, "万元", 0, None, None, False),
            ],
        ),
        # a share between an amount and its 其中 is of that amount; so are the parts
        (
            "完成支出280万元，占预算的93%，其中人员经费100万元。",
            [
                ("完成支出", 280, "万元", None, "支出", None, False),
                ("占预算的", 93, "%", 0, "预算", None, False),
                ("人员经费", 100, "万元", 0, "支出", None, False),
            ],
        ),
        # per-person standards are rates, not sums of money
        (
            "保障标准由每人每月650元提高到700元，不低于1150元/月，共计74560元",
            [
                ("保障标准由每人每月", 650, "元", None, None, None, True),
                ("提高到", 700, "元", None, None, None, True),
                ("不低于", 1150, "元", None, None, None, True),
                ("共计", 74560, "元", None, None, None, False),
            ],
        ),
        # 万 without 元 is money only at a clause end; 11万人次 is a count; a comma lists, it does not group
        (
            "折合人民币约27万余元，受益群众11万人次，分别为12，13万元",
            [("折合人民币", 27, "万", None, None, None, False), ("", 13, "万元", None, None, None, False)],
        ),
        ("合计1,200元", [("合计", 1200, "元", None, None, None, False)]),
    ],
)
def test_amounts_in_prose(sentence, expected):
    assert _prose(sentence) == expected

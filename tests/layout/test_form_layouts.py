"""Every form of ``forms.py`` in every text layout, read through the whole loader (layout, recognisers).

One case per (form, layout): the reader must name the subject, land every amount (and no other) and every
indicator with its 指标值. The cases it does not read yet are listed in ``KNOWN_GAPS`` with the reason; they
are strict xfails, so one that starts passing must leave the list.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from loaders.ingest import parse_file
from loaders.textnorm import to_simplified
from tests.layout.forms import FORMS, LAYOUTS, Form

_MEASURES_GLUED = (
    "counts, rates and money glued in one run of digits (120050060) are not cut: the run is kept under the count "
    "column so that no false amount lands, and the money is missed"
)
_BASIC_DATA_UNCUT = (
    "glued, the 基础数据表's item rows (1、公务用车…12109) run their figures together with no header run of "
    "known money columns to cut them by"
)
_DIRECTIONS_UNMARKED = (
    "a header of spending directions no vocabulary lists, its empty cells dropped: in a stream or a glued run "
    "nothing tells where the header's two rows end or which figure stands under which direction"
)
KNOWN_GAPS = {
    **{
        ("allocation table by spending direction (groups over directions, 合计 first)", layout): _DIRECTIONS_UNMARKED
        for layout in (
            "one cell per line, blank lines between",
            "one cell per line, blank lines between, empty cells as spaces",
            "one cell per line",
            "cells glued, a row per line",
            "whole form glued on one line",
            "OCR page on one line",
        )
    },
    **{
        ("allocation table by spending direction (one header row)", layout): (
            "glued, direction labels no vocabulary lists run into each other and into the figures "
            "(慢病管理妇幼保健健康教育职业病防治县卫健局86.540…): no label or number shape cuts them"
        )
        for layout in ("cells glued, a row per line", "whole form glued on one line")
    },
    **{
        ("project target form with short level headers (一级 | 二级 | 三级 | 年度数值)", layout): (
            "glued, a target printed as words only (当年内, 提高) runs into the indicator's name with no number or "
            "comparator to cut at"
        )
        for layout in ("cells glued, a row per line", "whole form glued on one line")
    },
    ("department basic data table (基础数据表)", "cell then pipe, rows opened by a bar"): (
        "no row ends in an empty cell, so no closing run of bars gives the table's width, and its rows are not of "
        "one shape (a row of years under each block label) for the width to be found from its columns"
    ),
    **{
        ("department basic data table (基础数据表)", layout): _BASIC_DATA_UNCUT
        for layout in (
            "cells glued, a row per line",
            "whole form glued on one line",
        )
    },
    **{
        ("allocation table by project with contents and 小计 per region", layout): (
            "glued, a content cell's quantity (硬化村道3公里) and the amount after it (45人饮改造…) are both a number "
            "followed by words: which one closes the row is not settled by shape"
        )
        for layout in ("cells glued, a row per line", "whole form glued on one line")
    },
    **{
        ("department self-evaluation with no levels (调整指标值, 是否核心指标)", layout): (
            "glued, the budget row's figures (62065564097.71%) stand under a block label printed above its columns "
            "and are not cut: its indicators are read (rows closed by the 是否核心指标 flag), its amounts are not"
        )
        for layout in ("cells glued, a row per line", "whole form glued on one line")
    },
    ("allocation table with counts and rates beside the money", "cells glued, a row per line"): _MEASURES_GLUED,
    ("allocation table with counts and rates beside the money", "whole form glued on one line"): _MEASURES_GLUED,
    ("department target form (年度主要任务)", "cells glued, a row per line"): (
        "the department form's labels are not cut out of glued rows (only project and self-evaluation forms' are)"
    ),
    ("department target form (年度主要任务)", "whole form glued on one line"): (
        "its task table and budget rows glued: no header run of known money columns to cut them by"
    ),
}


def _read(tmp_path, form_name: str, layout_name: str):
    path = tmp_path / "form.txt"
    path.write_text(LAYOUTS[layout_name](FORMS[form_name]), encoding="utf-8")
    _, rows, outcome = parse_file(path, tmp_path)
    return rows, outcome


CASES = [
    pytest.param(
        form,
        layout,
        id=f"{form} · {layout}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(form, layout)])] if (form, layout) in KNOWN_GAPS else [],
    )
    for form in FORMS
    for layout in LAYOUTS
]


@pytest.mark.parametrize(("form_name", "layout_name"), CASES)
def test_form_is_read_in_every_layout(tmp_path, form_name, layout_name):
    form = FORMS[form_name]
    rows, outcome = _read(tmp_path, form_name, layout_name)
    assert outcome.status != "failed", outcome.reason

    read = {(to_simplified(r["level3"] or ""), to_simplified(r["target_text"] or "")) for r in rows["indicators"]}
    assert [i for i in form.indicators if i not in read] == [], "indicators missed"

    landed = {a["value_wan"].normalize() for a in rows["amounts"] if a["value_wan"] is not None}
    expected = {Decimal(a).normalize() for a in form.amounts}
    assert expected - landed == set(), "amounts missed"
    assert landed - expected == set(), "amounts that the form does not print"

    if form.subject is not None:
        assert form.subject in {to_simplified(f["subject_name"] or "") for f in rows["forms"]}


@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_a_column_an_indicator_has_no_place_for_is_kept(tmp_path, layout_name):
    """中期指标值 beside 年度指标值: the indicator takes the year's target, the period's is kept as a field."""
    rows, _ = _read(tmp_path, "project declaration form (中期 and 年度 columns)", layout_name)
    kept = {
        (f["label_printed"].split(" · ")[-1], f["value_printed"])
        for f in rows["form_fields"]
        if f["field_key"] == "period_target"
    }
    assert kept == {
        ("保障学生人数", "≥3000人次"),
        ("公用经费拨付到位率", "100%"),
        ("义务教育巩固率", "≥99%"),
        ("家长满意度", "≥90%"),
    }
    stages = {(a["stage_printed"], a["value_wan"].normalize()) for a in rows["amounts"] if a["item_key"] == "funding_total"}
    assert stages == {("中期资金总额", 900), ("年度资金总额", 300)}


# indicator names that start with or hold a label of the forms (项目, 预算执行率, 实施单位, 年度资金总额 …)
LABEL_WORD_NAMES = ["项目完成率", "预算执行率", "实施单位培训次数", "年度资金总额执行率", "项目资金到位率", "中央补助资金使用率"]


@pytest.mark.parametrize("name", LABEL_WORD_NAMES)
@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_an_indicator_named_with_label_words_is_read(tmp_path, layout_name, name):
    form = FORMS["project self-evaluation (2020 national)"]
    first = form.indicators[0][0]
    renamed = Form(
        form.title,
        [[name if c == first else c for c in row] for row in form.rows],
        [(name if n == first else n, t) for n, t in form.indicators],
        form.amounts,
        form.subject,
    )
    path = tmp_path / "form.txt"
    path.write_text(LAYOUTS[layout_name](renamed), encoding="utf-8")
    _, rows, _ = parse_file(path, tmp_path)
    assert (name, renamed.indicators[0][1]) in {(r["level3"], r["target_text"]) for r in rows["indicators"]}


@pytest.mark.parametrize("form_name", [name for name, form in FORMS.items() if form.subject])
@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_a_subject_ending_in_xiangmu_keeps_it(tmp_path, layout_name, form_name):
    """Names end in 项目 as often as not, right before labels that start with it (项目单位, 项目实施单位)."""
    form = FORMS[form_name]
    name = f"{form.subject}项目"
    renamed = Form(
        form.title, [[name if c == form.subject else c for c in row] for row in form.rows], form.indicators, form.amounts, name
    )
    path = tmp_path / "form.txt"
    path.write_text(LAYOUTS[layout_name](renamed), encoding="utf-8")
    _, rows, _ = parse_file(path, tmp_path)
    assert name in {to_simplified(f["subject_name"] or "") for f in rows["forms"]}


# targets as printed: word comparators, thousands separators, shares with notes, dates, ranges
TARGET_SHAPES = ["不低于45处", "达到45处", "较上年提高5个百分点", "100%以上", "≤3.3万元/处", "2024年12月31日前", "3-5年", "≥1200"]


@pytest.mark.parametrize("target", TARGET_SHAPES)
@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_a_target_of_any_printed_shape_is_read(tmp_path, layout_name, target):
    form = FORMS["project target form (2020 national)"]
    name, old = form.indicators[0]
    rows = [[target if (c == old and k and row[k - 1] == name) else c for k, c in enumerate(row)] for row in form.rows]
    changed = Form(form.title, rows, [(n, target if n == name else t) for n, t in form.indicators], form.amounts, form.subject)
    path = tmp_path / "form.txt"
    path.write_text(LAYOUTS[layout_name](changed), encoding="utf-8")
    _, read, _ = parse_file(path, tmp_path)
    assert (name, target) in {(r["level3"], r["target_text"]) for r in read["indicators"]}


# the funding total row of a self-evaluation as forms print it: units in the cells, an empty 年初预算数 (the row's
# cells are placed so that 全年执行数 / 全年预算数 gives the printed 执行率, and 分值 never lands as money)
FUNDING_ROWS = {
    "units in the cells": (["300万元", "320万元", "310万元", "10", "96.88%", "9.7"], ["300", "320", "310"]),
    "no 年初预算数": (["", "320", "310", "10", "96.88%", "9.7"], ["320", "310"]),
}


@pytest.mark.parametrize(
    ("variant", "layout_name"),
    [(v, layout) for v in FUNDING_ROWS for layout in LAYOUTS],
)
def test_a_funding_row_of_any_printed_shape_lands_its_amounts(tmp_path, variant, layout_name):
    form = FORMS["project self-evaluation (2020 national)"]
    cells, amounts = FUNDING_ROWS[variant]
    rows = [["", "年度资金总额", *cells] if row[1:2] == ["年度资金总额"] else row for row in form.rows]
    rows = [row for row in rows if not row[1].startswith("其中")]
    changed = Form(form.title, rows, form.indicators, amounts, form.subject)
    path = tmp_path / "form.txt"
    path.write_text(LAYOUTS[layout_name](changed), encoding="utf-8")
    _, read, _ = parse_file(path, tmp_path)
    landed = {a["value_wan"].normalize() for a in read["amounts"] if a["value_wan"] is not None}
    assert landed == {Decimal(a).normalize() for a in amounts}

"""Indicators listed in running text (公示 notices): one row per printed shape."""

from __future__ import annotations

import pytest

from loaders.extract.prose_indicators import indicators_in_text
from loaders.vocabulary import load_vocabulary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name, the template's placeholder, a target with a comparator
        (
            "数量指标:甲作物种植数量(≥**株)>=1000株;成活率(≥**%)>=85",
            [("数量指标", "甲作物种植数量", ">=1000株"), ("数量指标", "成活率", ">=85")],
        ),
        # the name is the last phrase before the target; stars mark priority, not the name
        ("成本指标:补助标准,★甲作物补助成本(≤**元/株)≤20.5/株。", [("成本指标", "甲作物补助成本", "≤20.5/株")]),
        # a level-1 label, then a level-2 label, then targets in words
        ("效益指标:社会效益目标:受益户数不少于8户", [("社会效益目标", "受益户数", "不少于8户")]),
        # a short phrase after a level label is a qualitative target
        (
            "质量指标:合格率≥95%。生态效益指标:生态修复功能提高。",
            [("质量指标", "合格率", "≥95%"), ("生态效益指标", None, "生态修复功能提高")],
        ),
        # a report's heading and prose without a comparator hold no listed indicator
        ("(1)数量指标 救助资金发放准确率100%,达到应保尽保。", []),
    ],
)
def test_indicators_in_running_text(text, expected):
    found = indicators_in_text(text, 7, load_vocabulary())
    assert [(i.level2_printed, i.level3, i.target_text) for i in found] == expected
    assert all(i.line_start == 7 for i in found)

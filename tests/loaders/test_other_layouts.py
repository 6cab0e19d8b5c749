"""Layouts another province might publish (tests/fixtures/other_layouts/), read by the generic loaders.

Every fixture holds the same project form (农村公路养护, 320 万元, four indicators) in a different layout.
Where an extractor this branch does not own fails on one, the test is an xfail that says exactly why.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loaders.ingest import parse_file
from loaders.textnorm import to_simplified
from loaders.vocabulary import load_vocabulary

LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "other_layouts"

# (一级, 二级 as standard labels, 三级, 指标值) of the one form every fixture holds
INDICATORS = [
    ("产出指标", "数量指标", "养护里程", "≥120公里"),
    ("产出指标", "质量指标", "路面优良率", "≥85%"),
    ("效益指标", "社会效益指标", "群众出行条件改善", "明显改善"),
    ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"),
]
FIELDS = {
    "project_name": "农村公路养护",
    "supervising_department": "某县交通运输局",
    "implementing_unit": "某县公路事务中心",
    "period": "2023年1月至2023年12月",
}


def load(name: str) -> tuple[dict[str, list[dict]], str]:
    _, rows, outcome = parse_file(LAYOUTS / name, LAYOUTS)
    return rows, outcome.status


def standard(context: str, printed: str | None) -> str | None:
    hit = load_vocabulary().lookup(context, printed)
    return hit.standard_label if hit else printed


def indicators(rows: dict[str, list[dict]]) -> list[tuple]:
    return [
        (
            standard("level1", r["level1_printed"]),
            standard("level2", r["level2_printed"]),
            to_simplified(r["level3"]),
            to_simplified(r["target_text"]),
        )
        for r in rows["indicators"]
    ]


def fields(rows: dict[str, list[dict]]) -> dict[str, str]:
    return {r["field_key"]: to_simplified(r["value_printed"]) for r in rows["form_fields"] if r["field_key"] in FIELDS}


@pytest.mark.parametrize(
    "name",
    [
        "pipe_table.md",
        "web_text_spaced.txt",
        "traditional_characters.txt",
        "unknown_label.txt",
        "tab_amounts_in_yuan.txt",
        "truncated.md",
        "pipe_table_columns_reordered.md",
    ],
)
def test_one_project_form_with_its_fields(name):
    rows, _ = load(name)
    assert [f["form_kind"] for f in rows["forms"]] == ["project_target"]
    assert to_simplified(rows["forms"][0]["subject_name"]) == "农村公路养护"
    assert fields(rows) == FIELDS


@pytest.mark.parametrize(
    "name",
    [
        "pipe_table.md",
        "web_text_spaced.txt",
        "traditional_characters.txt",
        "unknown_label.txt",
        "tab_amounts_in_yuan.txt",
        "pipe_table_columns_reordered.md",
    ],
)
def test_indicators_with_levels_by_the_vocabulary(name):
    rows, _ = load(name)
    assert indicators(rows) == INDICATORS


@pytest.mark.parametrize(
    "name",
    [
        "pipe_table.md",
        "web_text_spaced.txt",
        "unknown_label.txt",
        "truncated.md",
        "tab_amounts_in_yuan.txt",
        "traditional_characters.txt",
    ],
)
def test_funding_total_in_wan(name):
    rows, _ = load(name)
    assert [a["value_wan"] for a in rows["amounts"]] == [Decimal("320")]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("pipe_table.md", "ok"),
        ("web_text_spaced.txt", "ok"),
        ("traditional_characters.txt", "ok"),
        ("unknown_label.txt", "partial"),
        ("truncated.md", "partial"),
    ],
)
def test_status(name, status):
    _, got = load(name)
    assert got == status


def test_an_unknown_label_lands_as_a_parse_issue_on_its_line():
    rows, _ = load("unknown_label.txt")
    issues = [(i["severity"], i["line_no"], i["text"]) for i in rows["parse_issues"]]
    assert issues == [("warning", 4, "项目绩效联络代码 | JT-2023-017")]

"""Place names found by the loader, once per document (landing.region_candidates): what the region models
join on instead of testing every line against every division name."""

from __future__ import annotations

import pytest

from loaders.landing import division_names, region_candidates


def found(texts: list[str | None]) -> set[tuple[str, str]]:
    return {(r["text"], r["division_name"]) for r in region_candidates("doc", texts)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a county inside its city's name: both, overlapping
        ("株洲市石峰区民政局", {("株洲市石峰区民政局", "株洲市"), ("株洲市石峰区民政局", "石峰区")}),
        # a field value as staging trims it, and a department name as int_departments_resolved reads it
        (" 石峰区民政局（盖章）", {(t, "石峰区") for t in (" 石峰区民政局（盖章）", "石峰区民政局（盖章）", "石峰区民政局")}),
        ("株洲 市 财政局", {("株洲市财政局", "株洲市")}),
        # a short name alone is not a full name
        ("石峰片区的项目", set()),
    ],
)
def test_every_full_division_name_a_text_prints(text, expected):
    assert found([text]) == expected


def test_generic_names_and_empty_texts_are_no_evidence():
    assert "城区" not in division_names() and "石峰区" in division_names()  # 城区 is flagged generic in the seed
    assert found(["城区道路维修", None, "", "   "]) == set()


def test_a_text_printed_twice_is_one_row():
    rows = region_candidates("doc", ["湖南省株洲市", "湖南省株洲市"])
    assert sorted((r["text"], r["division_name"]) for r in rows) == [("湖南省株洲市", "株洲市"), ("湖南省株洲市", "湖南省")]
    assert {r["document_id"] for r in rows} == {"doc"}

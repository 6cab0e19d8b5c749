"""The text reader: row styles, continuation lines, encodings and bad input (table-driven)."""

from __future__ import annotations

import pytest

from loaders.errors import ReadError
from loaders.readers import sniff
from loaders.readers.text import TRUNCATED_NOTE, read_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # cell-per-line: a tab before each cell, a blank line ends the row
        ("\t项目名称\n\t城乡医疗救助\n\n", [["项目名称", "城乡医疗救助"]]),
        # a line without a tab continues the cell above (数量\n指标)
        ("\t数量\n指标\n\t质量\n指标\n\n", [["数量指标", "质量指标"]]),
        # tab-separated rows keep their empty cells, so positions survive
        ("项目名称\t妇女经费\t项目属性\t延续项目\t\t\n", [["项目名称", "妇女经费", "项目属性", "延续项目", "", ""]]),
        ("\t\t主题活动\t3\n", [["", "", "主题活动", "3"]]),
        # markdown pipe tables
        (
            "| 一级指标 | 二级指标 |\n|---|---|\n| 产出指标 | 数量指标 |\n",
            [["一级指标", "二级指标"], ["产出指标", "数量指标"]],
        ),
    ],
)
def test_rows(text, expected):
    doc = read_text(text.encode("utf-8"))
    assert [b.texts for b in doc.blocks if b.kind == "row"] == expected


def test_paragraphs_keep_their_line_numbers():
    doc = read_text("标题\n\n正文一行\n".encode())
    assert [(b.kind, b.line_start, b.text) for b in doc.blocks] == [
        ("paragraph", 1, "标题"),
        ("paragraph", 3, "正文一行"),
    ]


def test_a_cell_broken_by_an_empty_paragraph_is_joined():
    doc = read_text("\t年度预\n\n算申请\n\n（万元）\n\n\t年初预算数\n".encode())
    rows = [b.texts for b in doc.blocks if b.kind == "row"]
    assert rows[0] == ["年度预算申请（万元）"]


def test_gbk_text_is_decoded_and_noted():
    doc = read_text("\t项目名称\n\t测试项目\n".encode("gbk"))
    assert doc.blocks[0].texts == ["项目名称", "测试项目"]
    assert doc.notes == ["decoded as gb18030"]


@pytest.mark.parametrize(
    ("data", "lines", "notes"),
    [
        ("\t项目名称\n\t测试项目\n".encode()[:-2], ["\t项目名称", "\t测试项"], [TRUNCATED_NOTE]),  # cut inside 目
        ("\t项目名称\n\t测试".encode(), ["\t项目名称", "\t测试"], []),  # cut at a character: nothing to notice
    ],
)
def test_utf8_cut_off_stays_utf8_and_is_noted(data, lines, notes):
    doc = read_text(data)
    assert [ln.text for ln in doc.lines] == lines
    assert doc.notes == notes


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x00\x01\x02garbage\x00" * 20, "binary content"),
    ],
)
def test_bad_input_raises_one_line_reason(data, message):
    with pytest.raises(ReadError, match=message):
        read_text(data)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"%PDF-1.7", "pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
        (b"<html><table>", "html"),
        ("项目名称".encode(), "text"),
    ],
)
def test_sniff_by_content(head, kind):
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("项目名称  农村公路养护  主管部门  某县交通运输局", ["项目名称", "农村公路养护", "主管部门", "某县交通运输局"]),
        ("产出指标\u3000数量指标\u3000养护里程\u3000≥120公里", ["产出指标", "数量指标", "养护里程", "≥120公里"]),
        ("填表人：罗莉   填报日期：2025.10.17 联系电话：22168697  单位负责人签字：何荣", None),  # no known label: prose
        ("2025年 10 月  17日", None),
        # one space separates cells when the pieces are a header label and its value …
        ("项目名称 农村公路养护", ["项目名称", "农村公路养护"]),
        ("年度资金总额: 120.5 118.2 98.09%", ["年度资金总额:", "120.5", "118.2", "98.09%"]),
        # … but not in a sentence, nor under a numbered heading
        ("项目名称为农村公路养护, 资金 120万元。 其余部分见附件", None),
        ("一、 产出指标", None),
    ],
)
def test_spaced_web_rows_need_a_known_label(line, cells):
    doc = read_text(line.encode())
    block = doc.blocks[0]
    assert (block.texts if block.kind == "row" else None) == cells

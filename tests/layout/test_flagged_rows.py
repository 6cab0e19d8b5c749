"""Glued rows of a no-level indicator table, closed by their 是否核心指标 flag."""

from __future__ import annotations

from loaders.layout import flagged_rows
from loaders.layout.glued import split_numbers

KEYS = ["level3", "unit", "value_type", "target", "adjusted_target", "actual", "score_rate", "weight", "score", "core_indicator"]


def _rows(text: str, keys=KEYS):
    cut = flagged_rows.rows(text, keys, split_numbers)
    assert cut is not None
    return cut


def test_each_flag_after_the_scores_closes_a_row():
    rows, rest = _rows("办公设备完好率%定量指标95%98%100%33否宣传活动场次场定量指标12场12场15场100%1010是")
    assert rest == ""
    assert rows == [
        ["办公设备完好率", "%", "定量指标", "95%", "", "98%", "100%", "3", "3", "否"],
        ["宣传活动场次", "场", "定量指标", "12场", "12场", "15场", "100%", "10", "10", "是"],
    ]


def test_a_word_value_printed_once_per_column():
    rows, _ = _rows("档案管理规范性定性指标优优优100%22否")
    assert rows[0][:6] == ["档案管理规范性", "", "定性指标", "优", "优", "优"]
    rows, _ = _rows("内控制度健全性健全健全100%44否")
    assert rows[0][0] == "内控制度健全性" and rows[0][3] == "健全"


def test_a_row_with_no_values_keeps_its_name_and_scores():
    rows, _ = _rows("“三公”经费压减率%100%22否")
    assert rows[0][0] == "“三公”经费压减率" and rows[0][3:6] == ["", "", ""] and rows[0][7:] == ["2", "2", "否"]


def test_the_text_after_the_last_flag_is_left_to_the_caller():
    rows, rest = _rows("办公设备完好率%95%98%100%33否年度工作")
    assert len(rows) == 1 and rest == "年度工作"


def test_a_misread_column_label_among_the_values_holds_its_value():
    keys = [*KEYS[:5], None, *KEYS[6:]]
    rows, _ = _rows("培训合格率%90%93%100%55是", keys)
    assert rows[0][3:6] == ["90%", "", "93%"]


def test_a_table_without_the_flag_column_is_not_cut_this_way():
    assert not flagged_rows.applies(["level3", "target", "actual", "weight", "score"])
    assert flagged_rows.rows("没有标记的文字", KEYS, split_numbers) is None

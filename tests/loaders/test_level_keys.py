"""Printed indicator levels are mapped through the vocabulary once, in the loader, and landed as keys.

dbt joins the taxonomy on the landed keys, so a variant, a traditional-character label or a template
annotation maps the same way everywhere.
"""

from __future__ import annotations

import pytest

from loaders.landing import _level_key


@pytest.mark.parametrize(
    ("context", "printed", "key"),
    [
        ("level1", "产出指示", "output"),
        ("level1", "产出指标(50分)", "output"),
        ("level1", "産出指標", "output"),  # traditional characters
        ("level2", "实效目标", "timeliness"),
        ("level2", "数量指标 (必填硬性指标)", "quantity"),  # a template's fill-in note
        ("level2", "环境效益", "ecological_benefit"),
        ("level2", "社会公益或服务对象满意度指标", "beneficiary_satisfaction"),
        ("level2", "数量指标+", "quantity"),  # a PDF export's expander
        ("level2", "不是指标", None),
        ("level1", None, None),
    ],
)
def test_printed_levels_map_to_keys(context, printed, key):
    assert _level_key(context, printed) == key

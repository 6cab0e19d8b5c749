"""The 重大政策和重点项目绩效目标 layout of the 004 sample (tab-separated PDF conversion) against the gold.

Every project: name, units, people, period, funding lines and indicator count. The indicators the gold
lists in full: field by field, with precision and recall printed per field (``pytest -s`` shows them).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import pytest
import yaml

from loaders.extract import parse_document
from loaders.readers.text import read_text
from loaders.vocabulary import load_vocabulary
from tests.conftest import SHARED, sample

GOLD = SHARED / "gold" / "seeds_gold.yaml"
pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared gold not available")


@lru_cache(maxsize=1)
def _gold() -> dict:
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["documents"][3]


@lru_cache(maxsize=1)
def _forms():
    return parse_document(read_text(sample("004").read_bytes())).forms


def _same(a, b) -> bool:
    """Text compared with whitespace ignored (the gold convention); None and "" are both absent."""
    norm = [re.sub(r"\s+", "", str(x)) if x is not None else "" for x in (a, b)]
    return norm[0] == norm[1]


def _field(form, key: str) -> str | None:
    return next((f.value_printed for f in form.fields if f.field_key == key), None)


def test_forty_eight_projects_in_order():
    forms = _forms()
    assert [f.form_kind for f in forms] == ["project_target"] * 48
    assert [f.subject_name for f in forms] == [p["name"] for p in _gold()["projects"]]
    # no form leaks into the next one
    assert all(a.line_end < b.line_start for a, b in zip(forms, forms[1:], strict=False))


HEADER_FIELDS = [
    ("implementing_unit", "implementing_unit"),
    ("supervising_department", "supervising_department"),
    ("supervising_code", "supervising_code"),
    ("responsible_person", "responsible_person"),
    ("phone", "phone"),
    ("period", "period_text"),
    ("attribute", "attribute_printed"),
]


@pytest.mark.parametrize(("key", "gold_key"), HEADER_FIELDS)
def test_header_fields_match_the_gold(key, gold_key):
    wrong = [
        (p["seq"], _field(form, key), p.get(gold_key))
        for form, p in zip(_forms(), _gold()["projects"], strict=True)
        if not _same(_field(form, key), p.get(gold_key))
    ]
    assert wrong == []


def test_glued_person_and_phone_are_split():
    form = _forms()[15]  # 陈媛 联系电话 15367722249 in one cell
    assert (_field(form, "responsible_person"), _field(form, "phone")) == ("陈媛", "15367722249")


def test_every_funding_line_with_its_amount():
    gold_lines = 0
    for form, p in zip(_forms(), _gold()["projects"], strict=True):
        ours = [(a.line_no, a.value, a.parent_seq is None) for a in form.amounts]
        gold = [
            (f["line"], None if f["amount"] is None else Decimal(str(f["amount"])), f["parent"] is None) for f in p["funding"]
        ]
        assert ours == gold, p["name"]
        gold_lines += len(gold)
        assert all(a.stage_printed == "申请" and a.year == 2022 for a in form.amounts)
    assert gold_lines == _gold()["counts"]["funding_lines"]
    with_amount = sum(a.value is not None for form in _forms() for a in form.amounts)
    assert with_amount == _gold()["counts"]["funding_lines_with_amount"]


@pytest.mark.parametrize(
    ("seq", "label", "printed", "value_wan", "unit"),
    [
        (10, "资金总额", "根据当年企业上市实际情况而定（奖励资金 1000 万元）", Decimal("1000"), "万元"),  # a sentence
        (35, "三、其他:", "4000 万元(中央和省级转移支付)", Decimal("4000"), "万元"),
        (7, "二、自有资金:", "0 元", Decimal("0"), "元"),
        (18, "二、自有资金:", "——", None, None),  # a dash: a line with no amount
        (12, "资金总额", "2500", Decimal("2500"), None),  # unit from 项目资金申请 (万元)
    ],
)
def test_odd_funding_cells(seq, label, printed, value_wan, unit):
    form = _forms()[seq - 1]
    amount = next(a for a in form.amounts if a.item_label_printed == label)
    assert (amount.text_printed, amount.value_wan, amount.unit_printed) == (printed, value_wan, unit)


def test_indicator_counts_per_project():
    counts = [len(f.indicators) for f in _forms()]
    assert counts == [p["indicator_count"] for p in _gold()["projects"]]
    assert sum(counts) == _gold()["counts"]["indicators"] == 368


def test_page_break_rows_are_merged_into_the_indicator_above():
    form = _forms()[4]
    merged = next(i for i in form.indicators if i.line_start == 170)
    assert (merged.line_end, re.sub(r"\s", "", merged.level3)) == (172, "选拔人才为博士、硕士学位或正高、副高职称占比率")


def test_schedule_rows_are_fields():
    form = _forms()[0]
    schedule = [(f.field_key, f.value_printed) for f in form.fields if f.field_key and f.field_key.startswith("schedule_")]
    assert schedule == [
        ("schedule_content", "妇女儿童事业发展资金每年 115.36 万元"),
        ("schedule_start", "2013/10/1"),
        ("schedule_end", "2053/10/1"),
    ]


def _standard(context: str, printed: str | None) -> str | None:
    m = load_vocabulary().lookup(context, printed)
    return m.standard_label if m else printed


def _weight(text: str | None) -> Decimal | None:
    m = re.search(r"\d+(?:\.\d+)?", text or "")
    return Decimal(m.group(0)) if m else None


# (field, ours, gold): how each compared field is read from an indicator record and from the gold.
COMPARED = {
    "level1": (lambda i: _standard("level1", i.level1_printed), lambda g: g["level1"]),
    "printed_level1": (lambda i: i.level1_printed, lambda g: g.get("printed_level1", g["level1"])),
    "level2": (lambda i: _standard("level2", i.level2_printed), lambda g: g["level2"]),
    "printed_level2": (lambda i: i.level2_printed, lambda g: g.get("printed_level2", g["level2"])),
    "level3": (lambda i: i.level3, lambda g: g["level3"]),
    "target_text": (lambda i: i.target_text, lambda g: g["target_text"]),
    "target_content": (lambda i: i.target_content, lambda g: g.get("target_content")),
    "scoring_rule": (lambda i: i.scoring_rule, lambda g: g.get("scoring_rule")),
    # the gold also gives units parsed out of the target (dbt's job); the loader reads the 度量单位 column
    "unit": (lambda i: i.unit_printed, lambda g: g["unit"] if g.get("unit_source") == "column 度量单位" else None),
    "value_type": (lambda i: i.value_type_printed, lambda g: g.get("value_type")),
    "remark": (lambda i: i.remark, lambda g: g.get("remark")),
    "weight": (lambda i: _weight(i.weight_text), lambda g: None if g.get("weight") is None else Decimal(str(g["weight"]))),
}


def test_listed_indicators_field_by_field():
    gold = _gold()
    forms = _forms()
    pairs = []
    for seq in gold["indicators_listed_for_projects"]:
        ours = {i.line_start: i for i in forms[seq - 1].indicators}
        for g in gold["projects"][seq - 1]["indicators"]:
            pairs.append((ours.get(g["lines"][0]), g))
    assert all(i is not None for i, _ in pairs), "an indicator listed in the gold was not found at its line"
    right = total = 0
    for name, (mine, theirs) in COMPARED.items():
        tp = fp = fn = ok = 0
        for ind, g in pairs:
            a, b = mine(ind), theirs(g)
            same = _same(a, b)
            ok += same
            tp += same and b not in (None, "")
            fp += a not in (None, "") and not same
            fn += b not in (None, "") and not same
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{name:15s} right {ok}/{len(pairs)}  precision {precision:.3f}  recall {recall:.3f}")
        right += ok
        total += len(pairs)
    print(f"all fields right {right}/{total} = {right / total:.4f}")
    assert len(pairs) == gold["counts"]["indicators_listed"]
    assert right / total >= 0.98


@pytest.mark.parametrize(
    ("seq", "key", "line", "ends_with"),
    [
        (5, "basis", 155, "4. 合计 1300 万元。"),  # <p> text continued on a row of its own (L157)
        (25, "remarks", 858, "的比例进行配套计算。"),  # label and value printed as two paragraphs
        (37, "goal", 1247, "4、强化医疗救助规范"),  # a value scattered over several cells
        (7, "necessity", 227, "治理能力现代化。"),  # value several cells right of its label
    ],
)
def test_header_values_kept_whole(seq, key, line, ends_with):
    field = next(f for f in _forms()[seq - 1].fields if f.field_key == key)
    assert (field.line_no, field.value_printed.endswith(ends_with)) == (line, True)


def test_the_document_loads_without_doubts():
    warnings = [i for f in _forms() for i in f.issues if i.severity != "info"]
    assert warnings == []

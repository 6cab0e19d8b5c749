"""The 003 layout (自评报告 + 基础数据表 + 整体支出绩效自评表) against the hand-checked gold, field by field.

Amounts are matched to the gold by (line, value); each test prints its precision and recall so a
regression shows how far it moved, and asserts the issue's bar.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import lru_cache

import pytest
import yaml

from loaders.extract import parse_document
from loaders.readers.text import read_text
from loaders.vocabulary import normalise_label
from tests.conftest import SHARED, sample

GOLD = SHARED / "gold" / "seeds_gold.yaml"
pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="shared gold not available")


@lru_cache(maxsize=1)
def _gold() -> dict:
    docs = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["documents"]
    return next(d for d in docs if d["file"].startswith("003"))


@lru_cache(maxsize=1)
def _parsed():
    return parse_document(read_text(sample("003").read_bytes()))


def _forms(kind: str):
    return [f for f in _parsed().forms if f.form_kind == kind]


def _squash(text) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


def _money(forms) -> list[tuple[object, object]]:
    """(form, amount) for every amount with a value in ``forms``."""
    return [(f, a) for f in forms for a in f.amounts if a.value is not None]


def _match(gold_rows, mine):
    """Pair gold rows with extracted amounts by (line, value); return pairs, unmatched gold, unmatched mine."""
    pool: dict[tuple[int, Decimal], list] = {}
    for item in mine:
        pool.setdefault((item[1].line_no, item[1].value), []).append(item)
    pairs, missing = [], []
    for g in gold_rows:
        key = (g["line"], Decimal(str(g["amount"])))
        if pool.get(key):
            pairs.append((g, pool[key].pop(0)))
        else:
            missing.append(g)
    extra = [item for items in pool.values() for item in items]
    return pairs, missing, extra


def _report(name: str, found: int, gold: int, mine: int) -> None:
    precision = found / mine if mine else 0.0
    recall = found / gold if gold else 1.0
    print(f"{name}: found {found}/{gold} (recall {recall:.1%}), precision {precision:.1%} of {mine}")


def test_forms_recognised():
    kinds = [f.form_kind for f in _parsed().forms]
    assert kinds == ["self_evaluation_report", "department_basic_data", "department_self_evaluation"]
    report, _, evaluation = _parsed().forms
    assert report.subject_name == evaluation.subject_name == _gold()["reporting_department"]
    assert report.title == "2024年度株洲市芦淞区民政局整体支出绩效自评报告"
    assert not [i for f in _parsed().forms for i in f.issues if i.severity != "info"]


def test_every_funding_statement_found_with_amount_and_line():
    gold = _gold()["funding_statements"]
    mine = _money(_parsed().forms)
    pairs, missing, extra = _match(gold, mine)
    _report("funding statements", len(pairs), len(gold), len(mine))
    assert not missing, [(g["line"], g["amount"], g["label"]) for g in missing]
    assert not extra, [(a.line_no, a.value, a.item_label_printed) for _, a in extra]
    # the year of every statement; its label shares the gold's words (the gold names some items in its own words)
    assert all(a.year == g["year"] for g, (_, a) in pairs)
    label_hits = sum(_label_close(g["label"], a.item_label_printed) for g, (_, a) in pairs)
    print(f"funding statements: label agrees {label_hits}/{len(pairs)}")
    assert label_hits / len(pairs) >= 0.85


def _label_close(gold_label: str, label: str) -> bool:
    g, m = normalise_label(gold_label.split(" ")[-1]), normalise_label(label)
    if g in m or m in g:
        return True
    return sum(ch in m for ch in g) / len(g) >= 0.6


def _gold_form(kind_zh: str) -> dict:
    return next(f for f in _gold()["department_forms"] if f["form_kind"] == kind_zh)


def _parent_label(form, amount) -> str | None:
    if amount.parent_seq is None:
        return None
    parent = form.amounts[amount.parent_seq]
    return parent.item_label_printed


@pytest.mark.parametrize(
    ("kind", "kind_zh"),
    [
        ("department_basic_data", "部门整体支出绩效评价基础数据表"),
        ("department_self_evaluation", "部门整体支出绩效自评表"),
    ],
)
def test_department_form_funding_lines(kind, kind_zh):
    gold = _gold_form(kind_zh)["funding"]
    form = _forms(kind)[0]
    # the amounts in 年度总体目标's text are statements, not funding lines of the form
    mine = [(f, a) for f, a in _money([form]) if not (a.section or "").startswith("年度总体目标")]
    pairs, missing, extra = _match(gold, mine)
    _report(f"{kind} funding lines", len(pairs), len(gold), len(mine))
    assert not missing and not extra
    wrong = Counter()
    for g, (f, a) in pairs:
        if _squash(g["label"]) != _squash(a.item_label_printed) and _squash(g["printed"]).find(a.item_label_printed) < 0:
            wrong["label"] += 1
        if (g.get("column") or None) != a.stage_printed:
            wrong["stage"] += 1
        if g["year"] != a.year:
            wrong["year"] += 1
        parent = _parent_label(f, a)
        gold_parent = g.get("parent")
        if gold_parent is None and parent is not None:
            wrong["parent"] += 1
        elif gold_parent is not None:
            # 自评表 parts name their group: "年度资金总额 按收入性质分" → parent 年度资金总额, section 按收入性质分
            head, _, group = gold_parent.partition(" ")
            if parent != head or (group and _squash(a.section).rstrip("：:") != group):
                wrong["parent"] += 1
    print(f"{kind} field errors: {dict(wrong)}")
    assert not wrong


def test_basic_data_fields():
    form = _forms("department_basic_data")[0]
    fields = {f.field_key: f.value_printed for f in form.fields}
    staffing = _gold_form("部门整体支出绩效评价基础数据表")["staffing"]
    assert fields["staffing_authorized"] == str(staffing["编制数"])
    assert fields["staffing_actual"] == str(staffing["2024年实际在职人数"])
    assert fields["staffing_control_rate"] == staffing["控制率"]
    filled_by = _gold_form("部门整体支出绩效评价基础数据表")["filled_by"]
    assert (fields["filled_by"], fields["filled_date"], fields["head_of_unit"]) == (
        filled_by["填表人"],
        filled_by["填报日期"],
        filled_by["单位负责人"],
    )
    # the group rows with no values of their own carry the 其中 tree: 市级专项资金 items under 项目支出
    items = [a for a in form.amounts if a.item_label_printed == "城乡最低生活保障"]
    group = form.amounts[items[0].parent_seq]
    assert group.value is None and form.amounts[group.parent_seq].item_label_printed == "项目支出："


def test_self_evaluation_fields():
    gold = _gold_form("部门整体支出绩效自评表")
    form = _forms("department_self_evaluation")[0]
    fields = {f.field_key: f.value_printed for f in form.fields}
    score = gold["funding_score"]
    assert fields["funding_weight"] == str(score["weight"])
    assert fields["funding_execution_rate"] == score["execution_rate_printed"]
    assert fields["funding_score"] == str(score["score"])
    assert fields["total_weight"] == str(gold["total_weight_printed"])
    assert fields["total_score"] == str(gold["total_score_printed"])
    assert _squash(fields["overall_target_expected"]) == _squash(gold["overall_target_expected"])
    assert _squash(fields["overall_target_actual"]) == _squash(gold["overall_target_actual"])
    assert fields["funding_part_blank"] == ""


_INDICATOR_FIELDS = [
    ("level1", "level1_printed"),
    ("level2", "level2_printed"),
    ("level3", "level3"),
    ("target_text", "target_text"),
    ("actual_text", "actual_text"),
    ("weight", "weight_text"),
    ("score", "score_text"),
    ("deviation_note", "deviation_note"),
]


def test_indicators_field_by_field():
    gold = _gold_form("部门整体支出绩效自评表")["indicators"]
    mine = _forms("department_self_evaluation")[0].indicators
    assert len(mine) == len(gold) == 14
    total = right = 0
    wrong = []
    for g, m in zip(gold, mine, strict=True):
        assert m.line_start <= g["line"] <= m.line_end
        for gold_key, attr in _INDICATOR_FIELDS:
            expected, got = g.get(gold_key), getattr(m, attr)
            if gold_key.startswith("level"):
                expected, got = normalise_label(expected or ""), normalise_label(got or "")
            total += 1
            if _squash(expected) == _squash(got):
                right += 1
            else:
                wrong.append((g["line"], gold_key, expected, got))
    print(f"indicator fields right: {right}/{total} ({right / total:.1%})")
    assert right / total >= 0.98, wrong
    # 总分 = the indicators' 分值 / 得分 plus the 年度资金总额 row's (10 / 9): 100 / 94
    fields = {f.field_key: f.value_printed for f in _forms("department_self_evaluation")[0].fields}
    weights = sum(Decimal(m.weight_text) for m in mine) + Decimal(fields["funding_weight"])
    scores = sum(Decimal(m.score_text) for m in mine) + Decimal(fields["funding_score"])
    assert (weights, scores) == (Decimal(fields["total_weight"]), Decimal(fields["total_score"]))


def test_narrative_project_expenditures():
    report = _forms("self_evaluation_report")[0]
    gold = _gold()["narrative_project_expenditures"]
    listed = [
        (a.section, a.value, a.line_no) for a in report.amounts if a.item_label_printed == "项目支出" and a.parent_seq is not None
    ]
    assert listed == [(g["name"], Decimal(str(g["amount"])), g["line"]) for g in gold]
    # each is a part of the 实际支出 printed in the paragraph that introduces the list
    parents = {
        report.amounts[a.parent_seq].item_label_printed
        for a in report.amounts
        if a.section in {g["name"] for g in gold} and a.parent_seq is not None
    }
    assert parents == {"实际支出"}


def test_narrative_structure_and_rates():
    report = _forms("self_evaluation_report")[0]
    by_text = {a.text_printed: a for a in report.amounts}
    total = by_text["3.2024年度单位一般公共预算财政拨款支出3219.95万元"]
    staff = by_text["人员经费255.44万元"]
    assert report.amounts[staff.parent_seq] is total and staff.section == "基本支出情况"
    projects = [a for a in report.amounts if a.line_no == 57 and a.parent_seq is not None]
    assert len(projects) == 9 and sum(a.value for a in projects) == Decimal("2913.05")
    rates = [(a.item_label_printed, a.share_pct, a.unit_printed) for a in report.amounts if a.share_pct is not None]
    assert rates == [("完成预算的", Decimal("43"), "%"), ("增长", Decimal("100"), "%")]
    stages = [(a.item_label_printed, a.stage_printed) for a in report.amounts if a.line_no == 89]
    assert stages == [
        ("年初预算项目专项资金", "年初预算"),
        ("年中执行调减", "调减"),
        ("实际支出", "实际支出"),
        ("结余结转", "结余结转"),
    ]

"""The 001 layout (汇总表, wide 支出方向表, 部门整体支出绩效申报表) against the hand-checked gold, field by field.

Read without a database: parse the sample, compare every project, funding line, funding statement,
department form and indicator with ``shared/gold/seeds_gold.yaml`` and print precision / recall.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from loaders.extract import parse_document
from loaders.model import ExtractedForm
from loaders.readers.text import read_text
from loaders.vocabulary import load_vocabulary, normalise_label
from tests.conftest import SHARED, sample

GOLD_FILE = SHARED / "gold" / "seeds_gold.yaml"
pytestmark = pytest.mark.skipif(not GOLD_FILE.exists(), reason="shared gold not found beside the clone")

# gold key of a project → (form kind, landing field key) it is read from
PROJECT_FIELDS = [
    ("spending_direction", "special_fund_summary", "spending_direction"),
    ("supervising_department", "spending_direction_target", "supervising_department"),
    ("period_text", "spending_direction_target", "period"),
    ("goals.summary_implementation_period_goal", "special_fund_summary", "period_goal"),
    ("goals.summary_annual_goal", "special_fund_summary", "annual_goal"),
    ("goals.direction_implementation_period_goal", "spending_direction_target", "period_goal"),
    ("goals.direction_annual_goal", "spending_direction_target", "annual_goal"),
]
# gold funding ``form`` → landing form kind
GOLD_FORM_KIND = {
    "专项资金预算绩效目标汇总表": "special_fund_summary",
    "专项资金支出方向绩效目标表": "spending_direction_target",
    "部门整体支出绩效申报表": "department_declaration",
}


def squash(text) -> str:
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


@pytest.fixture(scope="module")
def gold() -> dict:
    with open(GOLD_FILE, encoding="utf-8") as fh:
        docs = yaml.safe_load(fh)["documents"]
    return next(d for d in docs if d["file"].startswith("001"))


@pytest.fixture(scope="module")
def forms() -> list[ExtractedForm]:
    return parse_document(read_text(sample("001").read_bytes())).forms


def _of(forms, kind: str) -> list[ExtractedForm]:
    return [f for f in forms if f.form_kind == kind]


def _field(form: ExtractedForm, key: str) -> str | None:
    return next((f.value_printed for f in form.fields if f.field_key == key), None)


def _get(obj: dict, dotted: str):
    for part in dotted.split("."):
        obj = (obj or {}).get(part)
    return obj


def test_every_special_fund_is_a_form_in_both_tables(gold, forms):
    names = [p["name"] for p in gold["projects"]]
    assert [f.subject_name for f in _of(forms, "special_fund_summary")] == names
    assert [f.subject_name for f in _of(forms, "spending_direction_target")] == names
    assert len(_of(forms, "department_declaration")) == len(gold["department_forms"]) == 1


@pytest.mark.parametrize(("gold_key", "kind", "field_key"), PROJECT_FIELDS, ids=[p[0] for p in PROJECT_FIELDS])
def test_project_fields_match_the_gold(gold, forms, gold_key, kind, field_key):
    by_name = {f.subject_name: f for f in _of(forms, kind)}
    wrong = [
        (p["name"], _get(p, gold_key), _field(by_name[p["name"]], field_key))
        for p in gold["projects"]
        if squash(_get(p, gold_key)) != squash(_field(by_name[p["name"]], field_key))
    ]
    assert wrong == []


def test_project_funding_lines_match_the_gold(gold, forms):
    got = {
        (f.form_kind, f.subject_name, a.line_no, a.value_wan, a.item_label_printed, a.unit_printed)
        for f in forms
        if f.form_kind != "department_declaration"
        for a in f.amounts
    }
    want = {
        (GOLD_FORM_KIND[g["form"]], p["name"], g["line"], Decimal(str(g["amount"])), g["label"], g["unit"])
        for p in gold["projects"]
        for g in p["funding"]
    }
    assert got == want


def test_department_form_matches_the_gold(gold, forms):
    want = gold["department_forms"][0]
    form = _of(forms, "department_declaration")[0]
    assert form.subject_name == want["department"]
    assert squash(_field(form, "overall_goal")) == squash(want["overall_goal"])
    labels = [a.item_label_printed for a in form.amounts]
    funding = [
        (a.item_label_printed, labels[a.parent_seq] if a.parent_seq is not None else None, a.value_wan, a.text_printed, a.line_no)
        for a in form.amounts[: len(want["funding"])]
    ]
    assert funding == [(g["label"], g["parent"], Decimal(str(g["amount"])), g["printed"], g["line"]) for g in want["funding"]]
    assert [a.stage_printed for a in form.amounts] == ["年度预算申请"] * len(form.amounts)


def test_every_funding_statement_is_an_amount_at_its_line(gold, forms):
    amounts = [(a.line_no, a.value_wan, normalise_label(a.item_label_printed)) for f in forms for a in f.amounts]
    statements = gold["funding_statements"]
    found = [s for s in statements if (s["line"], Decimal(str(s["amount"])), normalise_label(s["label"])) in amounts]
    right = [a for a in amounts if any((s["line"], Decimal(str(s["amount"]))) == a[:2] for s in statements)]
    print(f"\n001 funding statements: recall {len(found)}/{len(statements)}, precision {len(right)}/{len(amounts)}")
    assert len(found) == len(statements) == gold["counts"]["funding_statements"]
    assert len(right) == len(amounts)


def test_the_sentence_amounts_are_inferred_parts_of_the_total(forms):
    """001-C2: the 产出指标 sentence lists the budget by function; dbt checks it against 资金总额."""
    form = _of(forms, "department_declaration")[0]
    total = next(i for i, a in enumerate(form.amounts) if a.item_key == "funding_total")
    sentence = [a for a in form.amounts if a.section == "产出指标"]
    assert len(sentence) == 7
    assert {(a.parent_seq, a.placement) for a in sentence} == {(total, "inferred")}
    assert sum(a.value_wan for a in sentence) == Decimal("1593.87")
    parts = [a for a in form.amounts if a.section == "按支出性质分"]
    assert [(a.item_label_printed, a.parent_seq, a.placement) for a in parts] == [
        ("基本支出", total, "exact"),
        ("项目支出", total, "exact"),
    ]


def _gold_indicators(gold) -> list[dict]:
    return [i for form in gold["projects"] + gold["department_forms"] for i in form["indicators"]]


def test_indicator_fields_match_the_gold(gold, forms):
    vocab = load_vocabulary()

    def std(context: str, printed: str | None) -> str:
        hit = vocab.lookup(context, printed) if printed else None
        return hit.standard_label if hit else normalise_label(printed or "")

    got = [i for f in forms for i in f.indicators]
    by_line = {i.line_start: i for i in got}
    right = compared = found = 0
    wrong = []
    for g in _gold_indicators(gold):
        row = by_line.get(g["line"]) or next((i for i in got if i.line_start <= g["line"] <= i.line_end), None)
        found += row is not None
        pairs = {
            "level1": (normalise_label(g["level1"] or ""), std("level1", row.level1_printed) if row else None),
            "level2": (normalise_label(g["level2"] or ""), std("level2", row.level2_printed) if row else None),
            "level3": (squash(g["level3"]), squash(row.level3) if row else None),
            "target_text": (squash(g["target_text"]), squash(row.target_text) if row else None),
        }
        for key, (want, have) in pairs.items():
            compared += 1
            if want == have:
                right += 1
            else:
                wrong.append((g["line"], key, want, have))
    n_gold = gold["counts"]["indicators"]
    print(f"\n001 indicators: recall {found}/{n_gold}, extracted {len(got)}; fields right {right}/{compared}")
    assert len(got) == found == n_gold == 55
    assert right / compared >= 0.98, wrong

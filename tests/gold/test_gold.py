"""The warehouse built from the samples against the hand-checked gold: the bar of the loaders issue, per document.

The bar: every project, department form, funding line and funding statement found with its amount at its
line; at least 98% of the listed indicators' fields right; as many indicators per document as the gold counts.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.gold.compare import GOLD_FILE, DocumentReport, compare, format_reports, load_gold
from tests.gold.conftest import REPORT_KEY

# Documents whose extractor lands in another branch: their bar is expected to fail here.
# The integrator empties this set after merging those branches.
PENDING_DOCUMENTS: set[str] = set()

INDICATOR_FIELDS_BAR = 0.98

pytestmark = pytest.mark.skipif(not GOLD_FILE.exists(), reason=f"gold not found at {GOLD_FILE} (../shared beside the clone)")

DOCUMENTS = sorted(name[:3] for name in load_gold()) if GOLD_FILE.exists() else []


def _param(doc: str):
    marks = [pytest.mark.xfail(strict=False, reason="extractor lands in another branch")] if doc in PENDING_DOCUMENTS else []
    return pytest.param(doc, marks=marks, id=doc)


@pytest.fixture(scope="module")
def reports(built_warehouse, tmp_path_factory, request) -> dict[str, DocumentReport]:
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        found = compare(con)
    finally:
        con.close()
    text = format_reports(found)
    path = tmp_path_factory.mktemp("gold") / "gold_report.txt"
    path.write_text(text + "\n", encoding="utf-8")
    request.config.stash[REPORT_KEY] = f"{text}\n(written to {path})"
    return {r.document[:3]: r for r in found}


def _recall(report: DocumentReport, section: str, name: str) -> tuple[int, int]:
    s = report.scores[(section, name)]
    return s.found, s.gold


def test_every_gold_document_was_loaded(reports):
    assert [d for d, r in reports.items() if not r.loaded] == []


@pytest.mark.parametrize("doc", [_param(d) for d in DOCUMENTS])
def test_every_project_and_department_form_found(reports, doc):
    report = reports[doc]
    found, gold = _recall(report, "projects", "name")
    assert found == gold, report.misses
    forms = report.scores[("department_forms", "form")]
    assert forms.found == forms.gold, report.misses


@pytest.mark.parametrize("doc", [_param(d) for d in DOCUMENTS])
def test_every_funding_line_and_statement_found_with_its_amount(reports, doc):
    report = reports[doc]
    for section in ("funding_lines", "funding_statements"):
        found, gold = _recall(report, section, "amount+line")
        assert found == gold, f"{section}: {found}/{gold} found; {report.misses}"


@pytest.mark.parametrize("doc", [_param(d) for d in DOCUMENTS])
def test_indicator_fields_right(reports, doc):
    report = reports[doc]
    right, compared = report.indicator_cells
    assert compared == 0 or right / compared >= INDICATOR_FIELDS_BAR, f"{right}/{compared} indicator fields right"


@pytest.mark.parametrize("doc", [_param(d) for d in DOCUMENTS])
def test_indicator_count_equals_the_gold(reports, doc):
    want, got = reports[doc].counts["indicators"]
    assert got == want

"""The landing checkpoint: each broken landing row quarantines its document with the expectation as its reason;
only a row that names no document stops the pipeline."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from loaders import pipeline
from loaders.checkpoint import validate_landing
from loaders.landing import create_schema

DOC = "d" * 64


def _landing(path, amount_overrides=None, form_kind="project_target", fact_line=3):
    con = duckdb.connect(str(path))
    create_schema(con)
    con.execute(
        "insert into landing.documents (document_id, file_name, status, loaded_at) values (?, ?, 'ok', ?)",
        [DOC, "bad_county_2023.txt", dt.datetime(2024, 1, 1)],
    )
    con.execute("insert into landing.source_lines values (?, 1, null, '资金总额'), (?, 3, null, '100万元')", [DOC, DOC])
    con.execute(
        "insert into landing.forms (form_id, document_id, form_seq, form_kind, line_start) values ('f1', ?, 1, ?, 1)",
        [DOC, form_kind],
    )
    amount = dict(amount_id="f1:a1", text_printed="100万元", value_wan=100, share_pct=None, year=2023, line_no=fact_line)
    amount.update(amount_overrides or {})
    con.execute(
        "insert into landing.amounts (amount_id, form_id, document_id, text_printed, value_wan, share_pct, year, line_no)"
        " values (?, 'f1', ?, ?, ?, ?, ?, ?)",
        [
            amount["amount_id"],
            DOC,
            amount["text_printed"],
            amount["value_wan"],
            amount["share_pct"],
            amount["year"],
            amount["line_no"],
        ],
    )
    con.close()


CASES = [
    ("implausible amount", dict(amount_overrides={"value_wan": 5e9}), "amounts.value_wan (magnitude)"),
    ("implausible negative amount", dict(amount_overrides={"value_wan": -5e9}), "amounts.value_wan (magnitude)"),
    ("year out of range", dict(amount_overrides={"year": 1898}), "amounts.year"),
    ("missing printed text", dict(amount_overrides={"text_printed": None}), "amounts.text_printed"),
    ("unknown form kind", dict(form_kind="mystery_form"), "forms.form_kind"),
    ("fact without a source line", dict(fact_line=99), "amounts.has_source_line"),
]


def test_clean_landing_passes(tmp_path):
    _landing(tmp_path / "w.duckdb")
    result = validate_landing(tmp_path / "w.duckdb", tmp_path / "docs")
    assert result.success, result.message()
    assert result.evaluated > 20
    assert (tmp_path / "docs" / "index.html").exists()


@pytest.mark.parametrize("case,kwargs,where", CASES, ids=[c[0] for c in CASES])
def test_broken_row_quarantines_its_document(tmp_path, case, kwargs, where):
    _landing(tmp_path / "w.duckdb", **kwargs)
    quarantined = pipeline.check_landing(tmp_path / "w.duckdb", tmp_path / "docs")
    assert list(quarantined) == [DOC]
    assert quarantined[DOC].startswith("landing checkpoint: ") and where in quarantined[DOC]
    assert "\n" not in quarantined[DOC]
    assert (tmp_path / "docs" / "index.html").exists()  # the Data Docs show the failure too


def test_negative_amounts_are_facts_not_failures(tmp_path):
    """调减 and 结余 are printed negative: a negative amount of a plausible size passes."""
    _landing(tmp_path / "w.duckdb", amount_overrides={"value_wan": -5, "text_printed": "-5万元"})
    assert pipeline.check_landing(tmp_path / "w.duckdb", tmp_path / "docs") == {}


def test_a_failure_that_names_no_document_stops_the_run(tmp_path):
    _landing(tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("insert into landing.parse_issues (document_id, severity, code) values (null, 'warning', 'x')")
    con.close()
    with pytest.raises(pipeline.PipelineError, match="landing checkpoint failed.*unknown document"):
        pipeline.check_landing(tmp_path / "w.duckdb", tmp_path / "docs")


def test_samples_pass_and_write_data_docs(built_warehouse):
    docs = built_warehouse.parent / "data_docs"
    assert (docs / "index.html").exists()
    assert any((docs / "validations").rglob("*.html"))

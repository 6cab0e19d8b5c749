"""The landing checkpoint: each broken landing row quarantines its document with the expectation as its reason;
only a row that names no document stops the pipeline."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from loaders import pipeline
from loaders.checkpoint import _frames, data_docs_dir, validate_landing
from loaders.landing import create_schema

DOC = "d" * 64


def _document(con, doc: str, name: str, amount_overrides=None, form_kind="project_target", fact_line=3):
    """One landed document with a form and an amount, broken as the case asks."""
    con.execute(
        "insert into landing.documents (document_id, file_name, status, loaded_at) values (?, ?, 'ok', ?)",
        [doc, name, dt.datetime(2024, 1, 1)],
    )
    con.execute(
        "insert into landing.source_lines (document_id, line_no, page, text)"
        " values (?, 1, null, '资金总额'), (?, 3, null, '100万元')",
        [doc, doc],
    )
    form_id = f"{doc[:8]}:1"
    con.execute(
        "insert into landing.forms (form_id, document_id, form_seq, form_kind, line_start) values (?, ?, 1, ?, 1)",
        [form_id, doc, form_kind],
    )
    amount = dict(text_printed="100万元", value_wan=100, share_pct=None, year=2023, line_no=fact_line)
    amount.update(amount_overrides or {})
    con.execute(
        "insert into landing.amounts (amount_id, form_id, document_id, text_printed, value_wan, share_pct, year, line_no)"
        " values (?, ?, ?, ?, ?, ?, ?, ?)",
        [f"{form_id}:a1", form_id, doc, *amount.values()],
    )


def _landing(path, **kwargs):
    con = duckdb.connect(str(path))
    create_schema(con)
    _document(con, DOC, "bad_county_2023.txt", **kwargs)
    con.close()


CASES = [
    ("implausible amount", dict(amount_overrides={"value_wan": 5e9}), "amounts.value_wan (magnitude)"),
    ("implausible negative amount", dict(amount_overrides={"value_wan": -5e9}), "amounts.value_wan (magnitude)"),
    ("year out of range", dict(amount_overrides={"year": 1898}), "amounts.year"),
    ("missing printed text", dict(amount_overrides={"text_printed": None}), "amounts.text_printed"),
    ("unknown form kind", dict(form_kind="mystery_form"), "forms.form_kind"),
    ("fact without a source line", dict(fact_line=99), "amounts.has_source_line"),
]
CLEAN = {
    "clean.txt": {},
    "negative_adjustment.txt": dict(amount_overrides={"value_wan": -5, "text_printed": "-5万元"}),  # 调减 is a fact
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """One landing of clean documents and one broken document per case, validated once."""
    root = tmp_path_factory.mktemp("checkpoint")
    con = duckdb.connect(str(root / "w.duckdb"))
    create_schema(con)
    ids = {}
    for n, (name, kwargs) in enumerate([*CLEAN.items(), *((c[0], c[1]) for c in CASES)]):
        ids[name] = f"{n:02d}" + "d" * 62
        _document(con, ids[name], name, **kwargs)
    con.close()
    return ids, pipeline.check_landing(root / "w.duckdb", root / "docs"), root / "docs"


def test_clean_landing_passes(tmp_path):
    _landing(tmp_path / "w.duckdb")
    result = validate_landing(tmp_path / "w.duckdb", tmp_path / "docs")
    assert result.success, result.message()
    assert result.evaluated > 20
    assert (tmp_path / "docs" / "index.html").exists()


@pytest.mark.parametrize("case,kwargs,where", CASES, ids=[c[0] for c in CASES])
def test_broken_row_quarantines_its_document(checked, case, kwargs, where):
    ids, quarantined, docs = checked
    reason = quarantined[ids[case]]
    assert reason.startswith("landing checkpoint: ") and where in reason
    assert "\n" not in reason
    assert (docs / "index.html").exists()  # the Data Docs show the failure too


def test_only_the_broken_documents_are_quarantined(checked):
    """Negative amounts of a plausible size (调减, 结余) are facts, not failures."""
    ids, quarantined, _ = checked
    assert set(quarantined) == {ids[c[0]] for c in CASES}


def test_a_failure_that_names_no_document_stops_the_run(tmp_path):
    _landing(tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("insert into landing.parse_issues (document_id, severity, code) values (null, 'warning', 'x')")
    con.close()
    with pytest.raises(pipeline.PipelineError, match="landing checkpoint failed.*unknown document"):
        pipeline.check_landing(tmp_path / "w.duckdb", tmp_path / "docs")


def test_samples_pass_and_write_data_docs(built_warehouse, tmp_path, monkeypatch):
    # Data Docs only on request (they load their assets from the internet); none beside the warehouse
    assert not (built_warehouse.parent / "data_docs").exists()
    monkeypatch.setenv("JIXIAO_DATA_DOCS", str(tmp_path / "docs"))
    docs = data_docs_dir(built_warehouse)
    assert docs == tmp_path / "docs"
    result = validate_landing(built_warehouse, docs)
    assert result.success and result.data_docs == docs / "index.html"
    assert (docs / "index.html").exists()
    assert any((docs / "validations").rglob("*.html"))


def test_frames_hold_only_the_columns_the_expectations_read(tmp_path):
    """The printed texts no expectation reads stay in DuckDB; a fact row still says whether its line exists."""
    _landing(tmp_path / "w.duckdb")
    read = {
        "documents": {"file_name"},
        "forms": {"form_kind"},
        "form_fields": {"has_source_line"},
        "amounts": {"abs_value_wan", "abs_share_pct", "year", "has_source_line"},
        "indicators": {"indicator_id"},
        "parse_issues": {"severity"},
    }
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        frames = _frames(con, [DOC], read)
    finally:
        con.close()
    amounts = frames["amounts"]
    assert set(amounts.columns) == {
        "document_id",
        "value_wan",
        "share_pct",
        "year",
        "has_source_line",
        "abs_value_wan",
        "abs_share_pct",
    }
    assert amounts["has_source_line"].tolist() == [True] and amounts["abs_value_wan"].tolist() == [100.0]
    assert set(frames["documents"].columns) == {"document_id", "file_name"}
    assert "text_printed" not in amounts.columns and "title" not in frames["forms"].columns

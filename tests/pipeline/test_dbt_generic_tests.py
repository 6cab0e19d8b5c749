"""The project's own generic dbt tests (macros/test_*.sql), run by dbt on a copy of the samples' warehouse with
rows made to fail them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from loaders import pipeline
from tests.conftest import ROOT, sidecar_tables


def _properties() -> list[dict]:
    """Every model's and seed's properties, from the project's property files."""
    entries = []
    for path in [*(ROOT / "models").rglob("_*__models.yml"), ROOT / "seeds" / "_seeds.yml"]:
        properties = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries += properties.get("models", []) + properties.get("seeds", [])
    return entries


def _required_columns(entry: dict) -> list[str]:
    """The columns of the entry's not_null_columns test (none without one)."""
    tests = [t["not_null_columns"] for t in entry.get("data_tests") or [] if isinstance(t, dict) and "not_null_columns" in t]
    return [c for t in tests for c in t["arguments"]["column_names"]]


def test_not_null_columns_finds_a_null_in_any_of_its_columns(built_warehouse, tmp_path: Path):
    columns = _required_columns(next(e for e in _properties() if e["name"] == "fct_funding"))
    assert len(columns) >= 3
    copy = tmp_path / built_warehouse.name
    shutil.copy(built_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        # the first listed column in one row, the last in another: each row fails the model's one test
        for column, pick in ((columns[0], "min"), (columns[-1], "max")):
            row = f"(select {pick}(funding_key) from main.fct_funding)"
            con.execute(f"update main.fct_funding set {column} = null where funding_key = {row}")
    with pytest.raises(pipeline.PipelineError):
        pipeline.run_dbt(copy, ["test", "--select", "not_null_fct_funding"], target="test")
    results = json.loads((pipeline.dbt_target_dir() / "run_results.json").read_text(encoding="utf-8"))
    (result,) = [r for r in results["results"] if r["unique_id"].startswith("test.")]
    assert (result["status"], result["failures"]) == ("fail", 2)
    # its failing rows are stored like any test's, under the test's name
    assert sidecar_tables(copy).get("not_null_fct_funding") == 2


def test_a_column_required_in_a_model_is_tested_once():
    """A column is either in its model's not_null_columns or has a not_null of its own (one with a config)."""
    for entry in _properties():
        folded = set(_required_columns(entry))
        columns = entry.get("columns", [])
        assert folded <= {c["name"] for c in columns}, (entry["name"], folded)
        for column in columns:
            tests = column.get("data_tests") or []
            assert "not_null" not in tests, (entry["name"], column["name"], "a plain not_null")
            configured = [t for t in tests if isinstance(t, dict) and "not_null" in t]
            assert not (configured and column["name"] in folded), (entry["name"], column["name"])

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


def _required_columns(model: str) -> list[str]:
    for path in (ROOT / "models").rglob("_*__models.yml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            for test in entry.get("data_tests") or [] if entry["name"] == model else []:
                if isinstance(test, dict) and "not_null_columns" in test:
                    return test["not_null_columns"]["arguments"]["column_names"]
    raise AssertionError(f"{model} has no not_null_columns test")


def test_not_null_columns_finds_a_null_in_any_of_its_columns(built_warehouse, tmp_path: Path):
    columns = _required_columns("fct_funding")
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
    for path in [*(ROOT / "models").rglob("_*__models.yml"), ROOT / "seeds" / "_seeds.yml"]:
        properties = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in properties.get("models", []) + properties.get("seeds", []):
            if "columns" not in entry:
                continue
            folded = {
                c
                for t in entry.get("data_tests") or []
                if isinstance(t, dict) and "not_null_columns" in t
                for c in t["not_null_columns"]["arguments"]["column_names"]
            }
            named = {c["name"] for c in entry["columns"]}
            assert folded <= named, (entry["name"], folded - named)
            for column in entry["columns"]:
                own = [t for t in column.get("data_tests") or [] if t == "not_null" or (isinstance(t, dict) and "not_null" in t)]
                assert not (own and column["name"] in folded), (entry["name"], column["name"])
                assert "not_null" not in (column.get("data_tests") or []), (entry["name"], column["name"], "a plain not_null")

"""Keys from business identity, not bytes: a bureau's corrected re-issue of a document (one character fixed) keeps
every project, funding, indicator and report-line key, so saved BI filters survive the night that loads it."""

from __future__ import annotations

import duckdb

from loaders import pipeline
from tests.conftest import SAMPLES, copy_of_night

KEYED = [
    ("dim_project", "project_key"),
    ("fct_funding", "funding_key"),
    ("fct_funding_leaf", "funding_key"),
    ("fct_indicator", "indicator_key"),
    ("fct_indicator_actual", "indicator_actual_key"),
    ("rpt_budget_execution", "budget_execution_key"),
]


def keys(warehouse, table: str, column: str) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute(f"select {column} from {table}").fetchall()}
    finally:
        con.close()


def test_keys_survive_a_one_character_correction(built_warehouse, tmp_path):
    docs, warehouse = copy_of_night((SAMPLES, built_warehouse), tmp_path)
    reissued = next(docs.glob("004*"))
    lines = reissued.read_text(encoding="utf-8").splitlines(keepends=True)
    # the longest line is a project's 立项依据: fix one punctuation mark in it
    at = max(range(len(lines)), key=lambda k: len(lines[k]))
    assert "、" in lines[at]
    lines[at] = lines[at].replace("、", "，", 1)
    reissued.write_text("".join(lines), encoding="utf-8")

    pipeline.run(docs, warehouse, target="test")

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        versions = con.execute(
            "select count(*) from landing.documents where file_name = ? and status <> 'failed'", [reissued.name]
        ).fetchone()[0]
        current = con.execute("select count(*) from dim_document where file_name = ?", [reissued.name]).fetchone()[0]
    finally:
        con.close()
    assert versions == 2 and current == 1, "the re-issue is a new version of the document, the old one superseded"
    for table, column in KEYED:
        before, after = keys(built_warehouse, table, column), keys(warehouse, table, column)
        assert before and before == after, (table, len(before - after), len(after - before))

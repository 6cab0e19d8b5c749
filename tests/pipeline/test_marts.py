"""The marts on the samples: contracts, keys, regions, gold funding lines, typed targets, statuses, analyses.

Checks against the gold run for every sample document that landed with forms; a document whose extractor is
not in this build yet is skipped with its reason. ``JIXIAO_TEST_WAREHOUSE`` points the checks at a warehouse
built elsewhere (an integration build), instead of the session's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import ROOT, SHARED, sidecar_of, sidecar_tables

GOLD = SHARED / "gold" / "seeds_gold.yaml"
MARTS = [
    "dim_document",
    "dim_region",
    "dim_department",
    "dim_year",
    "dim_spending_direction",
    "dim_project",
    "fct_funding",
    "fct_funding_leaf",
    "fct_indicator",
    "fct_indicator_actual",
    "rpt_budget_execution",
    "rpt_project_crosswalk",
]


@pytest.fixture(scope="module")
def warehouse(request) -> Path:
    override = os.environ.get("JIXIAO_TEST_WAREHOUSE")
    return Path(override) if override else request.getfixturevalue("built_warehouse")


@pytest.fixture()
def con(warehouse):
    c = duckdb.connect(str(warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def gold() -> dict[str, dict]:
    if not GOLD.exists():
        pytest.skip("gold file not present")
    docs = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["documents"]
    return {d["file"][:3]: d for d in docs}


def landed(con, prefix: str) -> str:
    """The document id of a sample that landed with forms, else skip."""
    row = con.execute(
        """
        select d.document_id, count(f.form_id) from landing.documents d
        left join landing.forms f using (document_id) where d.file_name like ? group by all
        """,
        [f"{prefix}%"],
    ).fetchone()
    if row is None or row[1] == 0:
        pytest.skip(f"{prefix} has no forms in this build")
    return row[0]


def test_every_mart_is_built_and_described_in_both_languages(con):
    for mart in MARTS:
        comment = con.execute("select comment from duckdb_tables() where table_name = ?", [mart]).fetchone()
        assert comment and comment[0], mart
        assert any("\u4e00" <= ch <= "\u9fff" for ch in comment[0]) and any(ch.isascii() and ch.isalpha() for ch in comment[0])
        undocumented = con.execute(
            "select column_name from duckdb_columns() where table_name = ? and comment is null", [mart]
        ).fetchall()
        assert undocumented == [], (mart, undocumented)


@pytest.mark.parametrize(
    ("mart", "column", "data_type"),
    [
        ("fct_funding", "amount_wan", "DECIMAL(20,6)"),
        ("fct_funding", "share_pct", "DECIMAL(9,4)"),
        ("fct_funding", "fiscal_year", "INTEGER"),
        ("fct_indicator", "target_min", "DECIMAL(20,6)"),
        ("fct_indicator_actual", "score", "DECIMAL(9,2)"),
        ("rpt_budget_execution", "execution_rate_pct", "DECIMAL(9,2)"),
        ("dim_region", "admin_code", "VARCHAR"),
    ],
)
def test_contract_types(con, mart, column, data_type):
    found = con.execute(
        "select data_type from duckdb_columns() where table_name = ? and column_name = ?", [mart, column]
    ).fetchone()
    assert found is not None and found[0] == data_type


def test_no_mart_exposes_contacts(con):
    cols = con.execute(
        """
        select table_name, column_name from duckdb_columns() where schema_name = 'main'
        and regexp_matches(column_name, 'phone|responsible|contact|filled_by')
        """
    ).fetchall()
    assert cols == []
    # and no value either: the sample phone numbers printed in 002 / 004 never reach a mart
    phones = [r[0] for r in con.execute("select value_printed from landing.form_fields where field_key = 'phone'").fetchall()]
    for mart in MARTS:
        text_cols = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where table_name = ? and data_type = 'VARCHAR'", [mart]
            ).fetchall()
        ]
        for col in text_cols:
            hits = con.execute(
                f"select count(*) from {mart} where list_contains(?, {col})", [[p for p in phones if p]]
            ).fetchone()[0]
            assert hits == 0, (mart, col)


def test_surrogate_keys_are_hashes_of_natural_keys(con):
    """Stable across rebuilds: a key is md5 of its natural key, not a row number."""
    rows = con.execute("select document_key = md5(concat_ws('|', document_id)) from dim_document").fetchall()
    assert rows and all(r[0] for r in rows)
    rows = con.execute(
        "select region_key = md5(concat_ws('|', region_level, admin_code)) from dim_region where not is_unknown"
    ).fetchall()
    assert rows and all(r[0] for r in rows)


@pytest.mark.parametrize(
    ("prefix", "admin_code", "province", "city", "county"),
    [
        ("001", "430204", "湖南省", "株洲市", "石峰区"),
        ("002", "430103", "湖南省", "长沙市", "天心区"),
        ("003", "430203", "湖南省", "株洲市", "芦淞区"),
        ("004", "430900", "湖南省", "益阳市", None),
    ],
)
def test_document_region_resolved_from_its_names(con, prefix, admin_code, province, city, county):
    landed(con, prefix)
    row = con.execute(
        """
        select r.admin_code, r.province_name, r.city_name, r.county_name from dim_document d
        join dim_region r using (region_key) where d.file_name like ?
        """,
        [f"{prefix}%"],
    ).fetchone()
    assert row == (admin_code, province, city, county)


def test_departments_keep_supervising_and_implementing_linked(con):
    landed(con, "002")
    rows = con.execute(
        """
        select u.department_name, p.department_name, r.admin_code from dim_department u
        join dim_department p on u.parent_department_key = p.department_key
        join dim_region r on u.region_key = r.region_key
        """
    ).fetchall()
    assert ("天心区民政局", "区社会救助事务中心", "430103") in rows or any(r[2] == "430103" for r in rows), rows
    # one department per normalised name within a region
    dup = con.execute(
        "select region_key, department_name_normalised, count(*) from dim_department group by all having count(*) > 1"
    ).fetchall()
    assert dup == []


def _gold_funding(doc: dict):
    for p in doc.get("projects") or []:
        for f in p.get("funding") or []:
            yield p["name"], f
    for df in doc.get("department_forms") or []:
        for f in df.get("funding") or []:
            yield None, f


def _same(gold_key, row) -> bool:
    line, want, share = gold_key
    return row[0] == line and (want is None or row[1] == want) and (share is None or row[2] == share)


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_every_gold_funding_line_is_in_fct_funding_with_its_project(con, gold, prefix):
    """Every gold amount that landed reaches fct_funding on its line with its project; a document that loaded
    whole must have landed them all (a partial one is reported, its missing lines being the loader's)."""
    document_id = landed(con, prefix)
    rows = con.execute(
        """
        select f.line_no, f.amount_wan, f.share_pct, p.project_name from fct_funding f
        join dim_document d using (document_key) left join dim_project p using (project_key)
        where d.document_id = ?
        """,
        [document_id],
    ).fetchall()
    landed_lines = con.execute(
        "select line_no, value_wan, share_pct from landing.amounts where document_id = ?", [document_id]
    ).fetchall()
    status = con.execute("select status from landing.documents where document_id = ?", [document_id]).fetchone()[0]
    not_in_marts, not_landed = [], []
    for project, f in _gold_funding(gold[prefix]):
        amount = f.get("amount_wan", f.get("amount"))
        if amount is None and f.get("share_pct") is None:
            continue
        want = Decimal(str(amount)) if amount is not None else None
        share = Decimal(str(f["share_pct"])) if f.get("share_pct") is not None else None

        key = (f["line"], want, share)
        if not any(_same(key, r[:3]) and (project is None or r[3] == project) for r in rows):
            where = not_in_marts if any(_same(key, r) for r in landed_lines) else not_landed
            where.append((project, f.get("label"), amount, f["line"]))
    assert not_in_marts == [], not_in_marts[:10]
    if not_landed and status == "partial":
        pytest.skip(f"{prefix} loaded partially: {len(not_landed)} gold amounts not extracted in this build")
    assert not_landed == [], not_landed[:10]


@pytest.mark.parametrize("prefix", ["001", "002", "003", "004"])
def test_every_gold_project_is_in_dim_project(con, gold, prefix):
    document_id = landed(con, prefix)
    names = {
        r[0]
        for r in con.execute(
            "select project_name from dim_project join dim_document using (document_key) where document_id = ?", [document_id]
        ).fetchall()
    }
    want = [p["name"] for p in gold[prefix].get("projects") or []]
    assert [n for n in want if n not in names] == []
    assert len(names) == len(want)


def test_every_indicator_is_levelled_and_typed(con):
    rows = con.execute(
        """
        select count(*) filter (where level1_printed is not null and level1_key is null),
               count(*) filter (where level2_printed is not null and level2_key is null),
               count(*) filter (where target_parse_status is null),
               count(*) filter (where target_parse_status = 'numeric' and comparator is null)
        from fct_indicator
        """
    ).fetchone()
    assert rows == (0, 0, 0, 0)


def test_statuses_agree_with_scores(con):
    """Points lost mean partly_met, a zero score not_met; a full score is met unless the values show the target
    was missed."""
    rows = con.execute(
        """
        select weight, score, actual_status, status_basis from fct_indicator_actual
        where weight is not null and score is not null
        """
    ).fetchall()
    assert rows
    for weight, score, status, basis in rows:
        if score == 0:
            assert status == "not_met"
        elif score < weight:
            assert status == "partly_met"
        else:
            assert status == "met" or (status == "not_met" and basis == "value")


def test_003_self_evaluation_actuals(con, gold):
    document_id = landed(con, "003")
    rows = con.execute(
        """
        select a.actual_status, a.score, a.weight from fct_indicator_actual a join dim_document d using (document_key)
        where d.document_id = ?
        """,
        [document_id],
    ).fetchall()
    assert len(rows) == 14
    # the printed 总分 100 / 94 also counts the 年度资金总额 row (分值 10, 得分 9), which is not an indicator
    assert sum(r[1] for r in rows) == 85 and sum(r[2] for r in rows) == 90
    # the five that lost points are partly met, not met; the 700元 paid against a 650元 standard is met
    assert sorted(r[0] for r in rows) == ["met"] * 9 + ["partly_met"] * 5
    assert all((r[0] == "partly_met") == (r[1] < r[2]) for r in rows)


@pytest.fixture(scope="module")
def compiled_analyses(warehouse, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Compile the analyses (and docs) with dbt against a copy of the warehouse, as an analyst would."""
    work = tmp_path_factory.mktemp("analyses")
    copy = work / "copy.duckdb"
    shutil.copy(warehouse, copy)
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "JIXIAO_DBT_PATH": str(copy), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    target = work / "target"
    common = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT / "profiles"), "--target", "test"]
    for args in (["compile", "--select", "resource_type:analysis"], ["docs", "generate"]):
        proc = subprocess.run(
            [str(dbt), *args, *common, "--target-path", str(target)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stdout[-3000:]
    compiled = {p.stem: p.read_text(encoding="utf-8") for p in (target / "compiled" / "jixiao" / "analyses").glob("*.sql")}
    return copy, compiled


@pytest.mark.parametrize(
    "analysis",
    [
        "funding_by_region_year_direction",
        "project_indicators_with_targets",
        "actual_vs_target_by_department",
        "largest_reconciliation_differences",
    ],
)
def test_analysis_runs(compiled_analyses, analysis):
    copy, compiled = compiled_analyses
    c = duckdb.connect(str(copy), read_only=True)
    try:
        rows = c.execute(compiled[analysis]).fetchall()
    finally:
        c.close()
    if analysis in ("funding_by_region_year_direction", "project_indicators_with_targets"):
        assert rows, analysis
    if analysis == "largest_reconciliation_differences":
        c = duckdb.connect(str(copy), read_only=True)
        try:
            built = c.execute("select count(*) from duckdb_tables() where table_name = 'dq_reconciliation'").fetchone()[0]
            findings = c.execute("select count(*) from dq_reconciliation where status != 'ok'").fetchone()[0] if built else 0
        finally:
            c.close()
        # the samples print totals that disagree with their parts (gold: 11 findings): they lead the list
        assert bool(rows) == bool(findings)


def test_docs_generated_offline(compiled_analyses):
    copy, _ = compiled_analyses
    catalog = copy.parent / "target" / "catalog.json"
    assert catalog.exists() and "fct_funding" in catalog.read_text(encoding="utf-8")


def test_test_failures_stay_out_of_the_published_file(warehouse, con):
    schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    assert "test_failures" not in schemas
    if os.environ.get("JIXIAO_TEST_WAREHOUSE") and not sidecar_of(warehouse).exists():
        pytest.skip("a warehouse built elsewhere keeps its sidecar where it was built")
    stored = sidecar_tables(warehouse)
    # a test stores its failing rows only when it finds some: every table here holds rows
    assert stored and all(rows > 0 for rows in stored.values()), stored


def test_an_always_empty_mart_column_says_why(con):
    """A column with no value on the samples is allowed only when its description says when it is empty."""
    silent = []
    for mart in MARTS:
        for column, comment in con.execute(
            "select column_name, comment from duckdb_columns() where schema_name = 'main' and table_name = ?", [mart]
        ).fetchall():
            filled = con.execute(f'select count("{column}") from main.{mart}').fetchone()[0]
            if filled == 0 and not ("empty" in (comment or "").lower() and "空" in (comment or "")):
                silent.append((mart, column))
    assert silent == []

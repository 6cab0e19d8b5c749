"""The nightly command with real processes: a BI reader during the publish, SIGKILL mid-ingest and mid-build,
reruns on the same input, one changed file, a removed file, and the incremental build equal to a full refresh."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from loaders import build_batches, ops, pipeline
from loaders import ingest as ingest_module
from tests.conftest import ROOT, copy_of_night, sample, sidecar_of, sidecar_tables

NOT_MODELS = ("landing", "ops", "test_failures", "reference")

READER = r"""
import pathlib, sys, time
import duckdb
path, stop = sys.argv[1], pathlib.Path(sys.argv[2])
con = duckdb.connect(path, read_only=True)  # held open for the whole nightly run
while not stop.exists():
    docs = con.execute("select count(*) from dim_document").fetchone()[0]
    facts = con.execute("select count(*) from fct_indicator join dim_document using (document_key)").fetchone()[0]
    print(docs, facts, flush=True)
    time.sleep(0.05)
con.close()
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(docs: Path, warehouse: Path) -> list[str]:
    return [sys.executable, "-m", "loaders.cli", "run", "--documents", str(docs), "--warehouse", str(warehouse)]


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    return {**base, "PYTHONPATH": str(ROOT), **extra}


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def raise_a_target(path: Path) -> None:
    """Change one printed target of a sample (≥80% → ≥85%): a changed file, a new document version."""
    path.write_text(path.read_text(encoding="utf-8").replace("\t≥80%", "\t≥85%", 1), encoding="utf-8")


def leftovers(warehouse: Path) -> list[Path]:
    return sorted(warehouse.parent.glob(f".{warehouse.name}.building*"))


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def model_tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return con.execute(
        f"""
        select table_schema, table_name from information_schema.tables
        where table_catalog = '{catalog}' and table_type = 'BASE TABLE' and table_schema not in {NOT_MODELS}
        order by 1, 2
        """
    ).fetchall()


def snapshot(warehouse: Path) -> dict[str, set[tuple]]:
    """Every row of every model table (and the landing documents), as comparable tuples."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [(s, t) for s, t in model_tables(con, warehouse.stem)] + [("landing", "documents")]
        out = {}
        for schema, table in tables:
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            cols = [d[0] for d in con.description]
            out[f"{schema}.{table}"] = {tuple(zip(cols, map(repr, r), strict=True)) for r in rows}
            assert len(out[f"{schema}.{table}"]) == len(rows), f"{table} holds duplicate rows"
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """Three samples, published once; tests copy it so each starts from the same published warehouse."""
    root = tmp_path_factory.mktemp("base")
    docs = root / "docs"
    docs.mkdir()
    for prefix in ("002", "003", "004"):
        shutil.copy(sample(prefix), docs)
    warehouse = root / "wh" / "jixiao.duckdb"
    pipeline.run(docs, warehouse, target="test")
    # dbt's record of this first night, beside its folders (a later night's build replaces dbt's own)
    shutil.copy(pipeline.dbt_target_dir() / "run_results.json", root / "run_results.json")
    return docs, warehouse


@pytest.fixture()
def published(base, tmp_path) -> tuple[Path, Path]:
    return copy_of_night(base, tmp_path)


def test_a_reader_holding_the_warehouse_never_errors_while_the_nightly_run_publishes(published, tmp_path):
    docs, warehouse = published
    shutil.copy(sample("001"), docs)  # tonight brings a new document
    before_docs = query(warehouse, "select count(*) from dim_document")[0][0]
    inode_before = warehouse.stat().st_ino
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        first = reader.stdout.readline()  # the reader is connected and querying before the run starts
        assert first, reader.stderr.read()
        nightly = subprocess.run(cli(docs, warehouse), env=env(), capture_output=True, text=True, timeout=600)
        time.sleep(0.5)  # the reader goes on querying its (now replaced) file after the publish
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert nightly.returncode in (0, 3), nightly.stderr
    assert reader.returncode == 0 and err == "", err
    assert len(out.splitlines()) > 20, "the reader kept querying during the whole run"
    seen = {first.strip(), *out.split("\n")} - {""}
    assert seen == {first.strip()}, "the open connection kept reading yesterday's warehouse, whole"
    assert warehouse.stat().st_ino != inode_before, "published by rename"
    assert query(warehouse, "select count(*) from dim_document")[0][0] == before_docs + 1  # a new connection
    assert "published:" in nightly.stderr and "run " in nightly.stderr


@pytest.mark.parametrize("step", ["ingest", "build"])
def test_a_run_killed_mid_step_leaves_the_published_file_untouched_and_the_next_run_recovers(step, published):
    docs, warehouse = published
    shutil.copy(sample("001"), docs)
    before = sha256(warehouse)
    proc = subprocess.Popen(
        cli(docs, warehouse),
        env=env(JIXIAO_TEST_PAUSE_AT=step, JIXIAO_TEST_PAUSE_SECONDS="300"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stderr], daemon=True).start()
    deadline = time.monotonic() + 300
    line = ""
    while "test hook: paused at" not in line:
        assert time.monotonic() < deadline and proc.poll() is None, f"run ended before the {step} pause"
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
    dbt_pid = int(re.search(r"dbt pid (\d+)", line).group(1)) if step == "build" else None
    if dbt_pid:
        assert alive(dbt_pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert sha256(warehouse) == before, "the published file is byte-identical after the kill"
    assert leftovers(warehouse), "the killed run's working file is still there for the next run to clean"
    if dbt_pid:  # the dbt child dies with its parent; it never writes on after the kill
        for _ in range(100):
            if not alive(dbt_pid):
                break
            time.sleep(0.1)
        assert not alive(dbt_pid)

    rerun = subprocess.run(cli(docs, warehouse), env=env(), capture_output=True, text=True, timeout=600)
    assert rerun.returncode in (0, 3), rerun.stderr
    assert sha256(warehouse) != before
    assert leftovers(warehouse) == []
    assert query(warehouse, "select count(*) from dim_document")[0][0] == 4
    outcomes = query(warehouse, "select outcome from ops.ops_runs order by started_at")
    assert [o[0] for o in outcomes][-2:] == ["interrupted", "published_with_problems" if rerun.returncode else "published"]


def test_a_reader_on_the_replaced_file_keeps_it_whole_the_next_night_copies_instead(published, tmp_path):
    """The spare is the file a publish replaced: a reader connected before that publish still holds it, so the
    next night must not write into it. DuckDB's lock refuses the write and that night copies the published file;
    once no reader holds the spare, a night brings it up to date instead of copying."""
    docs, warehouse = published
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        first = reader.stdout.readline()
        assert first, reader.stderr.read()
        shutil.copy(sample("001"), docs)
        held = pipeline.run(docs, warehouse, target="test")  # the reader's file is now the spare
        next(docs.glob("003*")).unlink()
        refused = pipeline.run(docs, warehouse, target="test")
        time.sleep(0.3)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0 and err == "", err
    assert {first.strip(), *out.split("\n")} - {""} == {first.strip()}, "the reader's file never changed under it"
    assert (held.working_copy, refused.working_copy) == ("copy", "copy")
    shutil.copy(sample("003"), docs)
    free = pipeline.run(docs, warehouse, target="test")
    assert free.working_copy == "spare" and free.built
    assert query(warehouse, "select count(*) from dim_document")[0][0] == 4


def file_identity(path: Path) -> tuple[str, int, int]:
    """The file's content, inode and mtime: all three stay when nothing writes or replaces it."""
    return sha256(path), path.stat().st_ino, path.stat().st_mtime_ns


@pytest.fixture(scope="module")
def history(base, tmp_path_factory) -> dict:
    """The same folder run again, then one file changed, then one removed and one added."""
    root = tmp_path_factory.mktemp("history")
    docs, warehouse = root / "docs", root / "wh" / "jixiao.duckdb"
    shutil.copytree(base[0], docs)
    warehouse.parent.mkdir()
    shutil.copy(base[1], warehouse)
    h: dict = {"docs": docs, "warehouse": warehouse, "snap": {}, "summary": {}}

    def night(name: str) -> None:
        h["summary"][name] = pipeline.run(docs, warehouse, target="test")
        h["snap"][name] = snapshot(warehouse)
        h["file"][name] = file_identity(warehouse)

    h["snap"]["base"] = snapshot(warehouse)
    h["file"] = {"base": file_identity(warehouse)}
    night("again")
    night("third")
    changed = next(docs.glob("002*"))
    h["old_id"] = hashlib.sha256(changed.read_bytes()).hexdigest()
    raise_a_target(changed)
    h["new_id"] = hashlib.sha256(changed.read_bytes()).hexdigest()
    # rows an earlier night stored for a test that passes on these documents
    with duckdb.connect(str(sidecar_of(warehouse))) as side:
        side.execute("create table not_null_fct_funding as select 'an earlier night' as document_key")
    night("changed")
    h["sidecar"] = sidecar_tables(warehouse)
    h["tests_run"] = dbt_tests_run(pipeline.dbt_target_dir() / "run_results.json")
    h["first_tests_run"] = dbt_tests_run(base[1].parent.parent / "run_results.json")
    h["removed_id"] = hashlib.sha256(next(docs.glob("003*")).read_bytes()).hexdigest()
    next(docs.glob("003*")).unlink()
    shutil.copy(sample("001"), docs)
    night("removed")
    # what the last night's build compiled for the model of reported actuals (a later test's dbt run overwrites it)
    run_sql = pipeline.dbt_target_dir() / "compiled" / "jixiao" / "models" / "intermediate" / "int_actuals_assessed.sql"
    h["actuals_sql"] = run_sql.read_text(encoding="utf-8")
    return h


def test_twice_on_the_same_input_changes_nothing(history):
    snap = history["snap"]
    for night in ("again", "third"):
        differ = sorted(t for t in snap["base"] if snap[night].get(t) != snap["base"][t])
        assert differ == [], f"{night} night: rows differ in {differ}"
    record = history["summary"]["third"].record
    assert (record.files_seen, record.files_new, record.files_changed, record.files_parsed) == (3, 0, 0, 0)
    assert record.is_full_refresh is False
    # a quiet night: no checkpoint and no build; the published file is left as it is, not even copied
    assert (history["summary"]["again"].built, history["summary"]["third"].built) == (False, False)
    assert history["summary"]["third"].working_copy == "none"
    assert history["file"]["again"] == history["file"]["third"] == history["file"]["base"]
    assert (record.outcome, record.exit_code) == ("published", 0)


def _doc_column(rows: set[tuple]) -> str | None:
    cols = {c for c, _ in next(iter(rows))} if rows else set()
    return next((c for c in ("document_key", "document_id") if c in cols), None)


def test_one_changed_file_changes_only_its_rows(history):
    before, after = history["snap"]["third"], history["snap"]["changed"]
    key_of = dict(_id_and_key(row) for row in after["main.dim_document"] | before["main.dim_document"])
    old = {repr(history["old_id"]), key_of[repr(history["old_id"])]}
    new = {repr(history["new_id"]), key_of[repr(history["new_id"])]}
    touched = 0
    for table in before:
        col = _doc_column(before[table] | after[table])
        gone, came = before[table] - after[table], after[table] - before[table]
        if col is None:
            assert gone == came == set(), table
            continue
        assert {dict(r)[col] for r in gone} <= old, table
        assert {dict(r)[col] for r in came} <= new, table
        touched += bool(gone or came)
    assert touched >= 3  # at least dim_document, dim_project, fct_indicator
    changed = history["summary"]["changed"].record
    assert (changed.files_changed, changed.files_unchanged, changed.files_parsed) == (1, 2, 1)
    assert history["summary"]["changed"].built
    # the next night wrote its change into the file the last publish replaced, not into a copy of the warehouse
    assert history["summary"]["removed"].working_copy == "spare" and history["summary"]["removed"].built
    versions = query(
        history["warehouse"],
        "select document_id, superseded_by from landing.document_versions where relative_path like '002%' order by first_seen_at",
    )
    assert versions == [(history["old_id"], history["new_id"]), (history["new_id"], None)]


def _id_and_key(row: tuple) -> tuple[str, str]:
    d = dict(row)
    return d["document_id"], d["document_key"]


def test_the_sidecar_holds_the_rows_of_the_tests_that_found_some_tonight(history):
    """A test stores rows only when it finds some, and a test that passed tonight leaves the sidecar: the rows it
    stored on an earlier night are not tonight's."""
    stored = history["sidecar"]
    assert "not_null_fct_funding" not in stored
    assert stored.get("dq_findings_beyond_rounding", 0) > 0
    assert all(rows > 0 for rows in stored.values()), stored


def dbt_tests_run(run_results: Path) -> set[str]:
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    return {r["unique_id"].split(".")[2] for r in results if r["unique_id"].startswith("test.")}


def test_a_night_on_an_unchanged_project_leaves_the_seeds_tests_out(history):
    """The seeds are the project's: the first night of a project (a full refresh) tests them, later nights on the
    same project do not. The tests that read a model as well as a seed still run."""
    seeds_alone = {"unique_form_kinds_form_kind", "not_null_label_vocabulary", "unique_reconciliation_rules_rule_id"}
    seed_and_model = "relationships_dq_reconciliation_rule_id__rule_id__ref_reconciliation_rules_"
    first, changed = history["first_tests_run"], history["tests_run"]
    assert seeds_alone <= first and seed_and_model in first
    assert not changed & seeds_alone and seed_and_model in changed
    assert {"not_null_fct_funding", "unique_fct_indicator_indicator_key"} <= changed


def test_a_removed_file_leaves_the_marts_and_is_marked(history):
    warehouse = history["warehouse"]
    ids = [r[0] for r in query(warehouse, "select document_id from dim_document")]
    assert history["removed_id"] not in ids and history["new_id"] in ids and history["old_id"] not in ids
    marked = query(
        warehouse,
        f"select removed_run is not null from landing.document_versions where document_id = '{history['removed_id']}'",
    )
    assert marked == [(True,)]
    record = history["summary"]["removed"].record
    assert (record.files_removed, record.files_new) == (1, 1)


def test_ops_runs_holds_a_row_per_run_queryable_by_bi(history):
    rows = query(
        history["warehouse"],
        "select outcome, files_seen, files_changed, files_removed, json_extract(mart_rows, '$.dim_document')::int "
        "from ops.ops_runs order by started_at",
    )
    # the base night and the four of the history: the two quiet ones, which left the file as it was, came in with
    # the next night that published, from the journal beside the warehouse
    assert len(rows) == 5
    assert [r[2:4] for r in rows] == [(0, 0), (0, 0), (0, 0), (1, 0), (0, 1)]
    assert [r[0] for r in rows] == ["published"] * 5
    assert rows[1][1] == rows[2][1] == 3 and rows[1][4] == rows[2][4] == 3
    assert rows[-1][4] == 3
    # where each night's time went: a night that built has its three steps, a quiet one its ingest only
    steps = query(history["warehouse"], "select step_seconds from ops.ops_runs order by started_at")
    nights = [json.loads(s) for (s,) in steps]
    assert [sorted(n) for n in nights] == [
        ["checkpoint", "dbt build", "ingest"],
        ["ingest"],
        ["ingest"],
        ["checkpoint", "dbt build", "ingest"],
        ["checkpoint", "dbt build", "ingest"],
    ]
    assert all(seconds >= 0 for n in nights for seconds in n.values())
    assert nights[0]["dbt build"] > 0


def test_a_warehouse_published_before_step_seconds_gets_the_column(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema ops")
    con.execute(ops.OPS_RUNS_DDL.replace(",\n    step_seconds json", ""))
    ops.create_schema(con)
    ops.write_runs(con, [ops.RunRecord("r1", dt.datetime(2026, 1, 1), "docs", step_seconds={"ingest": 1.5})])
    assert con.execute("select step_seconds->>'ingest' from ops.ops_runs").fetchall() == [("1.5",)]


def assert_models_equal_a_full_refresh(warehouse: Path, tmp_path: Path) -> list[tuple[str, str]]:
    """Every model table of ``warehouse`` holds the rows a full-refresh build of its landing gives."""
    full = tmp_path / "full.duckdb"
    shutil.copy(warehouse, full)
    pipeline.run_dbt(full, ["build", "--full-refresh"], target="test")
    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as inc (read_only)")
        con.execute(f"attach '{full}' as ful (read_only)")
        tables = model_tables(con, "inc")
        assert tables == model_tables(con, "ful")
        for schema, table in tables:
            a, b = f'inc."{schema}"."{table}"', f'ful."{schema}"."{table}"'
            diff = con.execute(
                f"select count(*) from ((select * from {a} except all select * from {b}) "
                f"union all (select * from {b} except all select * from {a}))"
            ).fetchone()[0]
            assert diff == 0, f"{schema}.{table} differs from a full-refresh build"
        return tables
    finally:
        con.close()


def test_the_incremental_build_equals_a_full_refresh(history, tmp_path):
    tables = assert_models_equal_a_full_refresh(history["warehouse"], tmp_path)
    incremental = [
        ("intermediate", "int_indicators_levelled"),
        ("intermediate", "int_region_mentions"),
        ("intermediate", "int_amounts_classified"),
        ("intermediate", "int_measures_parsed"),
        ("intermediate", "int_funding_structure"),
        ("intermediate", "int_project_descriptions"),
        ("intermediate", "int_documents_regioned"),
        ("intermediate", "int_departments_resolved"),
        ("intermediate", "int_actuals_assessed"),
        ("intermediate", "int_document_fingerprints"),
        ("intermediate", "int_project_forms"),
        ("quality", "int_dq_check_parts"),
        ("quality", "int_dq_reconciled"),
        ("main", "fct_indicator"),
        ("main", "fct_funding"),
    ]
    assert set(incremental) <= set(tables)


def test_each_by_document_model_records_the_documents_it_took_rows_or_not(history):
    # a document that gives a model no row (a target form has no reported actual) is not taken again every night
    warehouse = history["warehouse"]
    current = query(
        warehouse,
        "select list(document_id order by document_id) from staging.stg_landing__documents where load_status <> 'failed'",
    )[0][0]
    taken = dict(
        query(warehouse, "select model_name, list(document_id order by document_id) from ops.documents_taken group by all")
    )
    assert len(taken) == 15 and all(docs == current for docs in taken.values())
    # these samples report no actual: every document gave int_actuals_assessed no row, and none is left for the
    # next night to take, as the model selects its new documents (tonight's build read the record)
    assert query(warehouse, "select count(*) from intermediate.int_actuals_assessed") == [(0,)]
    assert 'ops"."documents_taken' in history["actuals_sql"]
    # ... and the record alone: the model's own rows, which grow with the corpus, are not read to find them
    assert '"int_actuals_assessed"' not in history["actuals_sql"]
    unseen = query(
        warehouse,
        "select count(*) from staging.stg_landing__documents as d where d.load_status <> 'failed' and d.document_id "
        "not in (select t.document_id from ops.documents_taken as t where t.model_name = 'int_actuals_assessed')",
    )
    assert unseen == [(0,)]


def test_a_warehouse_without_the_record_builds_a_night_as_a_full_refresh_does(published, tmp_path):
    # a warehouse built before the record (or one whose record was dropped) reads the models' own tables instead
    docs, warehouse = published
    con = duckdb.connect(str(warehouse))
    con.execute("drop table ops.documents_taken")
    con.close()
    changed = next(docs.glob("002*"))
    raise_a_target(changed)
    pipeline.run(docs, warehouse, target="test")
    assert_models_equal_a_full_refresh(warehouse, tmp_path)
    current = query(warehouse, "select count(*) from staging.stg_landing__documents where load_status <> 'failed'")
    assert query(warehouse, "select count(distinct model_name), count(*) from ops.documents_taken") == [(15, 15 * current[0][0])]


def test_a_night_with_a_failed_and_a_renamed_document_equals_a_full_refresh(published, tmp_path):
    # the incremental models keep a document's rows from the night it was new: what may change since (the file it
    # is at, whether it failed) is joined in by the models over them
    docs, warehouse = published
    (docs / "scan.pdf").write_bytes(bytes(range(256)) * 16)  # no text to read: the document fails
    renamed = next(docs.glob("004*"))
    renamed.rename(docs / f"moved-{renamed.name}")
    summary = pipeline.run(docs, warehouse, target="test")
    assert not summary.record.is_full_refresh
    documents = dict(query(warehouse, "select file_name, load_status from dim_document"))
    assert documents["scan.pdf"] == "failed" and documents[f"moved-{renamed.name}"] == "ok"
    checked = {r[0] for r in query(warehouse, "select distinct file_name from dq_reconciliation")}
    assert f"moved-{renamed.name}" in checked and renamed.name not in checked
    assert_models_equal_a_full_refresh(warehouse, tmp_path)


def test_a_night_built_in_batches_of_documents_equals_one_built_at_once(base, tmp_path, monkeypatch):
    docs, warehouse = base[0], tmp_path / "wh" / "jixiao.duckdb"
    monkeypatch.setattr(build_batches, "documents_per_batch", lambda: 1)
    summary = pipeline.run(docs, warehouse, target="test")
    assert any(note.startswith("new documents built in 3 batches") for note in summary.notes)
    assert query(warehouse, "select count(*) from dim_document") == [(3,)]
    assert query(warehouse, "select count(*) from information_schema.tables where table_name = 'build_batch'") == [(0,)]
    # a batch's models read the batch's stretch of the landing order, not the whole landing tables
    batch = json.loads((pipeline.dbt_target_dir() / "run_results_batch_2.json").read_text(encoding="utf-8"))
    code = {r["unique_id"].rsplit(".", 1)[-1]: r.get("compiled_code") or "" for r in batch["results"]}
    assert re.search(r"landing_seq between (\d+) and \1\b", code["int_region_mentions"])
    assert_models_equal_a_full_refresh(warehouse, tmp_path)


def test_a_full_refresh_built_in_batches_refreshes_the_models_over_them_too(published, tmp_path, monkeypatch):
    # a night that rebuilds everything (a new parser or dbt project) on a warehouse larger than a batch: the models
    # incremental by document are refreshed batch by batch, and the models over them that are incremental too (by
    # group, the facts) must be refreshed as well, not built on what they held
    docs, warehouse = published
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("update intermediate.int_funding_roles set exclusion_reason = 'stale'")
        con.execute("update main.dim_project set project_name = 'stale'")
    finally:
        con.close()
    monkeypatch.setattr(build_batches, "documents_per_batch", lambda: 1)
    summary = pipeline.run(docs, warehouse, target="test", full_refresh=True)
    assert any(note.startswith("new documents built in 3 batches") for note in summary.notes)
    stale = query(
        warehouse,
        "select (select count(*) from intermediate.int_funding_roles where exclusion_reason = 'stale') "
        "+ (select count(*) from main.dim_project where project_name = 'stale')",
    )
    assert stale == [(0,)]
    assert_models_equal_a_full_refresh(warehouse, tmp_path)


def test_a_night_that_fails_in_the_build_keeps_its_landing_for_the_next_which_does_not_parse_again(
    published, monkeypatch, tmp_path
):
    docs, warehouse = published
    shutil.copy(sample("001"), docs)
    before = sha256(warehouse)
    real_dbt = pipeline.run_dbt

    def dbt_failing_halfway(at: Path, args: list[str], **kwargs) -> None:
        # some incremental models take the new document, then the build fails (out of memory, say)
        real_dbt(at, [*args, "--select", "+int_region_mentions +int_amounts_classified"], **kwargs)
        raise pipeline.PipelineError("dbt build failed: Out of Memory Error")

    monkeypatch.setattr(pipeline, "run_dbt", dbt_failing_halfway)
    with pytest.raises(pipeline.PipelineError, match="Out of Memory"):
        pipeline.run(docs, warehouse, target="test")
    assert sha256(warehouse) == before and leftovers(warehouse) == []
    assert pipeline.resume_path(warehouse).exists()
    monkeypatch.undo()

    summary = pipeline.run(docs, warehouse, target="test")
    assert summary.working_copy == "resume" and summary.ingest.parsed == 0
    assert not pipeline.resume_path(warehouse).exists()
    assert query(warehouse, "select count(*) from dim_document") == [(4,)]
    runs = query(warehouse, "select outcome, message from ops.ops_runs order by started_at")
    assert runs[-2] == ("failed", "dbt build failed: Out of Memory Error (its landed documents are kept for the next run)")
    assert runs[-1][0].startswith("published") and "not parsed again" in runs[-1][1]
    assert_models_equal_a_full_refresh(warehouse, tmp_path)


def test_a_night_stopped_while_it_parses_keeps_what_it_landed_and_the_next_checks_and_finishes_it(
    published, monkeypatch, tmp_path
):
    docs, warehouse = published
    shutil.copy(sample("001"), docs)
    (docs / "001-reissued.txt").write_bytes(sample("001").read_bytes() + "\n附：更正件\n".encode())
    before = sha256(warehouse)
    real_land = ingest_module._land_batch

    def stopped_after_the_first_batch(*args, **kwargs) -> None:
        real_land(*args, **kwargs)  # one document lands whole, then the operator stops the night (SIGTERM)
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest_module, "_land_batch", stopped_after_the_first_batch)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(docs, warehouse, target="test", workers=0)
    monkeypatch.undo()
    assert sha256(warehouse) == before and leftovers(warehouse) == []
    assert pipeline.resume_path(warehouse).exists()

    validated: list[list[str]] = []
    real_checkpoint = pipeline.checkpoint

    def recording_checkpoint(db_path: Path, documents: list[str] | None = None) -> dict[str, str]:
        validated.append(list(documents or []))
        return real_checkpoint(db_path, documents)

    monkeypatch.setattr(pipeline, "checkpoint", recording_checkpoint)
    summary = pipeline.run(docs, warehouse, target="test", workers=0)
    assert summary.working_copy == "resume" and summary.ingest.parsed == 1  # only the document not landed
    # the stopped night's document was never checked: this night's checkpoint takes it with its own
    new = {doc for (doc,) in query(warehouse, "select document_id from landing.documents where relative_path like '001%'")}
    assert len(new) == 2 and validated == [sorted(new)]
    assert query(warehouse, "select count(*) from dim_document") == [(5,)]
    runs = query(warehouse, "select outcome, message from ops.ops_runs order by started_at")
    assert runs[-2][0] == "interrupted" and "kept for the next run" in runs[-2][1]
    assert_models_equal_a_full_refresh(warehouse, tmp_path)


def test_a_kept_landing_is_not_used_once_the_published_file_was_replaced(tmp_path):
    warehouse = tmp_path / "jixiao.duckdb"
    for name in ("work", "published"):
        con = duckdb.connect(str(tmp_path / name))
        con.execute("create schema landing; create table landing.documents (document_id varchar)")
        con.close()
    shutil.copy(tmp_path / "published", warehouse)
    assert pipeline.keep_for_resume(tmp_path / "work", warehouse, "failed-night")
    (tmp_path / "restored").write_bytes(warehouse.read_bytes())
    os.replace(tmp_path / "restored", warehouse)  # a publish or a restore since the failed night
    assert pipeline.take_resume(tmp_path / "tonight", warehouse) is None
    assert not (tmp_path / "tonight").exists() and not pipeline.resume_path(warehouse).exists()
    assert list(tmp_path.glob(".jixiao.duckdb.resume*")) == []


def test_a_write_ahead_log_left_beside_an_unchanged_warehouse_is_moved_aside(published):
    """A client opened the published file read-write and left its log: the night is not quiet, it publishes a
    file without the client's writes and moves the log aside, as on a night with changes."""
    docs, warehouse = published
    con = duckdb.connect(str(warehouse))
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("create table main.written_by_a_client as select 1 as n")
    con.close()
    foreign = pipeline.foreign_wal(warehouse)
    assert foreign.exists()
    summary = pipeline.run(docs, warehouse, target="test")
    assert summary.built and summary.working_copy != "none"
    assert not foreign.exists() and any("moved aside" in note for note in summary.notes)
    assert query(warehouse, "select count(*) from information_schema.tables where table_name = 'written_by_a_client'") == [(0,)]


def test_a_failed_night_keeps_yesterdays_warehouse_says_why_and_is_recorded_next_night(published, monkeypatch):
    docs, warehouse = published
    shutil.copy(sample("001"), docs)
    before = sha256(warehouse)

    def failing_checkpoint(db_path: Path, documents: list[str] | None = None) -> None:
        raise pipeline.PipelineError("landing checkpoint failed: 1 expectation not met")

    monkeypatch.setattr(pipeline, "checkpoint", failing_checkpoint)
    with pytest.raises(pipeline.PipelineError, match="landing checkpoint failed"):
        pipeline.run(docs, warehouse, target="test")
    assert sha256(warehouse) == before and leftovers(warehouse) == []
    monkeypatch.undo()

    summary = pipeline.run(docs, warehouse, target="test")
    assert summary.published == warehouse
    rows = query(warehouse, "select outcome, message from ops.ops_runs order by started_at")
    assert rows[-2] == ("failed", "landing checkpoint failed: 1 expectation not met")
    assert rows[-1][0].startswith("published")


def test_a_second_run_on_the_same_warehouse_is_refused_while_one_runs(published):
    docs, warehouse = published
    before = sha256(warehouse)
    with pipeline.run_lock(warehouse), pytest.raises(pipeline.PipelineError, match="another jixiao run"):
        pipeline.run(docs, warehouse, target="test")
    assert sha256(warehouse) == before


def test_the_cli_exit_status_and_one_line_reason_when_nothing_is_published(published):
    docs, warehouse = published
    before = sha256(warehouse)
    missing = subprocess.run(cli(docs / "nope", warehouse), env=env(), capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "input not found" in missing.stderr and "Traceback" not in missing.stderr
    assert sha256(warehouse) == before

"""Operational safety of the nightly command: bad settings, a folder that lost its documents, a foreign
write-ahead log, a damaged published file, SIGTERM during ingest, files changing under the run, and names
and reasons that look like rich markup. Each ends with a one-line message and a recorded outcome."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from loaders import cli, ingest, pipeline
from tests.conftest import ROOT, copy_of_night, sample


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    return {**base, "PYTHONPATH": str(ROOT), **extra}


def cli_run(*args: str) -> list[str]:
    return [sys.executable, "-m", "loaders.cli", "run", *args]


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        out |= {int(c) for c in (task / "children").read_text().split()}
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """Two samples landed once (no dbt build: every case here ends before it, or rebuilds from nothing);
    tests copy it so each starts from the same warehouse."""
    root = tmp_path_factory.mktemp("ops_base")
    docs = root / "docs"
    docs.mkdir()
    for prefix in ("002", "003"):
        shutil.copy(sample(prefix), docs)
    warehouse = root / "wh" / "jixiao.duckdb"
    warehouse.parent.mkdir()
    pipeline.do_ingest(warehouse, docs, workers=0)
    return docs, warehouse


@pytest.fixture()
def published(base, tmp_path) -> tuple[Path, Path]:
    return copy_of_night(base, tmp_path)


# --- settings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "words"),
    [
        ({"JIXIAO_DOCUMENTS": ""}, "JIXIAO_DOCUMENTS is set but empty"),
        ({"JIXIAO_WAREHOUSE": "  "}, "JIXIAO_WAREHOUSE is set but empty"),
        ({"JIXIAO_WORKERS": "abc"}, "JIXIAO_WORKERS must be a whole number"),
    ],
    ids=["empty-documents", "empty-warehouse", "workers-abc"],
)
def test_a_bad_setting_is_a_one_line_error_and_nothing_is_published(published, variables, words):
    docs, warehouse = published
    before = sha256(warehouse)
    args = [] if "JIXIAO_DOCUMENTS" in variables else ["--documents", str(docs)]
    args += [] if "JIXIAO_WAREHOUSE" in variables else ["--warehouse", str(warehouse)]
    proc = subprocess.run(cli_run(*args), cwd=ROOT, env=env(**variables), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert sha256(warehouse) == before


# --- the shrink guard ----------------------------------------------------------------------------------


def test_an_emptied_folder_does_not_empty_the_warehouse_unless_allowed(published):
    docs, warehouse = published
    before = sha256(warehouse)
    for path in docs.iterdir():
        path.unlink()
    proc = subprocess.run(
        cli_run("--documents", str(docs), "--warehouse", str(warehouse)),
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "lost 2 of its 2 documents" in proc.stderr and "--allow-shrink" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sha256(warehouse) == before
    # told so (--allow-shrink), the same loss is published; below the share it needs no telling
    lost = ingest.IngestResult(removed=["a.txt", "b.txt"])
    pipeline.check_shrink(lost, 2, allow_shrink=True)
    pipeline.check_shrink(ingest.IngestResult(removed=["a.txt"]), 2, allow_shrink=False)
    with pytest.raises(pipeline.PipelineError, match="lost 2 of its 2 documents"):
        pipeline.check_shrink(lost, 2, allow_shrink=False)
    assert (
        "--allow-shrink"
        in subprocess.run(cli_run("--help"), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=60).stdout
    )


# --- the published file and what lies beside it --------------------------------------------------------


def test_a_damaged_published_file_and_a_foreign_wal_beside_it(published):
    """The history cannot be read: the night says so, rebuilds from the documents and keeps the damaged
    file; the write-ahead log a read-write client left is moved aside; the new file is verified read-only."""
    docs, warehouse = published
    warehouse.write_bytes(b"this is not a DuckDB file\n" * 100)
    foreign = warehouse.with_name(warehouse.name + ".wal")
    foreign.write_bytes(b"a write-ahead log of yesterday's warehouse, left by a read-write client" * 10)
    summary = pipeline.run(docs, warehouse, target="test")
    assert summary.published == warehouse
    assert any("could not be read" in note and "rebuilt from the documents" in note for note in summary.notes)
    assert not foreign.exists()
    assert len(list(warehouse.parent.glob(f"{warehouse.name}.wal.moved-*"))) == 1
    assert query(warehouse, "select count(*) from dim_document") == [(2,)]  # opens read-only, whole
    message = query(warehouse, "select message from ops.ops_runs order by started_at desc limit 1")[0][0]
    assert "landing history is lost" in message and "moved aside" in message
    kept = list(warehouse.parent.glob(f"{warehouse.name}.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a DuckDB file")


# --- SIGTERM -------------------------------------------------------------------------------------------


def test_sigterm_during_ingest_ends_the_worker_processes_too(published, tmp_path):
    docs, warehouse = published
    for prefix in ("001", "004"):
        shutil.copy(sample(prefix), docs)
    before = sha256(warehouse)
    proc = subprocess.Popen(
        cli_run("--documents", str(docs), "--warehouse", str(warehouse)),
        cwd=ROOT,
        env=env(JIXIAO_TEST_PAUSE_AT="ingest", JIXIAO_TEST_PAUSE_SECONDS="120", JIXIAO_WORKERS="2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stderr:
            if "test hook: paused at ingest" in line:
                break
        workers = children(proc.pid)
        assert workers, "the parser workers should be running"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, err
    assert "interrupted" in err and "Traceback" not in err
    deadline = time.time() + 10
    while any(alive(pid) for pid in workers) and time.time() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)
    assert sha256(warehouse) == before


# --- files changing under the run ----------------------------------------------------------------------


def test_a_file_changed_or_deleted_between_hashing_and_parsing(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    form = sample("002").read_text(encoding="utf-8")
    (docs / "changes.txt").write_text(form, encoding="utf-8")
    (docs / "vanishes.txt").write_text(form.replace("2021", "2020"), encoding="utf-8")
    (docs / "x_copy_of_vanished.txt").write_text(form.replace("2021", "2020"), encoding="utf-8")
    (docs / "stays.txt").write_text(form.replace("2021", "2019"), encoding="utf-8")
    real = ingest.parse_many

    def meanwhile(todo, root, workers):
        (docs / "changes.txt").write_text(form.replace("2021", "2022"), encoding="utf-8")
        (docs / "vanishes.txt").unlink()
        yield from real(todo, root, 0)

    monkeypatch.setattr(ingest, "parse_many", meanwhile)
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        result = ingest.ingest(con, docs, workers=0)
        current = dict(con.execute("select relative_path, document_id from landing.document_versions").fetchall())
    finally:
        con.close()
    by_path = {o.path: o for o in result.outcomes}
    assert result.vanished == ["vanishes.txt"]
    assert set(by_path) == {"changes.txt", "stays.txt", "x_copy_of_vanished.txt"}
    # the copy was never parsed (its first copy was): it is read again next run, not lost
    copy = by_path["x_copy_of_vanished.txt"]
    assert (copy.status, copy.transient) == ("failed", True) and "read again next run" in copy.reason
    new_id = hashlib.sha256((docs / "changes.txt").read_bytes()).hexdigest()
    assert by_path["changes.txt"].document_id == new_id == current["changes.txt"]
    assert by_path["changes.txt"].status == "ok"


# --- printing ------------------------------------------------------------------------------------------


def test_names_and_reasons_print_literally(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=out, width=200))
    result = ingest.IngestResult(
        outcomes=[
            ingest.FileOutcome("[/]a.pdf", "x", "failed", "corrupt PDF: PSSyntaxError: Invalid dictionary construct: [/'X']"),
            ingest.FileOutcome("[bold]b.txt", "y", "partial", "1 parse issue(s), first: [red]x[/red]"),
        ],
        removed=["[/]gone.txt"],
    )
    cli._print_ingest(result)
    text = out.getvalue()
    assert "failed [/]a.pdf: corrupt PDF: PSSyntaxError: Invalid dictionary construct: [/'X']" in text
    assert "partial [bold]b.txt: 1 parse issue(s), first: [red]x[/red]" in text
    assert "removed [/]gone.txt" in text


# --- worker crashes ------------------------------------------------------------------------------------


def test_a_worker_crash_blames_only_the_file_it_was_reading(tmp_path, monkeypatch):
    """Crashes beside good files in flight (test hook: the worker kills itself): each crash fails only its
    own file, for now (parsed again next run); the files parsed beside it load whole."""
    docs = tmp_path / "docs"
    docs.mkdir()
    form = sample("002").read_text(encoding="utf-8")
    for i in range(9):
        name = f"crashme_{i}.txt" if i % 3 == 1 else f"good_{i}.txt"
        (docs / name).write_text(form.replace("2021", str(2000 + i)), encoding="utf-8")
    monkeypatch.setenv("JIXIAO_TEST_CRASH_ON", "crashme")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        result = ingest.ingest(con, docs, workers=2)
    finally:
        con.close()
    status = {o.path: (o.status, o.transient) for o in result.outcomes}
    assert status == {name: (("failed", True) if name.startswith("crashme") else ("ok", False)) for name in status}, status
    assert len(status) == 9

"""Incremental ingest without dbt: content hashes, file history, duplicates, parallel parsing."""

from __future__ import annotations

import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import pytest

from loaders import ingest as ingest_mod
from loaders import landing as landing_mod
from loaders.ingest import file_meta, ingest, parse_many
from loaders.landing import SCHEMAS, STORAGE_ERRORS, as_columns, create_schema, row_count, write_documents
from tests.conftest import SAMPLES, sample


@pytest.fixture()
def docs(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for prefix in ("002", "003"):
        shutil.copy(sample(prefix), folder)
    return folder


@pytest.fixture()
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield c
    c.close()


def landing_snapshot(con) -> dict[str, list[tuple]]:
    return {t: sorted(map(repr, con.execute(f"select * from landing.{t}").fetchall())) for t in SCHEMAS}


def versions(con) -> list[tuple]:
    return con.execute(
        """
        select relative_path, left(document_id, 8), file_status, superseded_by is not null, removed_at is not null
        from landing.document_versions order by relative_path, first_seen_at
        """
    ).fetchall()


def test_second_ingest_of_the_same_folder_changes_nothing(con, docs):
    first = ingest(con, docs, run_id="r1", workers=1)
    before = landing_snapshot(con)
    second = ingest(con, docs, run_id="r2", workers=1)
    assert landing_snapshot(con) == before
    assert [o.change for o in first.outcomes] == ["new", "new"]
    assert [o.change for o in second.outcomes] == ["unchanged", "unchanged"]
    assert (first.parsed, second.parsed) == (2, 0)
    # an unchanged file keeps its load status, so exit status 3 still lists it
    assert [o.status for o in second.outcomes] == [o.status for o in first.outcomes]


def test_changed_file_supersedes_its_old_version(con, docs):
    ingest(con, docs, run_id="r1", workers=1)
    target = next(docs.glob("002*"))
    old_id = file_meta(target, docs, target.read_bytes()).document_id
    target.write_text(target.read_text(encoding="utf-8").replace("\t≥80%", "\t≥85%", 1), encoding="utf-8")
    result = ingest(con, docs, run_id="r2", workers=1)
    changed = {o.path: o.change for o in result.outcomes}
    assert changed == {target.name: "changed", next(docs.glob("003*")).name: "unchanged"}
    assert result.parsed == 1
    rows = con.execute(
        "select document_id, superseded_by from landing.document_versions where relative_path = ? order by first_seen_at",
        [target.name],
    ).fetchall()
    new_id = rows[1][0]
    assert rows == [(old_id, new_id), (new_id, None)]
    # both versions stay in landing: history, the old rows leave the marts through staging
    assert con.execute("select count(*) from landing.documents where document_id in (?, ?)", [old_id, new_id]).fetchone() == (2,)


def test_reverting_a_file_makes_the_old_version_current_again(con, docs):
    target = next(docs.glob("002*"))
    original = target.read_bytes()
    ingest(con, docs, run_id="r1", workers=1)
    target.write_bytes(original + b"\n")
    ingest(con, docs, run_id="r2", workers=1)
    target.write_bytes(original)
    result = ingest(con, docs, run_id="r3", workers=1)
    assert {o.change for o in result.outcomes if o.path == target.name} == {"changed"}
    assert result.parsed == 0  # the old content is still landed by this parser
    current = [v for v in versions(con) if v[0] == target.name and not v[3] and not v[4]]
    assert len(current) == 1 and current[0][1] == file_meta(target, docs, original).document_id[:8]


def test_removed_file_is_marked_not_kept_current(con, docs):
    ingest(con, docs, run_id="r1", workers=1)
    gone = next(docs.glob("003*"))
    gone.unlink()
    result = ingest(con, docs, run_id="r2", workers=1)
    assert result.removed == [gone.name]
    assert [v for v in versions(con) if v[0] == gone.name][0][4] is True
    # seen again: current again, counted as new for this run
    shutil.copy(sample("003"), docs)
    again = ingest(con, docs, run_id="r3", workers=1)
    assert {o.path: o.change for o in again.outcomes}[gone.name] == "new"
    assert [v for v in versions(con) if v[0] == gone.name][0][4] is False


def test_every_file_gets_a_row_including_duplicates_and_failures(con, docs):
    (docs / "sub").mkdir()
    shutil.copy(sample("002"), docs / "sub" / "copy_of_002.txt")
    (docs / "empty.txt").write_bytes(b"")
    result = ingest(con, docs, run_id="r1", workers=1)
    by_path = {o.path: o for o in result.outcomes}
    assert by_path["sub/copy_of_002.txt"].status == "duplicate"
    assert by_path["sub/copy_of_002.txt"].reason == f"same content as {sample('002').name}"
    assert by_path["empty.txt"].status == "failed"
    rows = dict(con.execute("select relative_path, file_status from landing.document_versions").fetchall())
    assert rows == {o.path: o.status for o in result.outcomes}
    assert len(rows) == 4


def test_parallel_parsing_lands_the_same_rows_in_input_order(tmp_path, docs):
    for prefix in ("001", "004"):
        shutil.copy(sample(prefix), docs)
    serial, parallel = (duckdb.connect(str(tmp_path / f"{n}.duckdb")) for n in ("s", "p"))
    try:
        a = ingest(serial, docs, run_id="r1", workers=1)
        b = ingest(parallel, docs, run_id="r1", workers=2)
        assert [(o.path, o.status) for o in a.outcomes] == [(o.path, o.status) for o in b.outcomes]
        for table in SCHEMAS:
            cols = "* exclude (loaded_at)" if table == "documents" else "*"
            q = f"select {cols} from landing.{table} order by all"
            assert serial.execute(q).fetchall() == parallel.execute(q).fetchall(), table
    finally:
        serial.close()
        parallel.close()


def test_parse_many_keeps_few_files_in_flight(monkeypatch):
    """Results come back in input order while at most workers × IN_FLIGHT_PER_WORKER wait to be landed."""
    files = sorted(SAMPLES.glob("*")) * 3
    todo = [(p, file_meta(p, SAMPLES, p.read_bytes())) for p in files]

    class CountingPool(ProcessPoolExecutor):
        submitted = 0

        def submit(self, *args, **kwargs):
            CountingPool.submitted += 1
            return super().submit(*args, **kwargs)

    monkeypatch.setattr(ingest_mod, "ProcessPoolExecutor", CountingPool)
    yielded, most_in_flight = [], 0
    for n, (_meta, _rows, outcome) in enumerate(parse_many(todo, SAMPLES, workers=2), start=1):
        yielded.append(outcome.path)
        most_in_flight = max(most_in_flight, CountingPool.submitted - n)
    assert yielded == [p.name for p in files]
    assert CountingPool.submitted == len(files)
    assert most_in_flight <= 2 * ingest_mod.IN_FLIGHT_PER_WORKER


@pytest.fixture()
def many(tmp_path) -> Path:
    """Nine distinct documents (each sample with a different trailing note), more than the first batches hold."""
    folder = tmp_path / "many"
    folder.mkdir()
    for k in range(9):
        src = sample(("001", "002", "003", "004")[k % 4])
        (folder / f"{k}_{src.name}").write_bytes(src.read_bytes() + f"\n备注：第{k}份\n".encode())
    return folder


def landed_rows(con) -> dict[str, list[tuple]]:
    out = {}
    for table in SCHEMAS:
        cols = "* exclude (loaded_at)" if table == "documents" else "*"
        out[table] = con.execute(f"select {cols} from landing.{table} order by all").fetchall()
    return out


def test_documents_landed_in_batches_equal_documents_landed_one_by_one(tmp_path, many, monkeypatch):
    batched = duckdb.connect(str(tmp_path / "batched.duckdb"))
    single = duckdb.connect(str(tmp_path / "single.duckdb"))
    transactions = []
    real = ingest_mod.write_documents

    def counting(con, batch, landed=None):
        transactions.append(len(batch))
        return real(con, batch, landed)

    try:
        monkeypatch.setattr(ingest_mod, "write_documents", counting)
        ingest(batched, many, workers=0)
        assert transactions == [1, 2, 4, 2]  # the first document at once, then batches that double
        monkeypatch.setattr(ingest_mod, "BATCH_MAX", 1)
        ingest(single, many, workers=0)
        assert transactions[4:] == [1] * 9
        assert landed_rows(batched) == landed_rows(single)
        assert batched.execute("select count(distinct document_id) from landing.region_candidates").fetchone()[0] == 9
    finally:
        batched.close()
        single.close()


def test_a_document_that_cannot_be_stored_fails_alone_and_its_batch_lands(con, many, monkeypatch):
    """A batch is one transaction: when one document's rows are refused, the batch is landed again document
    by document, so that document fails with the reason and the others of its batch land whole."""
    real = ingest_mod.parse_file

    def parse_file(path, root, expected=None):
        meta, rows, outcome = real(path, root, expected)
        if path.name.startswith("2_"):
            rows["amounts"][0]["value"] = "not a number"  # a DECIMAL column refuses it
        return meta, rows, outcome

    monkeypatch.setattr(ingest_mod, "parse_file", parse_file)
    result = ingest(con, many, workers=0)
    statuses = {o.path: (o.status, o.reason) for o in result.outcomes}
    assert statuses["2_" + sample("003").name][0] == "failed"
    assert statuses["2_" + sample("003").name][1].startswith("cannot be stored")
    assert all(status != "failed" for path, (status, _) in statuses.items() if not path.startswith("2_"))
    counts = dict(
        con.execute(
            "select relative_path, count(*) from landing.amounts join landing.documents using (document_id) group by 1"
        ).fetchall()
    )
    assert "2_" + sample("003").name not in counts and len(counts) == 8


def test_rows_handed_over_as_columns_land_as_the_rows_do(tmp_path, many):
    """A parser process hands its rows to the writer as columns; parsed in the writer's own process they stay
    rows. Both land the same."""
    in_process, from_workers = (duckdb.connect(str(tmp_path / f"{n}.duckdb")) for n in ("in", "out"))
    try:
        ingest(in_process, many, workers=0)
        ingest(from_workers, many, workers=2)
        assert landed_rows(in_process) == landed_rows(from_workers)
        assert from_workers.execute("select count(*) from landing.region_candidates").fetchone()[0] > 0
    finally:
        in_process.close()
        from_workers.close()


def test_columns_a_column_type_refuses_fail_the_batch_whole(con, many):
    """Columns are converted by the writer: a value its column refuses raises there (so the batch is landed
    again document by document) and nothing of the batch stays."""
    paths = sorted(many.iterdir())[:3]
    parsed = [ingest_mod.parse_file(p, many) for p in paths]
    columns = [as_columns(rows) for _, rows, _ in parsed]
    columns[1]["amounts"]["value"][0] = "not a number"
    # as rows_for made them (source lines already as columns, the other tables as rows), and as columns
    made = parsed[0][1]
    assert isinstance(made["source_lines"], dict) and isinstance(made["documents"], list)
    assert (
        row_count(columns[0])
        == row_count(made)
        == len(made["source_lines"]["line_no"]) + sum(len(rows) for name, rows in made.items() if name != "source_lines")
    )
    create_schema(con)
    with pytest.raises(STORAGE_ERRORS):
        write_documents(con, columns, set())
    assert con.execute("select count(*) from landing.documents").fetchone()[0] == 0
    write_documents(con, [columns[0], columns[2]], set())
    assert con.execute("select count(*) from landing.documents").fetchone()[0] == 2


def landed_again(con) -> dict[str, list[tuple]]:
    """landed_rows without the parser that landed each document."""
    out = landed_rows(con)
    columns = [r[0] for r in con.execute("describe landing.documents").fetchall() if r[0] != "loaded_at"]
    version = columns.index("parser_version")
    out["documents"] = sorted(row[:version] + row[version + 1 :] for row in out["documents"])
    return out


def set_aside_tables(con) -> int:
    return con.execute("select count(*) from information_schema.tables where table_schema = 'landing_set_aside'").fetchone()[0]


def another_parser(monkeypatch) -> None:
    """From now on, documents were landed by another parser (what a new release of the loaders does)."""
    for module in (ingest_mod, landing_mod):
        monkeypatch.setattr(module, "parser_version", lambda: "0.0.0+another")


def test_a_new_parser_lands_every_document_again_once(con, many, monkeypatch):
    """A new parser parses every document again. Their old rows leave landing in one move before the parse,
    so no batch deletes (a scan of every landing table per batch), and each document ends with its new rows."""
    ingest(con, many, workers=0)
    before = landed_again(con)
    another_parser(monkeypatch)
    stale_at_landing = []
    real = ingest_mod.write_documents

    def noting(con_, batch, landed=None):
        for rows in batch:
            documents = rows["documents"]
            doc = documents[0]["document_id"] if isinstance(documents, list) else documents["document_id"][0]
            if landed is None or doc in landed:  # its old rows would be deleted with this batch
                stale_at_landing.append(doc)
        return real(con_, batch, landed)

    monkeypatch.setattr(ingest_mod, "write_documents", noting)
    result = ingest(con, many, workers=0)
    assert result.parsed == 9
    assert stale_at_landing == []
    assert landed_again(con) == before
    assert con.execute("select distinct parser_version from landing.documents").fetchall() == [("0.0.0+another",)]
    assert set_aside_tables(con) == 0


def test_a_night_stopped_while_it_parses_again_puts_back_what_it_set_aside(con, many, monkeypatch):
    """Stopped after a few documents landed again, landing holds those, new, and nothing of the others; the
    next night puts the others' old rows back before it decides what to parse, and parses them again."""
    ingest(con, many, workers=0)
    before = landed_again(con)
    another_parser(monkeypatch)
    monkeypatch.setattr(ingest_mod, "BATCH_MAX", 1)
    real = ingest_mod.parse_file
    calls = []

    def stopping(path, root, expected=None):
        calls.append(path.name)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(path, root, expected)

    monkeypatch.setattr(ingest_mod, "parse_file", stopping)
    with pytest.raises(KeyboardInterrupt):
        ingest(con, many, workers=0)
    assert con.execute("select count(*) from landing.documents").fetchone()[0] == 3
    assert set_aside_tables(con) == len(SCHEMAS)
    monkeypatch.setattr(ingest_mod, "parse_file", real)
    result = ingest(con, many, workers=0)
    assert result.parsed == 6
    assert landed_again(con) == before
    assert set_aside_tables(con) == 0


def test_a_document_that_vanishes_before_it_is_parsed_again_keeps_its_old_rows(con, many, monkeypatch):
    ingest(con, many, workers=0)
    before = landed_rows(con)
    gone = sorted(many.iterdir())[2]
    doc = file_meta(gone, many, gone.read_bytes()).document_id
    another_parser(monkeypatch)
    real = ingest_mod.parse_file

    def vanishing(path, root, expected=None):
        if path == gone:
            path.unlink()
        return real(path, root, expected)

    monkeypatch.setattr(ingest_mod, "parse_file", vanishing)
    result = ingest(con, many, workers=0)
    assert result.parsed == 8 and result.vanished == [gone.name]
    after = landed_rows(con)
    for table in SCHEMAS:
        assert [r for r in after[table] if doc in r] == [r for r in before[table] if doc in r], table
    assert con.execute("select count(*) from landing.amounts where document_id = ?", [doc]).fetchone()[0] > 0
    assert set_aside_tables(con) == 0


def test_each_document_lands_with_its_place_in_the_landing_order(con, docs):
    # every row of a document carries the document's number; a later document gets a later number, and is stored
    # after the others, which lets a build of a night's documents skip the row groups of the rest
    ingest(con, docs, run_id="r1", workers=1)
    target = next(docs.glob("002*"))
    target.write_text(target.read_text(encoding="utf-8").replace("\t≥80%", "\t≥85%", 1), encoding="utf-8")
    ingest(con, docs, run_id="r2", workers=1)
    numbers = dict(con.execute("select document_id, landing_seq from landing.documents").fetchall())
    assert sorted(numbers.values()) == [1, 2, 3]
    (newest,) = con.execute("select document_id from landing.documents order by loaded_at desc limit 1").fetchone()
    assert numbers[newest] == 3
    for table in SCHEMAS:
        rows = con.execute(f"select document_id, landing_seq from landing.{table}").fetchall()
        assert all(seq == numbers[doc] for doc, seq in rows), table
        # stored in landing order: the table's rows read back in it
        stored = [seq for (seq,) in con.execute(f"select landing_seq from landing.{table}").fetchall()]
        assert stored == sorted(stored), table

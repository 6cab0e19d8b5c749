"""The landing schema in DuckDB and the one writer that fills it, a batch of whole documents per transaction.

Columns are declared here with their types (money is DECIMAL, never an inferred float); rows arrive as
Arrow tables, one bulk insert per table per batch.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from loaders.model import ParsedDocument
from loaders.vocabulary import load_vocabulary, normalise_label

PARSER_VERSION = "0.1.0"
_PROJECT_DIR = Path(__file__).resolve().parent.parent
# modules that do not change what a document parses into: a change there must not re-parse the corpus
_NOT_PARSER = {"cli.py", "pipeline.py", "ops.py", "build_batches.py", "lifetime.py"}
MONEY = pa.decimal128(20, 6)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [
            ("document_id", pa.string()),  # sha256 of the file content
            ("file_name", pa.string()),
            ("relative_path", pa.string()),
            ("file_format", pa.string()),
            ("byte_size", pa.int64()),
            ("title", pa.string()),
            ("form_kinds", pa.list_(pa.string())),
            ("status", pa.string()),  # ok | partial | failed
            ("error_text", pa.string()),
            ("line_count", pa.int32()),
            ("page_count", pa.int32()),
            ("parser_version", pa.string()),
            ("loaded_at", pa.timestamp("us")),
        ]
    ),
    "source_lines": pa.schema(
        [("document_id", pa.string()), ("line_no", pa.int32()), ("page", pa.int32()), ("text", pa.string())]
    ),
    "forms": pa.schema(
        [
            ("form_id", pa.string()),
            ("document_id", pa.string()),
            ("form_seq", pa.int32()),
            ("form_kind", pa.string()),
            ("title", pa.string()),
            ("subject_name", pa.string()),
            ("line_start", pa.int32()),
            ("line_end", pa.int32()),
            ("subject_key", pa.string()),  # the subject's name normalised once (normalise_label)
        ]
    ),
    "form_fields": pa.schema(
        [
            ("form_id", pa.string()),
            ("document_id", pa.string()),
            ("field_seq", pa.int32()),
            ("label_printed", pa.string()),
            ("field_key", pa.string()),
            ("value_printed", pa.string()),
            ("line_no", pa.int32()),
            ("placement", pa.string()),
        ]
    ),
    "amounts": pa.schema(
        [
            ("amount_id", pa.string()),
            ("form_id", pa.string()),
            ("document_id", pa.string()),
            ("amount_seq", pa.int32()),
            ("item_label_printed", pa.string()),
            ("item_key", pa.string()),
            ("text_printed", pa.string()),
            ("value", MONEY),
            ("unit_printed", pa.string()),
            ("value_wan", MONEY),
            ("share_pct", pa.decimal128(9, 4)),
            ("stage_printed", pa.string()),
            ("year", pa.int32()),
            ("parent_amount_id", pa.string()),
            ("section", pa.string()),
            ("line_no", pa.int32()),
            ("placement", pa.string()),
            # the printed label and section normalised once, here (normalise_label): dbt matches its
            # patterns on these and never re-normalises text
            ("item_label_key", pa.string()),
            ("section_key", pa.string()),
        ]
    ),
    "indicators": pa.schema(
        [
            ("indicator_id", pa.string()),
            ("form_id", pa.string()),
            ("document_id", pa.string()),
            ("indicator_seq", pa.int32()),
            ("level1_printed", pa.string()),
            ("level2_printed", pa.string()),
            # the printed levels mapped through the label vocabulary once, here: dbt joins the taxonomy on them
            ("level1_key", pa.string()),
            ("level2_key", pa.string()),
            ("level3", pa.string()),
            ("target_text", pa.string()),
            ("target_content", pa.string()),
            ("scoring_rule", pa.string()),
            ("unit_printed", pa.string()),
            ("value_type_printed", pa.string()),
            ("weight_text", pa.string()),
            ("actual_text", pa.string()),
            ("score_text", pa.string()),
            ("deviation_note", pa.string()),
            ("remark", pa.string()),
            ("line_start", pa.int32()),
            ("line_end", pa.int32()),
            ("placement", pa.string()),
        ]
    ),
    # every place name of seeds/admin_divisions.csv that a text of the document prints (its lines, field
    # values, subjects and titles, as printed and trimmed): found by the writer in the rows a batch lands
    # (place_texts) with one Aho-Corasick pass, so dbt joins names by equality instead of testing every line
    # against every name
    "region_candidates": pa.schema([("document_id", pa.string()), ("text", pa.string()), ("division_name", pa.string())]),
    "parse_issues": pa.schema(
        [
            ("document_id", pa.string()),
            ("form_id", pa.string()),
            ("issue_seq", pa.int32()),
            ("severity", pa.string()),  # info | warning | error
            ("code", pa.string()),
            ("message", pa.string()),
            ("line_no", pa.int32()),
            ("text", pa.string()),
        ]
    ),
}

_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.timestamp("us"): "TIMESTAMP",
    MONEY: "DECIMAL(20, 6)",
    pa.decimal128(9, 4): "DECIMAL(9, 4)",
    pa.list_(pa.string()): "VARCHAR[]",
}


# One row per (path, content) a run has seen: the history of each input file. It is not a per-document
# table (a document's rows are replaced on reload; its history must not be), so it is not in SCHEMAS.
DOCUMENT_VERSIONS_DDL = """
create table if not exists landing.document_versions (
    relative_path varchar not null,  -- path relative to the documents folder
    document_id varchar not null,    -- sha256 of this content
    file_status varchar not null,    -- ok | partial | failed | duplicate, as last seen
    reason varchar,                  -- one-line reason when partial, failed or duplicate
    first_seen_run varchar,
    first_seen_at timestamp,
    last_seen_run varchar,
    last_seen_at timestamp,
    superseded_by varchar,           -- document_id of the content that replaced this one at this path
    superseded_at timestamp,
    removed_run varchar,             -- the run that no longer found the path (while this was its content)
    removed_at timestamp
)
"""


@functools.cache
def parser_version() -> str:
    """The release plus a fingerprint of the parsing code and the seeds it reads: a document landed by
    another parser is parsed again, so a fix to a reader reaches every document on the next run."""
    digest = hashlib.sha256()
    files = sorted(p for p in (_PROJECT_DIR / "loaders").rglob("*.py") if p.name not in _NOT_PARSER)
    files += sorted((_PROJECT_DIR / "seeds").glob("*.csv"))
    for path in files:
        digest.update(str(path.relative_to(_PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{PARSER_VERSION}+{digest.hexdigest()[:12]}"


# Every per-document table also holds the document's place in the order documents landed (the writer numbers
# them). A table is stored in the order it was appended to, so a build that takes the documents of one stretch
# of that order (a batch of a first night, a night's new documents) can tell DuckDB the stretch, and its scans
# skip the row groups of every other document instead of reading the corpus (macros/incremental_documents.sql).
# Only a hint: what belongs to the stretch is still decided by document id.
LANDING_SEQ = "landing_seq"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists landing")
    for table, schema in SCHEMAS.items():
        cols = ", ".join(f"{f.name} {_DUCK_TYPES[f.type]}" for f in schema)
        con.execute(f"create table if not exists landing.{table} ({cols}, {LANDING_SEQ} bigint)")
        # a warehouse landed by an earlier version gets the columns added since (filled on re-parse)
        for f in schema:
            con.execute(f"alter table landing.{table} add column if not exists {f.name} {_DUCK_TYPES[f.type]}")
        con.execute(f"alter table landing.{table} add column if not exists {LANDING_SEQ} bigint")
    con.execute(DOCUMENT_VERSIONS_DDL)


@dataclass
class FileMeta:
    document_id: str
    file_name: str
    relative_path: str
    byte_size: int
    file_format: str


# A table's rows as its columns (name → values): how a parser process hands a document's rows to the writer.
# Thousands of small dicts cost more to pickle, unpickle and convert than a few lists, and the writer extends
# the lists of a whole batch and converts each table once (a conversion per document costs more than it
# saves: Arrow's fixed cost per table).
Columns = dict[str, list]
# a document's rows, table by table: as rows_for makes them, or as columns from a parser process
DocumentRows = dict[str, list[dict] | Columns]


def as_columns(rows: DocumentRows) -> dict[str, Columns]:
    """A document's rows (``rows_for``, ``failed_rows``) as columns, table by table (a table made as columns is kept)."""
    return {
        name: table_rows
        if isinstance(table_rows, dict)
        else {column: [row.get(column) for row in table_rows] for column in SCHEMAS[name].names}
        for name, table_rows in rows.items()
        if table_rows
    }


def _table(name: str, parts: list[list[dict] | Columns]) -> pa.Table | None:
    """One table from several documents' rows or columns."""
    names = SCHEMAS[name].names
    columns: Columns = {column: [] for column in names}
    for part in parts:
        for column in names:
            columns[column].extend(part[column] if isinstance(part, dict) else [row.get(column) for row in part])
    return pa.Table.from_pydict(columns, schema=SCHEMAS[name]) if columns[names[0]] else None


def row_count(rows: DocumentRows) -> int:
    """The rows a document brings, over all its tables."""
    return sum(len(next(iter(part.values()))) if isinstance(part, dict) else len(part) for part in rows.values() if part)


def _document_id(rows: DocumentRows) -> str:
    documents = rows["documents"]
    return documents["document_id"][0] if isinstance(documents, dict) else documents[0]["document_id"]


def document_status(parsed: ParsedDocument) -> tuple[str, str | None]:
    """partial when anything could not be placed (a warning or error issue), else ok."""
    issues = parsed.issues + [i for f in parsed.forms for i in f.issues]
    bad = [i for i in issues if i.severity in ("warning", "error")]
    if not bad:
        return "ok", None
    return "partial", f"{len(bad)} parse issue(s), first: {bad[0].message}"


def rows_for(meta: FileMeta, parsed: ParsedDocument, loaded_at: dt.datetime) -> DocumentRows:
    doc_id = meta.document_id
    status, reason = document_status(parsed)
    out: DocumentRows = {name: [] for name in SCHEMAS}
    out["documents"].append(
        dict(
            document_id=doc_id,
            file_name=meta.file_name,
            relative_path=meta.relative_path,
            file_format=parsed.read.file_format,
            byte_size=meta.byte_size,
            title=parsed.title,
            form_kinds=parsed.form_kinds,
            status=status,
            error_text=reason,
            line_count=len(parsed.read.lines),
            page_count=parsed.read.page_count,
            parser_version=parser_version(),
            loaded_at=loaded_at,
        )
    )
    # one row per line: a budget book has thousands, so they are made as columns, not rows (as_columns keeps them)
    lines = parsed.read.lines
    out["source_lines"] = {
        "document_id": [doc_id] * len(lines),
        "line_no": [ln.no for ln in lines],
        "page": [ln.page for ln in lines],
        "text": [ln.text for ln in lines],
    }
    issue_seq = 0
    for issue in parsed.issues:
        issue_seq += 1
        out["parse_issues"].append(dict(document_id=doc_id, form_id=None, issue_seq=issue_seq, **issue.__dict__))
    form_ids = {id(form): f"{doc_id[:16]}:{n}" for n, form in enumerate(parsed.forms, start=1)}
    for n, form in enumerate(parsed.forms, start=1):
        form_id = form_ids[id(form)]
        out["forms"].append(
            dict(
                form_id=form_id,
                document_id=doc_id,
                form_seq=n,
                form_kind=form.form_kind,
                title=form.title,
                subject_name=form.subject_name,
                subject_key=normalise_label(form.subject_name) if form.subject_name else None,
                line_start=form.line_start,
                line_end=form.line_end,
            )
        )
        for k, f in enumerate(form.fields, start=1):
            out["form_fields"].append(dict(form_id=form_id, document_id=doc_id, field_seq=k, **f.__dict__))
        for k, a in enumerate(form.amounts, start=1):
            row = {key: v for key, v in a.__dict__.items() if key not in ("parent_seq", "parent_form")}
            parent_form_id = form_ids[id(a.parent_form)] if a.parent_form is not None else form_id
            row["parent_amount_id"] = f"{parent_form_id}:a{a.parent_seq + 1}" if a.parent_seq is not None else None
            row["item_label_key"] = normalise_label(a.item_label_printed or "")
            row["section_key"] = normalise_label(a.section) if a.section else None
            out["amounts"].append(dict(amount_id=f"{form_id}:a{k}", form_id=form_id, document_id=doc_id, amount_seq=k, **row))
        for k, ind in enumerate(form.indicators, start=1):
            out["indicators"].append(
                dict(
                    indicator_id=f"{form_id}:i{k}",
                    form_id=form_id,
                    document_id=doc_id,
                    indicator_seq=k,
                    level1_key=_level_key("level1", ind.level1_printed),
                    level2_key=_level_key("level2", ind.level2_printed),
                    **ind.__dict__,
                )
            )
        for issue in form.issues:
            issue_seq += 1
            out["parse_issues"].append(dict(document_id=doc_id, form_id=form_id, issue_seq=issue_seq, **issue.__dict__))
    return out


@functools.cache
def division_names() -> list[str]:
    """The full names of the divisions (seeds/admin_divisions.csv, generated from jionlp) that count as
    evidence of a region; generic names (新区, 开发区 …) never do."""
    with (_PROJECT_DIR / "seeds" / "admin_divisions.csv").open(encoding="utf-8") as fh:
        return sorted({row["division_name"] for row in csv.DictReader(fh) if row["is_generic_name"] != "true"})


# what int_departments_resolved removes from a department name (spaces, a stamp mark); RE2's \s is [\t\n\f\r ]
_NAME_NOISE = "[\t\n\f\r \u3000]|[（(]盖章[）)]"

# where a document prints what may name its place: its title, every line, its forms' titles and subjects, and
# the values of its forms' fields (a table, a column of it)
PLACE_TEXT_COLUMNS = [
    ("documents", "title"),
    ("source_lines", "text"),
    ("forms", "title"),
    ("forms", "subject_name"),
    ("form_fields", "value_printed"),
]


def place_texts(tables: dict[str, pa.Table | None]) -> pl.DataFrame:
    """The distinct (document_id, text) a batch's tables print where a place may be named, each text also as the
    models read it: trimmed (staging trims field values and titles) and as a department name (without spaces or
    a stamp mark). Found by the writer from the rows it lands, in one vectorised pass: the texts are the rows'."""
    parts = [
        pl.from_arrow(table.select(["document_id", column])).rename({column: "text"})
        for name, column in PLACE_TEXT_COLUMNS
        if (table := tables.get(name)) is not None
    ]
    if not parts:
        return pl.DataFrame(schema={"document_id": pl.String, "text": pl.String})
    texts = pl.concat(parts).drop_nulls().unique()
    text = pl.col("text")
    # most texts read the same either way: a variant is made only where it differs
    trimmed = texts.filter(text.str.starts_with(" ") | text.str.ends_with(" ")).with_columns(text.str.strip_chars(" "))
    named = texts.filter(text.str.contains(_NAME_NOISE)).with_columns(text.str.replace_all(_NAME_NOISE, ""))
    return pl.concat([texts, trimmed, named]).filter(text != "").unique()


def find_divisions(texts: pl.DataFrame) -> pl.DataFrame:
    """One row per (document, text, division name it contains) among ``texts`` (``place_texts``), in a fixed
    order. Overlapping matches count: 株洲市石峰区 names both 株洲市 and 石峰区. One call for a batch of documents:
    polars builds its automaton of division names on every call, and that costs more than the search."""
    found = texts.with_columns(division_name=pl.col("text").str.extract_many(division_names(), overlapping=True))
    return found.explode("division_name").drop_nulls("division_name").unique().sort(["document_id", "text", "division_name"])


def region_candidates(doc_id: str, texts: list[str | None]) -> list[dict]:
    """The place names in one document's ``texts``, as the writer finds them in a batch's tables."""
    lines = pa.table(
        {"document_id": [doc_id] * len(texts), "text": texts},
        schema=pa.schema([("document_id", pa.string()), ("text", pa.string())]),
    )
    return find_divisions(place_texts({"source_lines": lines})).to_dicts()


def _level_key(context: str, printed: str | None) -> str | None:
    match = load_vocabulary().lookup(context, printed)
    return match.field_key if match else None


def failed_rows(meta: FileMeta, reason: str, loaded_at: dt.datetime, transient: bool = False) -> dict[str, list[dict]]:
    """The one row of a document that failed. A failure caused by the environment (``transient``: a crashed
    worker, a time limit, a missing converter) gets no parser version, so the next run parses it again;
    only a document's own content fails it for good."""
    out: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
    out["documents"].append(
        dict(
            document_id=meta.document_id,
            file_name=meta.file_name,
            relative_path=meta.relative_path,
            file_format=meta.file_format,
            byte_size=meta.byte_size,
            title=None,
            form_kinds=[],
            status="failed",
            error_text=reason,
            line_count=0,
            page_count=None,
            parser_version=None if transient else parser_version(),
            loaded_at=loaded_at,
        )
    )
    return out


# what the writer may refuse in a document's rows (a value no column holds, text no encoding writes, the
# place-name search failing on it): that document fails with the reason, the others of its batch land
STORAGE_ERRORS = (
    pa.ArrowException,
    pl.exceptions.PolarsError,
    duckdb.ConversionException,
    duckdb.InvalidInputException,
    UnicodeError,
    OverflowError,
)


def write_document(con: duckdb.DuckDBPyConnection, rows: DocumentRows, landed: set[str] | None = None) -> None:
    """Replace a document's rows in one transaction: it lands whole or not at all."""
    write_documents(con, [rows], landed)


def write_documents(con: duckdb.DuckDBPyConnection, batch: list[DocumentRows], landed: set[str] | None = None) -> None:
    """Replace the rows of several documents in one transaction: they land whole, all of them, or none.

    A commit and an insert cost the same for one document as for fifty, so a night lands its documents in
    batches; a batch that fails is the caller's to land again document by document. ``landed`` is the set
    of document ids landing already holds, kept up to date here: a document not in it has no rows to
    delete, and the deletes (a scan of every landing table) are skipped, so landing a night's documents
    costs what they hold, not what the warehouse holds."""
    if not batch:
        return
    ids = [_document_id(rows) for rows in batch]
    stale = ids if landed is None else [doc for doc in ids if doc in landed]
    con.execute("begin transaction")
    try:
        for table in SCHEMAS if stale else ():
            con.execute(f"delete from landing.{table} where list_contains(?, document_id)", [stale])
        # the batch's documents take the next numbers of the landing order, in the batch's order
        (last,) = con.execute(f"select coalesce(max({LANDING_SEQ}), 0) from landing.documents").fetchone()
        tables = {table: _table(table, [rows[table] for rows in batch if table in rows]) for table in SCHEMAS}
        # the place names the batch's documents print, found in the rows they land
        found = find_divisions(place_texts(tables)).to_arrow().cast(SCHEMAS["region_candidates"])
        if found.num_rows:
            parsed = tables["region_candidates"]
            tables["region_candidates"] = found if parsed is None else pa.concat_tables([parsed, found])
        for table, arrow in tables.items():
            if arrow is not None and arrow.num_rows:
                # by name: a table landed by an earlier version has its newer columns at the end (DuckDB reads
                # the local ``arrow`` by its replacement scan)
                con.execute(
                    f"insert into landing.{table} by name "
                    f"select *, {int(last)} + list_position(?, document_id) as {LANDING_SEQ} from arrow",
                    [ids],
                )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    if landed is not None:
        landed.update(ids)


# The rows of documents a night parses again (a new parser version) wait here while it does. Deleting a
# document's old rows when its new ones land scans every landing table, once per batch of documents: on a night
# that parses the whole corpus again, the square of the corpus. Set aside at once, they cost one scan.
SET_ASIDE = "landing_set_aside"


def set_aside(con: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Move the rows of documents about to be parsed again out of landing, in one transaction. Until a
    document lands again, landing holds nothing of it; ``restore_set_aside`` puts back what did not."""
    if not ids:
        return
    wanted = pa.table({"document_id": pa.array(ids, pa.string())})  # noqa: F841 - read by DuckDB's replacement scan
    condition = "document_id in (select wanted.document_id from wanted)"
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {SET_ASIDE}")
        for table in SCHEMAS:
            con.execute(f"create table if not exists {SET_ASIDE}.{table} as from landing.{table} limit 0")
            con.execute(f"insert into {SET_ASIDE}.{table} by name select * from landing.{table} where {condition}")
            con.execute(f"delete from landing.{table} where {condition}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def restore_set_aside(con: duckdb.DuckDBPyConnection) -> int:
    """Put back the set-aside rows of the documents that did not land again (their file vanished while the
    night read it, or the night stopped), drop the others; returns how many documents came back."""
    tables = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_catalog = current_database()",
            [SET_ASIDE],
        ).fetchall()
    }
    if not tables:
        con.execute(f"drop schema if exists {SET_ASIDE}")
        return 0
    con.execute("begin transaction")
    try:
        back = []
        if "documents" in tables:
            back = con.execute(
                f"select document_id from {SET_ASIDE}.documents "
                "where document_id not in (select landing.documents.document_id from landing.documents)"
            ).fetchall()
        coming_back = pa.table({"document_id": pa.array([r[0] for r in back], pa.string())})  # noqa: F841 - DuckDB reads it
        for table in SCHEMAS if back else ():
            if table in tables:
                con.execute(
                    f"insert into landing.{table} by name select * from {SET_ASIDE}.{table} "
                    "where document_id in (select coming_back.document_id from coming_back)"
                )
        con.execute(f"drop schema {SET_ASIDE} cascade")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return len(back)


def quarantine(con: duckdb.DuckDBPyConnection, reasons: dict[str, str]) -> None:
    """Set documents failed with a one-line reason (a failed landing expectation): staging then leaves
    their rows out, and their rows stay in landing for inspection. One transaction for all of them."""
    if not reasons:
        return
    con.execute("begin transaction")
    try:
        for doc, reason in reasons.items():
            con.execute("update landing.documents set status = 'failed', error_text = ? where document_id = ?", [reason, doc])
            con.execute(
                "update landing.document_versions set file_status = 'failed', reason = ? "
                "where document_id = ? and file_status <> 'duplicate'",
                [reason, doc],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


# --- file history ------------------------------------------------------------------------------------


@dataclass
class FileSeen:
    """What one run found at one path."""

    relative_path: str
    document_id: str
    status: str  # ok | partial | failed | duplicate
    reason: str | None


_VERSIONS_ARROW = pa.schema(
    [("relative_path", pa.string()), ("document_id", pa.string()), ("file_status", pa.string()), ("reason", pa.string())]
)


def current_versions(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bool]]:
    """path → (document_id of its newest content, whether the path had disappeared)."""
    rows = con.execute(
        """
        select relative_path, document_id, removed_at is not null
        from landing.document_versions
        qualify row_number() over (partition by relative_path order by last_seen_at desc, first_seen_at desc) = 1
        """
    ).fetchall()
    return {path: (doc, removed) for path, doc, removed in rows}


def landed_documents(con: duckdb.DuckDBPyConnection, version: str) -> dict[str, tuple[str, str | None]]:
    """document_id → (status, error_text) of the documents already landed by this parser version."""
    rows = con.execute(
        "select document_id, status, error_text from landing.documents where parser_version = ?", [version]
    ).fetchall()
    return {doc: (status, error) for doc, status, error in rows}


def record_versions(con: duckdb.DuckDBPyConnection, run_id: str, at: dt.datetime, seen: list[FileSeen]) -> list[str]:
    """Record what this run saw at every path; returns the paths that disappeared since the last run.

    A path's new content supersedes its old one (``superseded_by``); content seen again is current again;
    a path not seen any more is marked ``removed_at`` — nothing is deleted, so the history stays whole.
    """
    batch = pa.Table.from_pylist(  # noqa: F841 - read by DuckDB's replacement scan
        [dict(relative_path=s.relative_path, document_id=s.document_id, file_status=s.status, reason=s.reason) for s in seen],
        schema=_VERSIONS_ARROW,
    )
    con.execute("begin transaction")
    try:
        con.execute("create or replace temp table seen_files as select * from batch")
        removed = [
            r[0]
            for r in con.execute(
                """
                select relative_path from landing.document_versions
                where superseded_by is null and removed_at is null
                    and relative_path not in (select relative_path from seen_files)
                order by relative_path
                """
            ).fetchall()
        ]
        con.execute(
            """
            update landing.document_versions as v set removed_run = ?, removed_at = ?
            where superseded_by is null and removed_at is null
                and relative_path not in (select relative_path from seen_files)
            """,
            [run_id, at],
        )
        con.execute(
            """
            update landing.document_versions as v set superseded_by = s.document_id, superseded_at = ?
            from seen_files as s
            where v.relative_path = s.relative_path and v.document_id <> s.document_id and v.superseded_by is null
            """,
            [at],
        )
        con.execute(
            """
            update landing.document_versions as v
            set file_status = s.file_status, reason = s.reason, last_seen_run = ?, last_seen_at = ?,
                superseded_by = null, superseded_at = null, removed_run = null, removed_at = null
            from seen_files as s
            where v.relative_path = s.relative_path and v.document_id = s.document_id
            """,
            [run_id, at],
        )
        con.execute(
            """
            insert into landing.document_versions
            select s.relative_path, s.document_id, s.file_status, s.reason, ?, ?, ?, ?, null, null, null, null
            from seen_files as s
            where not exists (
                select 1 from landing.document_versions as v
                where v.relative_path = s.relative_path and v.document_id = s.document_id
            )
            """,
            [run_id, at, run_id, at],
        )
        con.execute("drop table seen_files")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return removed

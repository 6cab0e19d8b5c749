"""The landing schema in DuckDB and the one writer that fills it, a document per transaction.

Columns are declared here with their types (money is DECIMAL, never an inferred float); rows arrive as
Arrow tables, one bulk insert per table per document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from loaders.model import ParsedDocument

PARSER_VERSION = "0.1.0"
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
    # One per input file a run saw, duplicates included: its path, the document it holds, its outcome.
    "document_files": pa.schema(
        [
            ("relative_path", pa.string()),
            ("file_name", pa.string()),
            ("document_id", pa.string()),  # the content's sha256 → documents (the first copy's row)
            ("byte_size", pa.int64()),
            ("status", pa.string()),  # ok | partial | failed | duplicate
            ("reason", pa.string()),
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


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists landing")
    for table, schema in SCHEMAS.items():
        cols = ", ".join(f"{f.name} {_DUCK_TYPES[f.type]}" for f in schema)
        con.execute(f"create table if not exists landing.{table} ({cols})")


@dataclass
class FileMeta:
    document_id: str
    file_name: str
    relative_path: str
    byte_size: int
    file_format: str


def _table(name: str, rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])


def document_status(parsed: ParsedDocument) -> tuple[str, str | None]:
    """partial when anything could not be placed (a warning or error issue), else ok."""
    issues = parsed.issues + [i for f in parsed.forms for i in f.issues]
    bad = [i for i in issues if i.severity in ("warning", "error")]
    if not bad:
        return "ok", None
    return "partial", f"{len(bad)} parse issue(s), first: {bad[0].message}"


def rows_for(meta: FileMeta, parsed: ParsedDocument, loaded_at: dt.datetime) -> dict[str, list[dict]]:
    doc_id = meta.document_id
    status, reason = document_status(parsed)
    out: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
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
            parser_version=PARSER_VERSION,
            loaded_at=loaded_at,
        )
    )
    out["source_lines"] = [dict(document_id=doc_id, line_no=ln.no, page=ln.page, text=ln.text) for ln in parsed.read.lines]
    issue_seq = 0
    for issue in parsed.issues:
        issue_seq += 1
        out["parse_issues"].append(dict(document_id=doc_id, form_id=None, issue_seq=issue_seq, **issue.__dict__))
    for n, form in enumerate(parsed.forms, start=1):
        form_id = f"{doc_id[:16]}:{n}"
        out["forms"].append(
            dict(
                form_id=form_id,
                document_id=doc_id,
                form_seq=n,
                form_kind=form.form_kind,
                title=form.title,
                subject_name=form.subject_name,
                line_start=form.line_start,
                line_end=form.line_end,
            )
        )
        for k, f in enumerate(form.fields, start=1):
            out["form_fields"].append(dict(form_id=form_id, document_id=doc_id, field_seq=k, **f.__dict__))
        for k, a in enumerate(form.amounts, start=1):
            row = {key: v for key, v in a.__dict__.items() if key != "parent_seq"}
            row["parent_amount_id"] = f"{form_id}:a{a.parent_seq + 1}" if a.parent_seq is not None else None
            out["amounts"].append(dict(amount_id=f"{form_id}:a{k}", form_id=form_id, document_id=doc_id, amount_seq=k, **row))
        for k, ind in enumerate(form.indicators, start=1):
            out["indicators"].append(
                dict(
                    indicator_id=f"{form_id}:i{k}",
                    form_id=form_id,
                    document_id=doc_id,
                    indicator_seq=k,
                    **ind.__dict__,
                )
            )
        for issue in form.issues:
            issue_seq += 1
            out["parse_issues"].append(dict(document_id=doc_id, form_id=form_id, issue_seq=issue_seq, **issue.__dict__))
    return out


def failed_rows(meta: FileMeta, reason: str, loaded_at: dt.datetime) -> dict[str, list[dict]]:
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
            parser_version=PARSER_VERSION,
            loaded_at=loaded_at,
        )
    )
    return out


def file_row(meta: FileMeta, status: str, reason: str | None, loaded_at: dt.datetime) -> dict:
    return dict(
        relative_path=meta.relative_path,
        file_name=meta.file_name,
        document_id=meta.document_id,
        byte_size=meta.byte_size,
        status=status,
        reason=reason,
        loaded_at=loaded_at,
    )


def write_file_row(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Record one input file (a duplicate copy has no rows of its own but this one)."""
    con.execute("begin transaction")
    try:
        con.execute("delete from landing.document_files where relative_path = ?", [row["relative_path"]])
        arrow = _table("document_files", [row])  # noqa: F841 - read by DuckDB's replacement scan
        con.execute("insert into landing.document_files select * from arrow")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def write_document(con: duckdb.DuckDBPyConnection, rows: dict[str, list[dict]]) -> None:
    """Replace a document's rows in one transaction: it lands whole or not at all."""
    doc_id = rows["documents"][0]["document_id"]
    con.execute("begin transaction")
    try:
        for table in SCHEMAS:
            con.execute(f"delete from landing.{table} where document_id = ?", [doc_id])
        for row in rows.get("document_files", []):  # a file is one row by path, whatever it held before
            con.execute("delete from landing.document_files where relative_path = ?", [row["relative_path"]])
        for table, table_rows in rows.items():
            if table_rows:
                arrow = _table(table, table_rows)  # noqa: F841 - read by DuckDB's replacement scan
                con.execute(f"insert into landing.{table} select * from arrow")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise

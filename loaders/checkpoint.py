"""The landing checkpoint: Great Expectations validates the landing tables between ingest and `dbt build`.

Required fields present, form kinds known, amounts and shares below an absurd magnitude (either sign:
调减 and 结余 are printed negative), years in range, every fact row pointing at a line of its document.
A failed expectation names its documents: the pipeline quarantines them (status failed, the expectation
as the reason) and builds the rest. Only a failure that names no document stops the run. The results
are written as Data Docs (HTML) to the folder JIXIAO_DATA_DOCS names (none by default: they need the internet).

GX reads the tables through its pandas datasource, fed from DuckDB: its SQL datasource over duckdb-engine
fails on every expectation. The context is ephemeral (nothing to keep between runs but the Data Docs).
"""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from loaders.ops import duckdb_config

log = logging.getLogger(__name__)

PROJECT_DIR = Path(__file__).resolve().parent.parent
FORM_KINDS_CSV = PROJECT_DIR / "seeds" / "form_kinds.csv"
# 1000 亿元 in 万元: more than any single budget line a county, city or province prints. A bound on the
# magnitude only: adjustments (调减) and balances (结余) are printed negative in real documents.
AMOUNT_CEILING_WAN = 10_000_000
YEARS = (2000, 2100)
# a share or rate in percent (构成 60%, 执行率 99.11%, 增长 100%); a growth rate may exceed 100 or be negative
SHARE_CEILING = 1000
# documents validated in one pass (their rows as pandas frames)
CHUNK = 1000


def data_docs_dir(warehouse: Path) -> Path | None:
    """Where Data Docs go: JIXIAO_DATA_DOCS, else nowhere. GX's Data Docs load their styles and scripts from
    public CDNs and render blank offline (a finance bureau's network), so they are written only on request;
    the checkpoint's failures reach the run's summary and the quarantined documents' reasons either way."""
    env = os.environ.get("JIXIAO_DATA_DOCS")
    return Path(env).expanduser().resolve() if env and env.strip() else None


@dataclass
class Failure:
    table: str
    expectation: str
    column: str | None
    documents: list[str]
    examples: list
    document_ids: list[str] = field(default_factory=list)  # empty: the failure names no document

    @property
    def where(self) -> str:
        if not self.column:
            return self.table
        if self.column.startswith("abs_"):  # the bounds are on a magnitude: say so, with the column's own name
            return f"{self.table}.{self.column.removeprefix('abs_')} (magnitude)"
        return f"{self.table}.{self.column}"

    def line(self) -> str:
        docs = ", ".join(self.documents[:3]) + (" …" if len(self.documents) > 3 else "")
        return f"{docs or 'unknown document'}: {self.where} fails {self.expectation} (e.g. {self.examples[:3]})"

    def reason(self) -> str:
        """The one-line reason a quarantined document gets."""
        return f"landing checkpoint: {self.where} fails {self.expectation} (e.g. {self.examples[:3]})"


@dataclass
class CheckpointResult:
    success: bool
    evaluated: int
    failures: list[Failure] = field(default_factory=list)
    data_docs: Path | None = None

    def message(self) -> str:
        return "; ".join(f.line() for f in self.failures)

    def quarantine(self) -> dict[str, str]:
        """document_id → reason (its first failed expectation) for the failures that name documents."""
        out: dict[str, str] = {}
        for f in self.failures:
            for doc in f.document_ids:
                out.setdefault(doc, f.reason())
        return out

    @property
    def unattributed(self) -> list[Failure]:
        """Failures that name no document: only these stop the run."""
        return [f for f in self.failures if not f.document_ids]


def _known_form_kinds() -> list[str]:
    with FORM_KINDS_CSV.open(encoding="utf-8") as fh:
        return [row["form_kind"] for row in csv.DictReader(fh)]


def _frames(
    con: duckdb.DuckDBPyConnection, documents: list[str] | None = None, columns: dict[str, set[str]] | None = None
) -> dict[str, pd.DataFrame]:
    """The landing tables as pandas frames; fact rows carry has_source_line (their line exists in the document).
    Only the rows of ``documents`` when given (a night validates what it landed: the rest was validated the
    night it came, and memory stays with the night's documents, not the corpus), and only ``columns`` of a
    table when given (the columns its expectations read: the printed texts of every field and indicator cost
    most of the conversion to pandas, and no expectation reads them)."""

    def select(table: str, exclude: str = "") -> str:
        if columns is None:
            return f"t.* {exclude}"
        wanted = {c.removeprefix("abs_") for c in columns[table] if c != "has_source_line"} | {"document_id"}
        return ", ".join(f"t.{c}" for c in sorted(wanted))

    def within(alias: str) -> str:
        return "true" if documents is None else f"{alias}.document_id in (select document_id from checked_documents)"

    if documents is not None:
        checked = pa.table({"document_id": pa.array(documents, pa.string())})
        con.register("checked_documents", checked)
    where = within("t")

    def with_line(table: str, line_col: str) -> pd.DataFrame:
        # the lines of the checked documents only: joined against every line of the corpus, each batch of a
        # first night would cost the whole corpus, and the night the square of it
        return con.execute(
            f"""
            with lines as (
                select s.document_id, s.line_no from landing.source_lines s where {within("s")}
            )
            select {select(table)}, exists (
                select 1 from lines s where s.document_id = t.document_id and s.line_no = t.{line_col}
            ) as has_source_line
            from landing.{table} t
            where {where}
            """
        ).df()

    return {
        "documents": con.execute(
            f"select {select('documents', 'exclude (form_kinds)')} from landing.documents t where {where}"
        ).df(),
        "forms": con.execute(f"select {select('forms')} from landing.forms t where {where}").df(),
        "form_fields": with_line("form_fields", "line_no"),
        "amounts": _magnitudes(with_line("amounts", "line_no")),
        "indicators": with_line("indicators", "line_start"),
        "parse_issues": con.execute(f"select {select('parse_issues')} from landing.parse_issues t where {where}").df(),
    }


def _magnitudes(amounts: pd.DataFrame) -> pd.DataFrame:
    """Amounts with the magnitudes the bounds check (a sign is a fact of the document, not an error)."""
    amounts = amounts.astype({"value_wan": "float64", "share_pct": "float64"})
    amounts["abs_value_wan"] = amounts["value_wan"].abs()
    amounts["abs_share_pct"] = amounts["share_pct"].abs()
    return amounts


def _suites(gxe) -> dict[str, list]:
    """The expectations, one list per landing table."""

    def not_null(*cols):
        return [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in cols]

    def on_a_line():
        return gxe.ExpectColumnValuesToBeInSet(column="has_source_line", value_set=[True])

    return {
        "documents": [
            *not_null("document_id", "file_name", "status", "loaded_at"),
            gxe.ExpectColumnValuesToBeUnique(column="document_id"),
            gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["ok", "partial", "failed"]),
        ],
        "forms": [
            *not_null("form_id", "document_id", "form_kind", "line_start"),
            gxe.ExpectColumnValuesToBeUnique(column="form_id"),
            gxe.ExpectColumnValuesToBeInSet(column="form_kind", value_set=_known_form_kinds()),
        ],
        "form_fields": [*not_null("form_id", "document_id", "label_printed", "line_no"), on_a_line()],
        "amounts": [
            *not_null("amount_id", "form_id", "document_id", "text_printed", "line_no"),
            gxe.ExpectColumnValuesToBeUnique(column="amount_id"),
            gxe.ExpectColumnValuesToBeBetween(column="abs_value_wan", min_value=None, max_value=AMOUNT_CEILING_WAN),
            gxe.ExpectColumnValuesToBeBetween(column="abs_share_pct", min_value=None, max_value=SHARE_CEILING),
            gxe.ExpectColumnValuesToBeBetween(column="year", min_value=YEARS[0], max_value=YEARS[1]),
            on_a_line(),
        ],
        "indicators": [
            *not_null("indicator_id", "form_id", "document_id", "line_start"),
            gxe.ExpectColumnValuesToBeUnique(column="indicator_id"),
            on_a_line(),
        ],
        "parse_issues": [
            *not_null("document_id", "severity", "code"),
            gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=["info", "warning", "error"]),
        ],
    }


def _validate(checkpoints: dict, tables: dict[str, pd.DataFrame], result: CheckpointResult) -> None:
    """Run each table's checkpoint on its frame; add the failures, each with the documents it names."""
    names = dict(zip(tables["documents"]["document_id"], tables["documents"]["file_name"], strict=False))
    for table, checkpoint in checkpoints.items():
        run = checkpoint.run(batch_parameters={"dataframe": tables[table]})
        for validation in run.run_results.values():
            for r in validation.results:
                result.evaluated += 1
                if r.success:
                    continue
                result.success = False
                index = r.result.get("unexpected_index_list") or []
                ids = sorted({i.get("document_id") for i in index}, key=str)
                docs = sorted({names.get(d) or (d if isinstance(d, str) else "unknown document") for d in ids})
                column = r.expectation_config.kwargs.get("column")
                # numpy scalars print as np.float64(…): keep plain values for a readable reason
                examples = [getattr(v, "item", lambda v=v: v)() for v in (i.get(column) for i in index)] if column else []
                # a row without a known document cannot be quarantined: the failure then stops the run
                named = [] if any(not isinstance(d, str) or d not in names for d in ids) else ids
                result.failures.append(Failure(table, r.expectation_config.type, column, docs, examples, named))


def validate_landing(
    db_path: Path,
    docs_dir: Path | None,
    frames: Callable[..., dict[str, pd.DataFrame]] = _frames,
    documents: list[str] | None = None,
) -> CheckpointResult:
    """Run the landing checkpoint on the DuckDB file ``db_path`` (on the rows of ``documents`` when given);
    write Data Docs to ``docs_dir`` unless None."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import DataContextConfig, InMemoryStoreBackendDefaults

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    # in-memory stores and no temporary docs site: the only files written are our Data Docs
    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False))
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.variables.progress_bars = {"globally": False}
    actions = []
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        site = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
        context.add_data_docs_site(site_name="landing", site_config=site)
        actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=["landing"])]
    source = context.data_sources.add_pandas("landing")
    result = CheckpointResult(success=True, evaluated=0, data_docs=docs_dir / "index.html" if docs_dir else None)
    checkpoints = {}
    suites = _suites(gxe)
    # the columns each table's expectations read; document_id names a failure's documents
    read = {table: {e.column for e in expectations if getattr(e, "column", None)} for table, expectations in suites.items()}
    for table, expectations in suites.items():
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=f"landing.{table}", expectations=expectations))
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=table, data=batch, suite=suite))
        checkpoints[table] = context.checkpoints.add(
            gx.Checkpoint(
                name=f"landing_{table}",
                validation_definitions=[definition],
                actions=actions,
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["document_id"]},
            )
        )
    # the documents in batches of CHUNK: memory follows a batch, not the night (a first night lands them all)
    chunks = [None] if documents is None else [documents[i : i + CHUNK] for i in range(0, len(documents), CHUNK)]
    # DuckDB's default buffer pool (80 % of the machine) would keep every page the batches read
    con = duckdb.connect(str(db_path), read_only=True, config=duckdb_config())
    try:
        for chunk in chunks:
            tables = frames(con, chunk, read)
            _validate(checkpoints, tables, result)
    finally:
        con.close()
    log.info("landing checkpoint: %d expectations, %d failed", result.evaluated, len(result.failures))
    return result

"""`jixiao` — the one command-line entry point (typer for the commands, rich for progress and tables).

Exit status: 0 when every document loaded whole; 3 when the warehouse was published but some documents
are partial or failed; any other non-zero status means nothing was published.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from loaders import ops, pipeline
from loaders.ingest import IngestResult, discover

app = typer.Typer(help="绩效 jixiao — budget-performance documents into a DuckDB warehouse.", no_args_is_help=True)
console = Console(stderr=True)

DocumentsOpt = typer.Option(
    None, "--documents", "-d", help="Folder (read recursively) or file. Env: JIXIAO_DOCUMENTS. Default: samples."
)
WarehouseOpt = typer.Option(
    None, "--warehouse", "-w", help="DuckDB file to publish. Env: JIXIAO_WAREHOUSE. Default: warehouse/jixiao.duckdb."
)


def _documents(value: Path | None) -> Path:
    env = os.environ.get("JIXIAO_DOCUMENTS")
    return (value or (Path(env).expanduser() if env else pipeline.DEFAULT_DOCUMENTS)).resolve()


def _warehouse(value: Path | None) -> Path:
    env = os.environ.get("JIXIAO_WAREHOUSE")
    return (value or (Path(env).expanduser() if env else pipeline.DEFAULT_WAREHOUSE)).resolve()


def _progress(total: int):
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[file]}"),
        console=console,
        transient=True,
    )
    task = progress.add_task("reading", total=total, file="")
    return progress, (lambda path: progress.update(task, advance=1, file=path))


def _print_ingest(result: IngestResult) -> None:
    changes = ", ".join(f"{result.changes(c)} {c}" for c in ("new", "changed", "unchanged"))
    statuses = ", ".join(f"{result.count(s)} {s}" for s in ("ok", "partial", "failed", "duplicate") if result.count(s))
    console.print(f"files: {len(result.outcomes)} seen — {changes}, {len(result.removed)} removed; parsed {result.parsed}")
    console.print(f"documents: {statuses or 'none'}")
    # one line per file, never wrapped, so a log or a grep shows the file with its whole reason
    for o in result.outcomes:
        if o.status in ("partial", "failed", "duplicate"):
            console.print(f"  [yellow]{o.status}[/] {o.path}: {o.reason}", soft_wrap=True, highlight=False)
    for path in result.removed:
        console.print(f"  [dim]removed[/] {path}: no longer in the documents folder (kept in landing as history)")


def _print_record(record: ops.RunRecord) -> None:
    """The same summary as the run's row in ops.ops_runs."""
    checks = (
        f"checks: {record.checks_ok} ok, {record.checks_rounding} rounding, {record.checks_mismatch} mismatch"
        if record.checks_ok is not None
        else "checks: no dq_reconciliation model"
    )
    console.print(checks)
    took = (record.ended_at - record.started_at).total_seconds() if record.ended_at else 0
    build = "full refresh" if record.is_full_refresh else "incremental"
    console.print(f"run {record.run_id}: {record.outcome} (exit {record.exit_code}), {build} build, {took:.1f}s")


def _print_marts(rows: dict[str, int]) -> None:
    table = Table(title="rows per mart")
    table.add_column("mart")
    table.add_column("rows", justify="right")
    for name, n in rows.items():
        table.add_row(name, str(n))
    console.print(table)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")


def _fail(message: str, code: int = 2) -> None:
    console.print(f"[red]error:[/] {message} — nothing was published")
    raise typer.Exit(code)


FullRefreshOpt = typer.Option(False, "--full-refresh", help="Rebuild the incremental dbt models whole.")
WorkersOpt = typer.Option(None, "--workers", help="Parser processes. Env: JIXIAO_WORKERS. Default: 2.")


@app.command()
def run(
    documents: Path | None = DocumentsOpt,
    warehouse: Path | None = WarehouseOpt,
    full_refresh: bool = FullRefreshOpt,
    workers: int | None = WorkersOpt,
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """The whole job: ingest → landing checkpoint → dbt build → publish (the nightly command)."""
    _setup_logging(verbose)
    docs, target = _documents(documents), _warehouse(warehouse)
    try:
        total = len(discover(docs))
    except FileNotFoundError as exc:
        _fail(str(exc))
    progress, advance = _progress(total)
    try:
        with progress:
            summary = pipeline.run(
                docs,
                target,
                progress=advance,
                step=lambda s: console.print(f"[dim]{s}…[/]"),
                full_refresh=full_refresh,
                workers=workers,
            )
    except pipeline.PipelineError as exc:
        _fail(f"{exc}; {target} is unchanged", 1)
    except (OSError, duckdb.Error) as exc:
        _fail(f"{type(exc).__name__}: {exc}; {target} is unchanged", 1)
    _print_ingest(summary.ingest)
    _print_marts(summary.mart_rows)
    _print_record(summary.record)
    console.print(f"published: {summary.published}")
    raise typer.Exit(summary.exit_code)


@app.command("ingest")
def ingest_cmd(
    documents: Path | None = DocumentsOpt,
    warehouse: Path | None = WarehouseOpt,
    workers: int | None = WorkersOpt,
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Load new or changed documents into the landing tables of the warehouse file, in place, without
    building the models (for development: the nightly `run` never writes the published file)."""
    _setup_logging(verbose)
    docs, target = _documents(documents), _warehouse(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        total = len(discover(docs))
    except FileNotFoundError as exc:
        _fail(str(exc))
    progress, advance = _progress(total)
    try:
        with progress:
            result = pipeline.do_ingest(target, docs, advance, workers=workers)
    except duckdb.Error as exc:  # e.g. the file is held open by a reader
        _fail(f"{type(exc).__name__}: {exc}", 1)
    _print_ingest(result)
    raise typer.Exit(3 if result.problems else 0)


@app.command()
def build(
    warehouse: Path | None = WarehouseOpt,
    target: str = typer.Option("prod", help="dbt target"),
    full_refresh: bool = FullRefreshOpt,
) -> None:
    """Run `dbt build` against the warehouse file in place (its landing tables must already be loaded)."""
    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao ingest` first)")
    try:
        pipeline.run_dbt(path, ["build", "--full-refresh"] if full_refresh else ["build"], target=target)
    except pipeline.PipelineError as exc:
        _fail(str(exc), 1)
    _print_marts(pipeline.count_marts(path))


@app.command()
def report(
    warehouse: Path | None = WarehouseOpt,
    all_statuses: bool = typer.Option(False, "--all", help="Also list rounding and incomplete checks."),
    document: str | None = typer.Option(None, "--document", help="Only documents whose file name contains this."),
) -> None:
    """The reconciliation report: every total that does not reconcile, and the per-document scorecard."""
    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao run` first)", 2)
    try:
        findings, scorecard = reconciliation_report(path, all_statuses, document)
    except duckdb.Error as exc:
        console.print(f"[red]error:[/] cannot read the reconciliation from {path}: {str(exc).splitlines()[0]}")
        raise typer.Exit(2) from None
    out = Console()
    table = Table(title="对账发现 reconciliation findings" if findings else "对账发现 reconciliation findings: none")
    for col, justify in [
        ("document", "left"),
        ("rule", "left"),
        ("status", "left"),
        ("total", "right"),
        ("parts sum", "right"),
        ("difference", "right"),
        ("lines", "left"),
    ]:
        table.add_column(col, justify=justify)
    for row in findings:
        table.add_row(*row)
    out.print(table)
    card = Table(title="文档评分卡 scorecard per document (least reliable first)")
    for col in [
        "rank",
        "document",
        "load",
        "checks",
        "ok",
        "rounding",
        "mismatch",
        "incomplete",
        "unplaced lines",
        "untyped targets",
    ]:
        card.add_column(col, justify="left" if col in ("document", "load") else "right")
    for row in scorecard:
        card.add_row(*row)
    out.print(card)


def reconciliation_report(path: Path, all_statuses: bool, document: str | None) -> tuple[list, list]:
    """Rows of the findings table and of the scorecard, read from the published warehouse (read-only)."""
    statuses = ["mismatch", "rounding", "incomplete"] if all_statuses else ["mismatch"]
    like = f"%{document or ''}%"
    con = duckdb.connect(str(path), read_only=True)
    try:
        findings = con.execute(
            """
            select file_name, rule_id, status, coalesce(total_text, total_value::varchar),
                coalesce(computed_value::decimal(20, 2)::varchar, '—'), coalesce(difference::decimal(20, 2)::varchar, '—'),
                'L' || coalesce(total_line::varchar, '?') || ' ← '
                    || coalesce(array_to_string(list_transform(part_lines, lambda x: 'L' || x), ' '), '—')
            from dq_reconciliation
            where list_contains(?, status) and file_name like ?
            order by file_name, total_line, rule_id
            """,
            [statuses, like],
        ).fetchall()
        scorecard = con.execute(
            """
            select reliability_rank, file_name, load_status, checks_run, checks_ok, checks_rounding, checks_mismatch,
                checks_incomplete, unplaced_lines, indicators_untyped
            from dq_scorecard_document
            where file_name like ?
            order by reliability_rank
            """,
            [like],
        ).fetchall()
    finally:
        con.close()
    return [[str(v) for v in r] for r in findings], [[str(v) for v in r] for r in scorecard]


if __name__ == "__main__":
    app()

"""`jixiao` — the one command-line entry point (typer for the commands, rich for progress and tables).

Exit status: 0 when every document loaded whole; 3 when the warehouse was published but some documents
are partial or failed; any other non-zero status means nothing was published.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import signal
import sys
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
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


def _from_env(value: Path | None, name: str, default: Path) -> Path:
    """The option, else the variable, else the default — only when the variable is absent: a variable set
    but empty (an unset shell variable in a cron line) is an error, never a silent fall-back to the default."""
    if value is not None:
        if not str(value).strip():
            _fail(f"the path given for {name.lower().removeprefix('jixiao_')} is empty")
        return value.expanduser().resolve()
    env = os.environ.get(name)
    if env is None:
        return default.resolve()
    if not env.strip():
        _fail(f"{name} is set but empty; unset it to use the default ({default}) or give a path")
    return Path(env).expanduser().resolve()


def _documents(value: Path | None) -> Path:
    return _from_env(value, "JIXIAO_DOCUMENTS", pipeline.DEFAULT_DOCUMENTS)


def _warehouse(value: Path | None) -> Path:
    return _from_env(value, "JIXIAO_WAREHOUSE", pipeline.DEFAULT_WAREHOUSE)


def _workers(value: int | None) -> int | None:
    """--workers, else JIXIAO_WORKERS as a whole number ≥ 0, else None (the default)."""
    if value is None:
        env = os.environ.get("JIXIAO_WORKERS")
        if env is None:
            return None
        try:
            value = int(env.strip())
        except ValueError:
            _fail(f"JIXIAO_WORKERS must be a whole number of parser processes, not {env!r}")
    if value < 0:
        _fail(f"the number of parser processes cannot be negative ({value})")
    return value


class Terminated(KeyboardInterrupt):
    """SIGTERM (cron, systemd): unwinds like Ctrl-C, so the worker processes are ended and the run is
    recorded as interrupted."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated(f"terminated by signal {signum}")


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[file]}"),
        console=console,
        transient=True,
    )


def _progress(total: int):
    progress = _bar()
    task = progress.add_task("reading", total=total, file="")
    return progress, (lambda path: progress.update(task, advance=1, file=escape(path)))


def _dbt_progress(progress: Progress):
    """A bar for `dbt build`, the longest step: each model, seed and test as it finishes (terminal only)."""
    tasks: list = []

    def advance(done: int, total: int, node: str) -> None:
        if not tasks:
            tasks.append(progress.add_task("dbt build", total=total, file=""))
        progress.update(tasks[0], completed=done, total=total, file=escape(node))

    return advance


def _print_ingest(result: IngestResult) -> None:
    changes = ", ".join(f"{result.changes(c)} {c}" for c in ("new", "changed", "unchanged"))
    statuses = ", ".join(f"{result.count(s)} {s}" for s in ("ok", "partial", "failed", "duplicate") if result.count(s))
    console.print(f"files: {len(result.outcomes)} seen — {changes}, {len(result.removed)} removed; parsed {result.parsed}")
    console.print(f"documents: {statuses or 'none'}")
    # one line per file, never wrapped, so a log or a grep shows the file with its whole reason
    for o in result.outcomes:
        if o.status in ("partial", "failed", "duplicate"):
            # names and reasons are printed literally: a file called [/] or a pdfminer message with [/'X']
            # must not be read as rich markup
            console.print(f"  [yellow]{o.status}[/] {escape(o.path)}: {escape(str(o.reason))}", soft_wrap=True, highlight=False)
    for path in result.vanished:
        console.print(f"  [yellow]vanished[/] {escape(path)}: deleted while the run was reading it", soft_wrap=True)
    for path in result.removed:
        console.print(
            f"  [dim]removed[/] {escape(path)}: no longer in the documents folder (kept in landing as history)", soft_wrap=True
        )


def _print_record(record: ops.RunRecord, built: bool = True) -> None:
    """The same summary as the run's row in ops.ops_runs."""
    checks = (
        f"checks: {record.checks_ok} ok, {record.checks_rounding} rounding, {record.checks_mismatch} mismatch"
        if record.checks_ok is not None
        else "checks: no dq_reconciliation model"
    )
    console.print(checks)
    took = (record.ended_at - record.started_at).total_seconds() if record.ended_at else 0
    build = "full refresh build" if record.is_full_refresh else "incremental build" if built else "nothing changed, no build"
    steps = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in record.step_seconds.items())
    took_text = f"{took:.1f}s ({steps})" if steps else f"{took:.1f}s"
    console.print(f"run {record.run_id}: {record.outcome} (exit {record.exit_code}), {build}, {took_text}")


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
    console.print(f"[red]error:[/] {escape(message)} — nothing was published", soft_wrap=True, highlight=False)
    raise typer.Exit(code)


FullRefreshOpt = typer.Option(False, "--full-refresh", help="Rebuild the incremental dbt models whole.")
WorkersOpt = typer.Option(None, "--workers", help="Parser processes. Env: JIXIAO_WORKERS. Default: 2.")
AllowShrinkOpt = typer.Option(
    False,
    "--allow-shrink",
    help=f"Publish even when over {pipeline.MAX_SHRINK:.0%} of yesterday's documents are gone from the folder.",
)


@app.command()
def run(
    documents: Path | None = DocumentsOpt,
    warehouse: Path | None = WarehouseOpt,
    full_refresh: bool = FullRefreshOpt,
    workers: int | None = WorkersOpt,
    allow_shrink: bool = AllowShrinkOpt,
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """The whole job: ingest → landing checkpoint → dbt build → publish (the nightly command)."""
    _setup_logging(verbose)
    docs, target, workers = _documents(documents), _warehouse(warehouse), _workers(workers)
    try:
        total = len(discover(docs))
    except (FileNotFoundError, NotADirectoryError) as exc:
        _fail(str(exc))
    signal.signal(signal.SIGTERM, _on_sigterm)
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
                allow_shrink=allow_shrink,
                dbt_progress=_dbt_progress(progress),
            )
    except pipeline.PipelineError as exc:
        _fail(f"{exc}; {target} is unchanged", 1)
    except (OSError, duckdb.Error) as exc:
        _fail(f"{type(exc).__name__}: {exc}; {target} is unchanged", 1)
    except KeyboardInterrupt as exc:
        _fail(f"interrupted ({exc or 'Ctrl-C'}); {target} is unchanged", 143 if isinstance(exc, Terminated) else 130)
    # The warehouse is published: whatever printing does now, the exit status must say so.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        _print_ingest(summary.ingest)
        _print_marts(summary.mart_rows)
        _print_record(summary.record, summary.built)
        for note in summary.notes:
            console.print(f"[yellow]note:[/] {escape(note)}", soft_wrap=True, highlight=False)
        console.print(f"published: {escape(str(summary.published))}", highlight=False)
    except Exception as exc:  # noqa: BLE001 - a printing failure must not turn a publish into a failure
        with contextlib.suppress(Exception):
            print(f"published: {summary.published} (summary not printed: {type(exc).__name__})", file=sys.stderr)
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
    docs, target, workers = _documents(documents), _warehouse(warehouse), _workers(workers)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        total = len(discover(docs))
    except (FileNotFoundError, NotADirectoryError) as exc:
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
    progress = _bar()
    try:
        with progress:
            pipeline.build_models(path, path, full_refresh, target=target, progress=_dbt_progress(progress))
    except pipeline.PipelineError as exc:
        _fail(str(exc), 1)
    _print_marts(pipeline.count_marts(path))


FINDING_COLUMNS = ["document", "rule", "status", "total", "parts sum", "difference", "lines"]
SCORECARD_COLUMNS = [
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
]


@app.command()
def report(
    warehouse: Path | None = WarehouseOpt,
    all_statuses: bool = typer.Option(False, "--all", help="Also list rounding and incomplete checks."),
    document: str | None = typer.Option(None, "--document", help="Only documents whose file name contains this."),
    fmt: str = typer.Option("table", "--format", help="table (for people), csv or json (for scripts and logs)."),
    scorecard_only: bool = typer.Option(False, "--scorecard", help="With --format csv: the scorecard, not the findings."),
) -> None:
    """The reconciliation report: every total that does not reconcile, and the per-document scorecard."""
    if fmt not in ("table", "csv", "json"):
        _fail(f"unknown --format {fmt!r}: use table, csv or json", 2)
    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao run` first)", 2)
    try:
        findings, scorecard = reconciliation_report(path, all_statuses, document)
    except duckdb.Error as exc:
        console.print(f"[red]error:[/] cannot read the reconciliation from {path}: {str(exc).splitlines()[0]}")
        raise typer.Exit(2) from None
    if fmt == "json":
        print(
            json.dumps(
                {
                    "findings": [dict(zip(FINDING_COLUMNS, r, strict=True)) for r in findings],
                    "scorecard": [dict(zip(SCORECARD_COLUMNS, r, strict=True)) for r in scorecard],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(SCORECARD_COLUMNS if scorecard_only else FINDING_COLUMNS)
        writer.writerows(scorecard if scorecard_only else findings)
        return
    # piped into a log or a file: as wide as the rows need, never cut to 80 columns with "…"
    out = Console() if sys.stdout.isatty() else Console(width=100_000)
    table = Table(title="对账发现 reconciliation findings" if findings else "对账发现 reconciliation findings: none")
    for col in FINDING_COLUMNS:
        table.add_column(col, justify="right" if col in ("total", "parts sum", "difference") else "left")
    for row in findings:
        table.add_row(*map(escape, row))  # a file name may look like markup ([/]): printed literally
    out.print(table)
    card = Table(title="文档评分卡 scorecard per document (least reliable first)")
    for col in SCORECARD_COLUMNS:
        card.add_column(col, justify="left" if col in ("document", "load") else "right")
    for row in scorecard:
        card.add_row(*map(escape, row))
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


OutputOpt = typer.Option(..., "--output", "-o", help="File to write: .csv (UTF-8 with BOM) or .xlsx.")


@app.command()
def export(
    source: str = typer.Argument(..., help="A mart or view (fct_funding, landing.documents) or a query (select …)."),
    output: Path = OutputOpt,
    warehouse: Path | None = WarehouseOpt,
    fmt: str | None = typer.Option(None, "--format", help="csv or xlsx; default: from the output's suffix."),
    chinese: bool = typer.Option(False, "--zh", help="Chinese column headers (from the column descriptions)."),
) -> None:
    """Export a mart, a view or a query of the published warehouse to CSV (UTF-8 with BOM, for Excel) or .xlsx."""
    from loaders import export as exporter  # polars and xlsxwriter load only for this command

    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao run` first)", 2)
    try:
        written, rows = exporter.export(path, source, output.expanduser(), fmt, "zh" if chinese else "names")
    except exporter.ExportError as exc:
        console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    console.print(f"exported {rows} rows to {escape(str(written))}", highlight=False)


@app.command()
def docs(warehouse: Path | None = WarehouseOpt) -> None:
    """Build dbt's documentation site (bilingual model and column descriptions) beside the warehouse: dbt_docs/."""
    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao run` first)", 2)
    try:
        site = pipeline.build_docs(path)
    except pipeline.PipelineError as exc:
        _fail(str(exc), 1)
    console.print(f"dbt docs: {escape(str(site / 'index.html'))} (open it in a browser; works offline)", highlight=False)


@app.command()
def dashboard(
    warehouse: Path | None = WarehouseOpt,
    port: int = typer.Option(8501, help="Port to serve on."),
    address: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 to serve the network)."),
) -> None:
    """The dashboard (Streamlit), read-only on the published warehouse: funding, indicators, findings, documents."""
    path = _warehouse(warehouse)
    if not path.exists():
        _fail(f"warehouse not found: {path} (run `jixiao run` first)", 2)
    app_file = pipeline.PROJECT_DIR / "dashboard" / "app.py"
    console.print(
        f"dashboard on http://{address}:{port}/ — reading {path} read-only (Ctrl-C stops it)", highlight=False, soft_wrap=True
    )
    # exec: Streamlit owns the process (its signals, its exit status); usage statistics are off
    os.execve(
        sys.executable,
        [
            sys.executable, "-m", "streamlit", "run", str(app_file),
            "--server.headless", "true", "--server.port", str(port), "--server.address", address,
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer",
        ],
        {**os.environ, "JIXIAO_WAREHOUSE": str(path)},
    )  # fmt: skip


if __name__ == "__main__":
    app()

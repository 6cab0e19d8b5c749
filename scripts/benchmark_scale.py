"""Benchmark `jixiao run` at national scale: N generated documents, a night with nothing changed, a 1 % delta.

The documents are realistic variants of the samples made by ``../shared/tools/scale_corpus.py`` (its
docstring says how: real regions, shifted years, scaled amounts, distinct content). For each N the script
runs, each as its own ``jixiao run`` process on its own warehouse:

1. the first night (every document new, a full build),
2. the same folder again (nothing changed),
3. the folder after ``scale_corpus.py --delta PCT`` (PCT % changed, PCT/4 % removed, PCT % added), and
   with ``--deltas K`` K such nights in a row, each from the folder of the night before: the first delta after a
   first night has no spare (the file published the night before last) and copies the published file, the
   next ones are the nights cron runs (they reuse the spare),
4. with ``--smallest`` (the default), two more nights of one document changed and one added. The first reuses the
   spare, whose models were built two nights ago: it builds the delta's documents as well as its own. The
   second builds the first's two and its own: what a night costs however little changed (the fixed cost of a
   night at N), beside which the 1 % delta's cost of its change can be read,

and prints per run: wall time, documents/s above the fixed cost (the first night of the four samples),
the dbt build time and its slowest models (``target/run_results.json``), peak memory (the largest process
of the run: the run itself, a parser worker or dbt) and the published file's size. A benchmark, not a test:
it prints figures and asserts nothing.

    .venv/bin/python scripts/benchmark_scale.py --sizes 1000,5000,20000 --delta 1 \\
        --generator-python ../main/.venv/bin/python --workdir /tmp/jixiao-scale
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loaders import ops
from loaders.pipeline import KEPT_RESULTS

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
GENERATOR = ROOT.parent / "shared" / "tools" / "scale_corpus.py"
# what the generator writes beside the documents: not documents, so kept out of the folder jixiao reads
GENERATOR_FILES = ("MANIFEST.tsv", "META.json")


@dataclass
class Night:
    label: str
    documents: int
    wall_s: float
    exit_code: int
    peak_mb: float
    file_mb: float
    dbt_s: float | None = None
    tests_s: float | None = None  # dbt's data and unit tests, summed over its threads
    hooks_s: float | None = None  # dbt's on-run-start / on-run-end hooks (the test failures moved aside)
    models: list[tuple[str, float]] = field(default_factory=list)  # slowest first
    # each model's commits, from dbt's debug log: DuckDB checkpoints inside the commit that finds its write-ahead
    # log past 16 MB, so the model that crosses it pays for writing what the models before it wrote
    commits: dict[str, float] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)  # the run's own record: seconds per step

    def docs_per_s(self, fixed_s: float) -> float | None:
        above = self.wall_s - fixed_s
        return self.documents / above if above > 0 else None


def run_night(label: str, documents: Path, warehouse: Path, count: int, workers: int) -> Night:
    """One ``jixiao run`` in a process of its own; its peak memory from wait4 (it and the processes it waited for)."""
    # dbt's target folder of its own (DBT_TARGET_PATH), so tests running meanwhile do not share it
    target = warehouse.parent.parent / "dbt-target"
    results = target / "run_results.json"
    results.unlink(missing_ok=True)
    for kept in [*target.glob("run_results_batch_*.json"), *(target / name for name in KEPT_RESULTS)]:
        kept.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_WORKERS"] = str(workers)
    env["DBT_TARGET_PATH"] = str(target)
    # dbt's debug log, as JSON, of this night's passes only
    logs = target / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    env["DBT_LOG_PATH"] = str(logs)
    env["DBT_LOG_FORMAT_FILE"] = "json"
    cmd = [str(Path(sys.executable).with_name("jixiao")), "run", "--documents", str(documents), "--warehouse", str(warehouse)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        print(output[-3000:], file=sys.stderr)
    night = Night(
        label,
        count,
        wall,
        code,
        peak_mb=usage.ru_maxrss / 1024,
        file_mb=warehouse.stat().st_size / 2**20 if warehouse.exists() else 0.0,
    )
    night.steps = run_steps(warehouse)
    if results.exists():
        # a night that builds in batches of documents runs dbt once per batch, then the whole build
        # a pass retried after running out of memory (pipeline.build_pass) leaves its first attempt's record too, and a
        # full refresh in batches its build's, before the pass that tests the batched models
        before = sorted(target.glob("run_results_batch_*.json")) + [p for n in KEPT_RESULTS if (p := target / n).exists()]
        passes = [*before, results]
        data = [json.loads(p.read_text()) for p in passes]
        every = [r for d in data for r in d["results"]]
        night.dbt_s = sum(d.get("elapsed_time") or 0 for d in data)
        night.tests_s = sum(r["execution_time"] for r in every if r["unique_id"].startswith(("test.", "unit_test.")))
        night.hooks_s = sum(r["execution_time"] for r in every if r["unique_id"].startswith("operation."))
        # kept per night, for a closer look at a model or a test
        name = f"{warehouse.parent.name}-{label.split(', ')[-1].replace(' ', '-')}"
        kept = warehouse.parent.parent / "run_results"
        kept.mkdir(exist_ok=True)
        for number, path in enumerate(passes):
            suffix = "" if path == results else f"-batch{number + 1}"
            shutil.copyfile(path, kept / f"{name}{suffix}.json")
        timed: dict[str, float] = {}
        for r in every:
            if r["unique_id"].startswith("model."):
                model = r["unique_id"].split(".")[-1]
                timed[model] = timed.get(model, 0.0) + r["execution_time"]
        night.models = sorted(timed.items(), key=lambda m: -m[1])
        night.commits = commit_seconds(logs)
    return night


def commit_seconds(logs: Path) -> dict[str, float]:
    """Seconds each model spent in its COMMIT statements, summed over the night's passes (dbt's JSON debug log: a
    statement's SQLQuery event, then its SQLQueryStatus on the same thread)."""
    pending: dict[str, str] = {}
    commits: dict[str, float] = {}
    for path in sorted(logs.glob("dbt.log*")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            info, data = event.get("info", {}), event.get("data", {})
            thread = info.get("thread", "")
            if info.get("name") == "SQLQuery":
                node = (data.get("node_info") or {}).get("unique_id", "")
                if node.startswith("model.") and data.get("sql", "").strip().upper() == "COMMIT":
                    pending[thread] = node.split(".")[-1]
                else:
                    pending.pop(thread, None)
            elif info.get("name") == "SQLQueryStatus" and thread in pending:
                model = pending.pop(thread)
                commits[model] = commits.get(model, 0.0) + float(data.get("elapsed") or 0.0)
    return commits


def run_steps(warehouse: Path) -> dict[str, float]:
    """The night's seconds per step, from its row: in the journal beside the warehouse after a night that did not
    publish a new file (a quiet one), else the latest row of ``ops.ops_runs``."""
    journal = ops.journal_path(warehouse)
    if journal.exists() and journal.read_text().strip():
        return ops.RunRecord.from_json(journal.read_text().strip().splitlines()[-1]).step_seconds
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select step_seconds from ops.ops_runs order by started_at desc limit 1").fetchone()
    finally:
        con.close()
    return json.loads(row[0]) if row and row[0] else {}


def set_aside(corpus: Path, aside: Path, back: bool = False) -> None:
    """Move the generator's manifest out of the documents folder (or back, for --delta)."""
    aside.mkdir(parents=True, exist_ok=True)
    for name in GENERATOR_FILES:
        src, dst = (aside / name, corpus / name) if back else (corpus / name, aside / name)
        if src.exists():
            shutil.move(src, dst)


def generate(python: str, args: list[str]) -> None:
    # the generator reads jionlp's place names, which jionlp unpacks from its zip files on its first import
    subprocess.run([python, "-c", "import jionlp"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([python, str(GENERATOR), *args], check=True, stdout=subprocess.DEVNULL)


def corpus(python: str, work: Path, n: int, jobs: int) -> Path:
    out = work / f"corpus-{n}"
    if not out.exists():
        generate(python, [str(n), str(out), "--jobs", str(jobs)])
        set_aside(out, work / f"corpus-{n}.meta")
    return out


def delta(python: str, work: Path, base: Path, pct: float, night: int = 1) -> tuple[Path, int]:
    """The folder of a delta night: ``base`` with ``pct`` % changed, removed and added (``night`` numbers it)."""
    out = work / f"{base.name.split('-delta')[0]}-delta{pct:g}-{night}"
    shutil.rmtree(out, ignore_errors=True)
    set_aside(base, work / f"{base.name}.meta", back=True)
    try:
        generate(python, ["0", str(out), "--delta", f"{pct:g}", "--from", str(base), "--link"])
    finally:
        set_aside(base, work / f"{base.name}.meta")
    set_aside(out, work / f"{out.name}.meta")
    return out, sum(1 for p in out.rglob("*") if p.is_file())


def print_table(nights: list[Night], fixed_s: float) -> None:
    print(f"\nfixed cost (first night of the 4 samples): {fixed_s:.1f} s")
    head = (
        f"{'run':<28} {'docs':>6} {'wall s':>8} {'docs/s*':>8} {'ingest s':>8} {'check s':>7} {'dbt s':>7}"
        f" {'tests s':>7} {'hooks s':>7} {'commit s':>8}"
        f" {'peak MB':>8} {'file MB':>8}  slowest models (s)"
    )
    print(head)
    print("-" * len(head))
    for n in nights:
        # above the fixed cost only a first night parses every document it counts
        rate = n.docs_per_s(fixed_s) if n.label.endswith("first night") else None
        slow = ", ".join(f"{name} {t:.1f}" for name, t in n.models[:4]) or "no build"
        print(
            f"{n.label:<28} {n.documents:>6} {n.wall_s:>8.1f} {rate if rate else float('nan'):>8.1f} "
            f"{n.steps.get('ingest', float('nan')):>8.1f} {n.steps.get('checkpoint', float('nan')):>7.1f} "
            f"{n.dbt_s if n.dbt_s is not None else float('nan'):>7.1f} "
            f"{n.tests_s if n.tests_s is not None else float('nan'):>7.1f} "
            f"{n.hooks_s if n.hooks_s is not None else float('nan'):>7.1f} "
            f"{sum(n.commits.values()) if n.dbt_s is not None else float('nan'):>8.1f} "
            f"{n.peak_mb:>8.0f} {n.file_mb:>8.1f}  {slow}" + ("" if n.exit_code in (0, 3) else f"  [exit {n.exit_code}]")
        )
    print(
        "* documents/s above the fixed cost: documents / (wall − fixed); ingest s, check s: the run's own record"
        " (hashing, working copy, parsing and landing; validating the new landing); tests s: dbt's tests summed"
        " over its threads; hooks s: dbt's run hooks (the test failures moved aside); commit s: the models' commits, in"
        " which DuckDB's checkpoints land (part of the models' times)"
    )


def print_growth(full: dict[int, Night]) -> None:
    """Per model: time at each N and its growth against the corpus's between consecutive sizes, as dbt records it
    and without the model's commits (a checkpoint lands in whichever model's commit finds the log past its
    threshold, and writes what the models before it wrote: the same model can take it in one run and not the next)."""
    sizes = sorted(full)
    if len(sizes) < 2:
        return
    names = sorted({m for n in full.values() for m, _ in n.models})

    def growth(times: list[float | None]) -> list[float | None]:
        pairs = zip(times, times[1:], sizes, sizes[1:], strict=False)
        return [(b / a) / (s2 / s1) if a and b and a > 0.05 else None for (a, b, s1, s2) in pairs]

    def cells(values: list[float | None], width: int, digits: int) -> str:
        return " ".join(f"{x:{width}.{digits}f}" if x is not None else " " * (width - 1) + "-" for x in values)

    print(f"\nmodel time growth ÷ corpus growth, first nights ({' → '.join(map(str, sizes))}): dbt's record; without commits")
    rows = []
    for name in names:
        times = [dict(full[s].models).get(name) for s in sizes]
        own = [t - full[s].commits.get(name, 0.0) if t is not None else None for t, s in zip(times, sizes, strict=True)]
        ratios, own_ratios = growth(times), growth(own)
        rows.append((max((r for r in own_ratios if r), default=0), name, times, ratios, own_ratios))
    commits = [sum(full[s].commits.values()) for s in sizes]
    for _worst, name, times, ratios, own_ratios in sorted(rows, reverse=True)[:12]:
        print(f"  {name:<32} {cells(times, 7, 2)}   ×{cells(ratios, 5, 2)}   ×{cells(own_ratios, 5, 2)}")
    print(f"  {'(the models’ commits)':<32} {cells(commits, 7, 2)}   ×{cells(growth(commits), 5, 2)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,20000", help="documents per corpus, comma-separated")
    parser.add_argument("--delta", type=float, default=1.0, help="percent changed (and added) for the nightly delta")
    parser.add_argument("--deltas", type=int, default=2, help="delta nights in a row, each from the one before")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jixiao-scale"))
    parser.add_argument("--generator-python", default=sys.executable, help="a Python with jionlp for scale_corpus.py")
    parser.add_argument("--jobs", type=int, default=1, help="generator processes")
    parser.add_argument("--workers", type=int, default=2, help="JIXIAO_WORKERS for the runs")
    parser.add_argument("--keep", action="store_true", help="keep the warehouses")
    parser.add_argument(
        "--smallest",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="end each size with two nights of one document changed and one added",
    )
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    nights: list[Night] = []
    wh = work / "wh-samples" / "jixiao.duckdb"
    shutil.rmtree(wh.parent, ignore_errors=True)
    fixed = run_night("samples, first night", SAMPLES, wh, 4, args.workers)
    nights.append(fixed)
    nights.append(run_night("samples, nothing changed", SAMPLES, wh, 4, args.workers))
    nights.append(run_night("samples, nothing changed", SAMPLES, wh, 4, args.workers))
    print_table(nights, fixed.wall_s)

    first: dict[int, Night] = {}
    for n in (int(s) for s in args.sizes.split(",") if s):
        docs = corpus(args.generator_python, work, n, args.jobs)
        wh = work / f"wh-{n}" / "jixiao.duckdb"
        shutil.rmtree(wh.parent, ignore_errors=True)
        first[n] = run_night(f"{n}, first night", docs, wh, n, args.workers)
        nights.append(first[n])
        nights.append(run_night(f"{n}, nothing changed", docs, wh, n, args.workers))
        base = docs
        for night in range(1, args.deltas + 1):
            base, count = delta(args.generator_python, work, base, args.delta, night)
            nights.append(run_night(f"{n}, {args.delta:g}% delta {night}", base, wh, count, args.workers))
        for night in range(args.deltas + 1, args.deltas + 3) if args.smallest else ():
            # the generator rounds its counts: 100/N % is one document changed, one added and none removed
            base, count = delta(args.generator_python, work, base, 100 / n, night)
            nights.append(run_night(f"{n}, one document changed {night - args.deltas}", base, wh, count, args.workers))
        print_table(nights, fixed.wall_s)
        print_growth(first)
        if not args.keep:
            shutil.rmtree(wh.parent, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The nightly guarantees on a large published warehouse, with real processes: a check to run by hand, not a test.

Given a published warehouse and tonight's documents folder (say the 20,000-document warehouse and its 1 % delta
that ``benchmark_scale.py --keep`` leaves), it works on two copies of the warehouse:

A. one ``jixiao run``, left alone;
B. a reader holding the published file open and querying it throughout, while ``jixiao run`` is killed with
   SIGKILL while it parses, killed again while dbt builds, then run to the end.

and prints: after each kill, whether the published file is byte-identical and its processes are gone; the
reader's queries and errors; each run's exit status and wall time; and, per model table, the rows and keys
(the ``*_key`` / ``*_id`` columns) that differ between A and B. It asserts nothing and exits 0; read its figures.

    .venv/bin/python scripts/check_nightly_at_scale.py /tmp/jixiao-scale/wh-20000/jixiao.duckdb \\
        /tmp/jixiao-scale/corpus-20000-delta1 --workdir /tmp/jixiao-guarantees
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
JIXIAO = Path(sys.executable).with_name("jixiao")
NOT_MODELS = ("landing", "ops", "test_failures", "reference")

READER = r"""
import pathlib, sys, time
import duckdb
path, stop = sys.argv[1], pathlib.Path(sys.argv[2])
con = duckdb.connect(path, read_only=True)  # held open for every run of the night
queries = errors = 0
seen = set()
while not stop.exists():
    try:
        docs = con.execute("select count(*) from dim_document").fetchone()[0]
        facts = con.execute("select count(*) from fct_indicator join dim_document using (document_key)").fetchone()[0]
        seen.add((docs, facts))
        queries += 1
    except Exception as exc:  # counted, not raised: the figure is the point
        errors += 1
        print("error:", exc, file=sys.stderr, flush=True)
    time.sleep(0.2)
print(queries, errors, len(seen), flush=True)
"""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def environment(target: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    return {**env, "JIXIAO_WORKERS": "2", "DBT_TARGET_PATH": str(target)}


def children(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (parser workers, dbt and its threads' processes)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def is_dbt(pid: int) -> bool:
    try:
        return b"dbt" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def start(documents: Path, warehouse: Path) -> subprocess.Popen:
    cmd = [str(JIXIAO), "run", "--documents", str(documents), "--warehouse", str(warehouse)]
    target = warehouse.parent / "dbt-target"
    return subprocess.Popen(cmd, cwd=ROOT, env=environment(target), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(documents: Path, warehouse: Path) -> tuple[int, float, str]:
    started = time.perf_counter()
    proc = start(documents, warehouse)
    _, err = proc.communicate()
    last = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
    return proc.returncode, time.perf_counter() - started, last[0]


def kill_when(documents: Path, warehouse: Path, step: str, before: str) -> None:
    """Start a run and SIGKILL it in ``step``: "ingest" while parser workers run and dbt has not started,
    "build" a few seconds after dbt started; then report the published file and the run's processes."""
    proc = start(documents, warehouse)
    started = time.perf_counter()
    deadline = started + 3600
    while proc.poll() is None and time.perf_counter() < deadline:
        kids = children(proc.pid)
        dbt = [k for k in kids if is_dbt(k)]
        if step == "ingest" and kids and not dbt and time.perf_counter() - started > 15:
            break
        if step == "build" and dbt:
            time.sleep(5)
            break
        time.sleep(0.5)
    if proc.poll() is not None:
        print(f"  kill in {step}: the run ended first (exit {proc.returncode}); nothing killed")
        return
    kids = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    at = time.perf_counter() - started
    time.sleep(2)
    left = [k for k in kids if not _zombie(k)]
    same = sha256(warehouse) == before
    print(
        f"  killed in {step} after {at:.0f} s ({len(kids)} child processes, {sum(map(is_dbt, kids))} of dbt): "
        f"published file byte-identical: {same}; processes left running: {len(left)}"
    )


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def compare(a: Path, b: Path) -> None:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{a}' as a (read_only)")
        con.execute(f"attach '{b}' as b (read_only)")
        tables = con.execute(
            f"""
            select table_schema, table_name from information_schema.tables
            where table_catalog = 'a' and table_type = 'BASE TABLE' and table_schema not in {NOT_MODELS}
            order by 1, 2
            """
        ).fetchall()
        print(f"\nA against B, {len(tables)} model tables (rows in one and not the other, both ways):")
        differ = 0
        for schema, table in tables:
            cols = [r[0] for r in con.execute(f'describe a."{schema}"."{table}"').fetchall()]
            keys = [c for c in cols if c.endswith(("_key", "_id"))] or cols
            row_diff = _diff(con, schema, table, "*")
            key_diff = _diff(con, schema, table, ", ".join(f'"{c}"' for c in keys))
            count = con.execute(f'select count(*) from a."{schema}"."{table}"').fetchone()[0]
            if row_diff or key_diff:
                differ += 1
                print(f"  {schema}.{table}: {count:,} rows; rows differ {row_diff:,}, keys differ {key_diff:,}")
        print(f"  {len(tables) - differ} of {len(tables)} tables identical row for row")
    finally:
        con.close()


def _diff(con: duckdb.DuckDBPyConnection, schema: str, table: str, columns: str) -> int:
    a, b = f'a."{schema}"."{table}"', f'b."{schema}"."{table}"'
    return con.execute(
        f"select count(*) from ((select {columns} from {a} except all select {columns} from {b}) "
        f"union all (select {columns} from {b} except all select {columns} from {a}))"
    ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path, help="a published warehouse (copied, never written)")
    parser.add_argument("documents", type=Path, help="tonight's documents folder")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/jixiao-guarantees"))
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    copies = {}
    for name in ("a", "b"):
        (args.workdir / name).mkdir(parents=True)
        copies[name] = args.workdir / name / args.warehouse.name
        shutil.copyfile(args.warehouse, copies[name])

    code, wall, last = finish(args.documents, copies["a"])
    print(f"A: one run, exit {code}, {wall:.0f} s: {last}")

    b = copies["b"]
    before = sha256(b)
    stop = args.workdir / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(b), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(2)
    print("B: a reader holds the published file throughout")
    kill_when(args.documents, b, "ingest", before)
    kill_when(args.documents, b, "build", before)
    code, wall, last = finish(args.documents, b)
    print(f"  then a run to the end: exit {code}, {wall:.0f} s: {last}")
    print(f"  published file replaced: {sha256(b) != before}")
    time.sleep(1)
    stop.touch()
    out, err = reader.communicate(timeout=120)
    queries, errors, states = (out.split() + ["?"] * 3)[:3]
    print(f"  the reader: {queries} queries, {errors} errors, {states} distinct answer(s) from its open file")
    if err.strip():
        print("  reader stderr:", err.strip().splitlines()[:3])
    compare(copies["a"], b)


if __name__ == "__main__":
    main()

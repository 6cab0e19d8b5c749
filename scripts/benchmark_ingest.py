"""Benchmark the ingest step: N distinct copies of the samples into a temporary warehouse.

Each copy gets a unique trailing line, so every file is a distinct document (its own sha256) and is read,
recognised, extracted and landed in full. Prints documents/s, MB/s and peak memory.

    PYTHONPATH=. .venv/bin/python scripts/benchmark_ingest.py [--copies 200] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the loaders of this checkout, not of the installed package

from loaders.ingest import ingest  # noqa: E402

SAMPLES = ROOT / "data" / "samples"


def make_copies(target: Path, copies: int) -> int:
    """Write ``copies`` files cycling through the samples; return their total size in bytes."""
    samples = sorted(p for p in SAMPLES.iterdir() if p.is_file())
    total = 0
    for n in range(copies):
        src = samples[n % len(samples)]
        data = src.read_bytes() + f"\n<!-- benchmark copy {n} -->\n".encode()
        (target / f"{n:04d}_{src.name}").write_bytes(data)
        total += len(data)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200, help="number of documents to ingest (default 200)")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap's peak (slower)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        docs, warehouse = Path(tmp) / "documents", Path(tmp) / "bench.duckdb"
        docs.mkdir()
        size = make_copies(docs, args.copies)
        if args.tracemalloc:
            tracemalloc.start()
        con = duckdb.connect(str(warehouse))
        start = time.perf_counter()
        try:
            result = ingest(con, docs)
        finally:
            con.close()
        seconds = time.perf_counter() - start
        heap_peak = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
        statuses = Counter(o.status for o in result.outcomes)
        db_size = warehouse.stat().st_size
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    mb = size / 1e6
    print(f"documents: {len(result.outcomes)} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})")
    print(f"input:     {mb:.2f} MB")
    print(f"time:      {seconds:.2f} s")
    print(f"rate:      {len(result.outcomes) / seconds:.1f} documents/s, {mb / seconds:.2f} MB/s")
    print(f"peak RSS:  {rss_mb:.0f} MB (whole process)")
    if heap_peak is not None:
        print(f"peak heap: {heap_peak / 1e6:.1f} MB (tracemalloc, Python objects)")
    print(f"warehouse: {db_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

"""Benchmark the readers: files/s and pages/s per format on N worker processes, and peak memory.

    PYTHONPATH=. .venv/bin/python scripts/benchmark_readers.py [FOLDER] [--workers 2] [--repeat 20]

FOLDER defaults to ../shared/originals (the sample renditions). Each file is read ``--repeat`` times,
spread over the worker pool the way the ingest pool would; workers return only small summaries, so the
parent's memory stays flat in the number of files. Peak memory is the largest resident set of a worker
(and of the parent). Targets: .docx and .xlsx >= 50 files/s, text-layer PDF >= 20 pages/s.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.errors import ReadError  # noqa: E402
from loaders.readers import detect, read_file  # noqa: E402

TARGETS = {"docx": ("files/s", 50), "xlsx": ("files/s", 50), "pdf": ("pages/s", 20)}


def _read(path: str) -> tuple[str, int, float, str | None]:
    """(format, pages, seconds, error) for one file; runs in a worker."""
    p = Path(path)
    data = p.read_bytes()
    fmt = detect(p, data) if data else "empty"
    start = time.perf_counter()
    try:
        doc = read_file(p, data)
        pages = doc.page_count or 0
        error = None
    except ReadError as exc:
        pages, error = 0, str(exc)
    return fmt, pages, time.perf_counter() - start, error


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "originals"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = sorted(p for p in Path(args.folder).rglob("*") if p.is_file() and p.suffix.lower() not in (".md", ".txt"))
    if not files:
        print(f"no files under {args.folder}")
        return 1
    by_format: dict[str, list[Path]] = defaultdict(list)
    for p in files:
        by_format[detect(p, p.read_bytes())].append(p)
    ctx = mp.get_context("spawn")
    print(f"{'format':8} {'files':>6} {'pages':>7} {'wall s':>7} {'files/s':>8} {'pages/s':>8}  target")
    with ctx.Pool(args.workers, maxtasksperchild=200) as pool:
        pool.map(_read, [str(files[0])] * args.workers)  # warm the workers (imports)
        for fmt, paths in sorted(by_format.items()):
            jobs = [str(p) for p in paths] * args.repeat
            start = time.perf_counter()
            results = pool.map(_read, jobs, chunksize=1)
            wall = time.perf_counter() - start
            pages = sum(r[1] for r in results)
            errors = {r[3] for r in results if r[3]}
            files_s, pages_s = len(jobs) / wall, pages / wall
            target = TARGETS.get(fmt)
            verdict = ""
            if target:
                got = files_s if target[0] == "files/s" else pages_s
                verdict = f"{'ok' if got >= target[1] else 'BELOW'} (>= {target[1]} {target[0]})"
            note = f"  failed as designed: {sorted(errors)[0]}" if errors else ""
            print(f"{fmt:8} {len(jobs):>6} {pages:>7} {wall:>7.2f} {files_s:>8.1f} {pages_s:>8.1f}  {verdict}{note}")
        workers_peak = pool.map(_peak_self, range(args.workers))
    print(f"peak memory: workers {max(workers_peak):.0f} MB each, parent {_peak_mb(resource.RUSAGE_SELF):.0f} MB")
    return 0


def _peak_self(_: int) -> float:
    return _peak_mb(resource.RUSAGE_SELF)


if __name__ == "__main__":
    raise SystemExit(main())

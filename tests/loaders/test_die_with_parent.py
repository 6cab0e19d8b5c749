"""A parser worker and the dbt child die with the run. The kernel's parent-death signal is armed by the child
itself, after it starts: a run killed before that (a worker still importing the parser) sends none, so the child
checks that its parent is still the process that started it, and exits when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")

# runs in a child of the test process, as a worker or the dbt child runs in a child of the night's process
WORKER = "import sys; from loaders.ingest import _worker_init; _worker_init(sys.argv[1], 0, int(sys.argv[2])); print('working')"
DBT_CHILD = "import sys; from loaders.lifetime import die_with_parent; die_with_parent(int(sys.argv[1])); print('working')"


def gone_pid() -> int:
    """The pid of a process that has ended: a parent that was killed before its child was ready."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    return ended.pid


def child(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_worker_whose_parent_is_still_there_starts(tmp_path):
    started = child(WORKER, str(tmp_path), str(os.getpid()))
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "working"


def test_a_worker_started_after_its_parent_was_killed_exits_instead_of_waiting_for_tasks(tmp_path):
    started = child(WORKER, str(tmp_path), str(gone_pid()))
    assert started.returncode == 1
    assert started.stdout == ""


def test_the_dbt_child_runs_under_its_parent_and_exits_without_it():
    assert child(DBT_CHILD, str(os.getpid())).stdout.strip() == "working"
    orphan = child(DBT_CHILD, str(gone_pid()))
    assert orphan.returncode == 1
    assert orphan.stdout == ""

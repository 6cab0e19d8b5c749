"""Shared fixtures: the bundled samples and one warehouse built from them for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from loaders import pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"


def pytest_configure(config):
    """Under pytest-xdist each worker builds with dbt in folders of its own: two dbt processes writing one
    target folder (its parse, manifest and run results) or one log would overwrite each other's."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        os.environ.setdefault("DBT_TARGET_PATH", str(ROOT / "target" / worker))
        os.environ.setdefault("DBT_LOG_PATH", str(ROOT / "logs" / worker))


def sample(name_prefix: str) -> Path:
    return next(SAMPLES.glob(f"{name_prefix}*"))


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    """The full job (ingest → dbt build with the test target → publish) run once on the samples."""
    path = tmp_path_factory.mktemp("warehouse") / "jixiao.duckdb"
    pipeline.run(SAMPLES, path, target="test")
    return path


@pytest.fixture()
def warehouse_con(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    yield con
    con.close()


def warehouse_of(fixtures: Path, tmp_path_factory) -> Path:
    """The full job run on a folder of our own fixture texts, into a warehouse of its own."""
    import shutil

    docs = tmp_path_factory.mktemp(f"{fixtures.name}_docs")
    for f in fixtures.glob("*.txt"):
        shutil.copy(f, docs / f.name)
    warehouse = tmp_path_factory.mktemp(f"{fixtures.name}_wh") / "jixiao.duckdb"
    pipeline.run(docs, warehouse, target="test")
    return warehouse


def connection_to_warehouse_of(fixtures: Path):
    """A module fixture ``con``: a read-only connection to the warehouse built from ``fixtures``."""

    @pytest.fixture(scope="module")
    def con(tmp_path_factory):
        c = duckdb.connect(str(warehouse_of(fixtures, tmp_path_factory)), read_only=True)
        yield c
        c.close()

    return con


def sidecar_tables(warehouse: Path) -> dict[str, int]:
    """The tables of the test-failures sidecar beside ``warehouse``, with their row counts."""
    with duckdb.connect(str(sidecar_of(warehouse)), read_only=True) as side:
        return {t: side.execute(f'select count(*) from "{t}"').fetchone()[0] for (t,) in side.execute("show tables").fetchall()}


def sidecar_of(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".test_failures.duckdb")


def copy_of_night(base: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of a documents folder and the warehouse a night published from it."""
    import shutil

    docs, warehouse = tmp_path / "docs", tmp_path / "wh" / "jixiao.duckdb"
    shutil.copytree(base[0], docs)
    warehouse.parent.mkdir()
    shutil.copy(base[1], warehouse)
    return docs, warehouse

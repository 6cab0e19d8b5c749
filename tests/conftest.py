"""Shared fixtures: the bundled samples and one warehouse built from them for the whole session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from loaders import pipeline

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED = ROOT.parent / "shared"


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

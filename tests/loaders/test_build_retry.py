"""A dbt pass that runs out of DuckDB's memory is retried once, from its failed models, in a new dbt process
with more memory; any other failure, or a second one, fails the night."""

from __future__ import annotations

import pytest

from loaders import ops, pipeline


@pytest.fixture()
def calls(monkeypatch, tmp_path):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path))
    (tmp_path / "run_results.json").write_text("{}")
    monkeypatch.setenv("JIXIAO_DUCKDB_MEMORY", "2GB")
    monkeypatch.delenv("JIXIAO_DUCKDB_RETRY_MEMORY", raising=False)
    monkeypatch.setattr(ops.os, "sysconf", lambda name: {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 6_000_000}[name])
    made: list[list[str]] = []
    failures: list[pipeline.PipelineError] = []

    def fake_run_dbt(at, args, target="prod", progress=None, env=None):
        made.append([*args, *(f"{k}={v}" for k, v in (env or {}).items())])
        if failures:
            raise failures.pop(0)

    monkeypatch.setattr(pipeline, "run_dbt", fake_run_dbt)
    return made, failures


def test_a_pass_out_of_memory_is_retried_from_its_failed_models(calls, tmp_path):
    made, failures = calls
    failures.append(pipeline.PipelineError("dbt build failed: 278 of 368 ERROR", out_of_memory=True))
    pipeline.build_pass(tmp_path / "jixiao.duckdb", ["build", "--threads", "1"], "prod", None)
    # the retry has twice the limit: a 24 GB machine has room for it
    assert made == [["build", "--threads", "1"], ["retry", "JIXIAO_DUCKDB_MEMORY=4000MB"]]
    assert (tmp_path / "run_results_before_retry.json").exists()  # the failed pass's record is kept


def test_another_failure_is_not_retried(calls, tmp_path):
    made, failures = calls
    failures.append(pipeline.PipelineError("dbt build failed: 1 of 3 FAIL not_null"))
    with pytest.raises(pipeline.PipelineError, match="not_null"):
        pipeline.build_pass(tmp_path / "jixiao.duckdb", ["build"], "prod", None)
    assert made == [["build"]]


def test_a_retry_that_runs_out_again_fails_the_night(calls, tmp_path):
    made, failures = calls
    failures += [pipeline.PipelineError("first", out_of_memory=True), pipeline.PipelineError("again", out_of_memory=True)]
    with pytest.raises(pipeline.PipelineError, match="again"):
        pipeline.build_pass(tmp_path / "jixiao.duckdb", ["build"], "prod", None)
    assert made == [["build"], ["retry", "JIXIAO_DUCKDB_MEMORY=4000MB"]]


def test_the_retry_memory_is_set_or_doubled_within_half_the_machine(monkeypatch):
    monkeypatch.delenv("JIXIAO_DUCKDB_RETRY_MEMORY", raising=False)
    gb = 1_000_000_000
    monkeypatch.setattr(ops.os, "sysconf", lambda name: {"SC_PAGE_SIZE": 1, "SC_PHYS_PAGES": 10 * gb}[name])
    assert ops.retry_memory(2 * gb) == "4000MB"
    assert ops.retry_memory(4 * gb) == "5000MB"  # half of a 10 GB machine
    assert ops.retry_memory(6 * gb) is None  # no room above the limit: the retry keeps it
    assert ops.retry_memory(None) is None  # a limit that is not a size
    monkeypatch.setenv("JIXIAO_DUCKDB_RETRY_MEMORY", "3GB")
    assert ops.retry_memory(2 * gb) == "3GB"

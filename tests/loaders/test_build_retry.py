"""A dbt pass that runs out of DuckDB's memory is retried once, from its failed models, in a new dbt process;
any other failure, or a second one, fails the night."""

from __future__ import annotations

import pytest

from loaders import pipeline


@pytest.fixture()
def calls(monkeypatch, tmp_path):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path))
    (tmp_path / "run_results.json").write_text("{}")
    made: list[list[str]] = []
    failures: list[pipeline.PipelineError] = []

    def fake_run_dbt(at, args, target="prod", progress=None):
        made.append(args)
        if failures:
            raise failures.pop(0)

    monkeypatch.setattr(pipeline, "run_dbt", fake_run_dbt)
    return made, failures


def test_a_pass_out_of_memory_is_retried_from_its_failed_models(calls, tmp_path):
    made, failures = calls
    failures.append(pipeline.PipelineError("dbt build failed: 278 of 368 ERROR", out_of_memory=True))
    pipeline.build_pass(tmp_path / "jixiao.duckdb", ["build", "--threads", "1"], "prod", None)
    assert made == [["build", "--threads", "1"], ["retry"]]
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
    assert made == [["build"], ["retry"]]

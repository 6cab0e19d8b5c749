"""`jixiao report`: the mismatches as a table with their lines, and the per-document scorecard."""

from __future__ import annotations

from typer.testing import CliRunner

from loaders.cli import app

runner = CliRunner()


def test_report_lists_mismatches_with_lines_and_scorecard(built_warehouse):
    result = runner.invoke(app, ["report", "--warehouse", str(built_warehouse)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "21290.88" in out and "21029.88" in out and "L1380 ← L1381" in out  # 004 市雪亮工程（三期）
    assert "4532.05" in out and "49.81" in out  # 003 年度资金总额
    assert "funding_by_type" not in out  # 001's rounding difference is listed only with --all
    assert "scorecard per document" in out and "003_60e8eccaaf7fbdaa.txt" in out


def test_report_all_includes_rounding(built_warehouse):
    result = runner.invoke(
        app, ["report", "--all", "--document", "001", "--warehouse", str(built_warehouse)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "funding_by_type" in result.output and "1593.88" in result.output and "0.01" in result.output


def test_report_without_warehouse_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["report", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "warehouse not found" in result.output

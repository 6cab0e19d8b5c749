"""`jixiao export` (CSV with BOM, .xlsx, Chinese headers) and `jixiao report --format csv|json`, as a script or
an analyst runs them: the real command in a child process, its output read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from loaders import export

JIXIAO = Path(sys.executable).with_name("jixiao")


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(JIXIAO), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def funding(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        n, total = con.execute("select count(*), sum(amount_wan) from fct_funding").fetchone()
        sql = "select item_label_printed from fct_funding where item_label_printed is not null"
        labels = {r[0] for r in con.execute(sql).fetchall()}
    finally:
        con.close()
    return n, total, labels


def test_csv_has_a_bom_and_every_row(built_warehouse, tmp_path, funding):
    out = tmp_path / "funding.csv"
    done = jixiao("export", "fct_funding", "-o", str(out), "--warehouse", str(built_warehouse))
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    back = pl.read_csv(out, infer_schema=False)
    n, total, labels = funding
    assert back.height == n
    assert set(back["item_label_printed"].drop_nulls()) == labels  # Chinese text as printed
    assert sum(float(x) for x in back["amount_wan"].drop_nulls()) == pytest.approx(float(total))


def test_xlsx_with_chinese_headers(built_warehouse, tmp_path, funding):
    out = tmp_path / "funding.xlsx"
    done = jixiao("export", "fct_funding", "-o", str(out), "--zh", "--warehouse", str(built_warehouse))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(out, read_only=True)["fct_funding"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    n, total, _ = funding
    assert len(body) == n
    assert "amount_wan" not in header and "fiscal_year" not in header  # both have a Chinese description
    amount = header.index("金额（万元）")
    assert sum(r[amount] or 0 for r in body) == pytest.approx(float(total))  # numbers, not text


def test_a_query_with_nested_columns(built_warehouse, tmp_path):
    out = tmp_path / "findings.csv"
    sql = "select file_name, rule_id, parts, difference from dq_reconciliation where status = 'mismatch'"
    done = jixiao("export", sql, "-o", str(out), "--warehouse", str(built_warehouse))
    assert done.returncode == 0, done.stderr
    back = pl.read_csv(out, infer_schema=False)
    assert back.height > 0 and back.columns == ["file_name", "rule_id", "parts", "difference"]
    parts = json.loads(back["parts"][0])  # a list of parts, kept as JSON text with its Chinese labels
    assert isinstance(parts, list) and parts and "label" in parts[0]


@pytest.mark.parametrize(
    "source,message", [("no_such_mart", "no table or view called no_such_mart"), ("select nope from x", "the query failed")]
)
def test_a_bad_source_is_one_line(built_warehouse, tmp_path, source, message):
    done = jixiao("export", source, "-o", str(tmp_path / "x.csv"), "--warehouse", str(built_warehouse))
    assert done.returncode == 2 and message in done.stderr
    assert not (tmp_path / "x.csv").exists()


def test_chinese_name_is_the_first_sentence():
    assert export.chinese_name("不符的检查数。Mismatches.") == "不符的检查数"
    assert export.chinese_name("目标值缺失的指标数（fct_indicator.target_parse_status）。Indicators.") == "目标值缺失的指标数"
    assert export.chinese_name("金额（万元，DECIMAL）。Amount in 万元.") == "金额（万元）"
    assert export.chinese_name("年度：金额印刷的年份，否则为文档标题中的年份。Fiscal year.") == "年度"
    assert export.chinese_name("Document key.") is None
    assert export.chinese_name(None) is None


def test_report_as_json_and_csv(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        mismatches = con.execute("select count(*) from dq_reconciliation where status = 'mismatch'").fetchone()[0]
        documents = con.execute("select count(*) from dq_scorecard_document").fetchone()[0]
    finally:
        con.close()
    done = jixiao("report", "--format", "json", "--warehouse", str(built_warehouse))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert len(report["findings"]) == mismatches and len(report["scorecard"]) == documents
    assert {"document", "rule", "difference", "lines"} <= set(report["findings"][0])
    done = jixiao("report", "--format", "csv", "--warehouse", str(built_warehouse))
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == mismatches and rows[0]["document"] == report["findings"][0]["document"]
    done = jixiao("report", "--format", "csv", "--scorecard", "--warehouse", str(built_warehouse))
    assert len(list(csv.DictReader(io.StringIO(done.stdout)))) == documents


def test_report_piped_into_a_log_is_not_truncated(built_warehouse):
    done = jixiao("report", "--warehouse", str(built_warehouse))  # stdout is a pipe, as in cron
    assert done.returncode == 0, done.stderr
    report = json.loads(jixiao("report", "--format", "json", "--warehouse", str(built_warehouse)).stdout)
    assert "…" not in done.stdout
    for finding in report["findings"]:
        assert finding["document"] in done.stdout and finding["lines"] in done.stdout

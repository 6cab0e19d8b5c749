"""The dashboard in a real browser: `jixiao dashboard` serves the samples' warehouse, headless Chromium (Debian's
package, driven through its chromedriver) loads each page, the figures it shows are compared with the marts',
and a screenshot of each page is kept in tests/artifacts/dashboard/ (git-ignored) for a person to look at.

Skipped, with the install hint, where chromium is missing (`make setup` installs it where apt-get can).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "dashboard"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium not installed (apt-get install chromium chromium-driver fonts-wqy-zenhei)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(built_warehouse):
    port = _free_port()
    jixiao = Path(sys.executable).with_name("jixiao")
    proc = subprocess.Popen(
        [str(jixiao), "dashboard", "--warehouse", str(built_warehouse), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # bounded: up to a minute for Streamlit to start
            if proc.poll() is not None:
                pytest.fail(f"jixiao dashboard exited: {proc.stdout.read()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("jixiao dashboard did not answer within a minute")
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1500,1100", "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def load(browser, url: str, name: str, ready: str = '[data-testid="stMetricValue"]') -> dict[str, str]:
    """Open a page, wait until it has rendered ``ready`` (or failed), save its screenshot; return its metrics."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ready) or d.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    )
    time.sleep(1)  # let the rest of the script's output (tables, charts) render for the screenshot
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]
    assert not errors, errors
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{name}.png"))
    metrics = {}
    for m in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
        label = m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text.strip()
        metrics[label] = m.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text.strip()
    return metrics


def marts(path: Path, sql: str):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


def test_funding_page_shows_the_leaf_total(browser, dashboard_url, built_warehouse):
    (has_leaf_mart,) = marts(built_warehouse, "select count(*) > 0 from duckdb_tables() where table_name = 'fct_funding_leaf'")
    total, n = marts(
        built_warehouse,
        "select sum(amount_wan), count(*) from fct_funding_leaf where amount_wan is not null"
        if has_leaf_mart
        else """
        select sum(amount_wan), count(*) from fct_funding f
        where amount_wan is not null
            and funding_key not in (select parent_funding_key from fct_funding where parent_funding_key is not null)
        """,
    )
    shown = load(browser, f"{dashboard_url}/", "funding")
    assert shown["叶子金额合计 Leaf total (万元)"] == f"{float(total):,.2f}"
    assert shown["金额条数 Amounts"] == str(n)
    assert (ARTIFACTS / "funding.png").stat().st_size > 0


def test_indicators_page_counts_the_indicators(browser, dashboard_url, built_warehouse):
    n, met = marts(
        built_warehouse,
        """
        select count(*), count(*) filter (a.actual_status = 'met' and a.status_by_score is distinct from 'partial')
        from fct_indicator i left join fct_indicator_actual a using (indicator_key)
        """,
    )
    shown = load(browser, f"{dashboard_url}/indicators", "indicators")
    assert shown["指标数 Indicators"] == str(n)
    assert shown["已达成 Met"] == str(met)


def test_reconciliation_page_ranks_the_findings(browser, dashboard_url, built_warehouse):
    from selenium.webdriver.common.by import By

    mismatches, rounding = marts(
        built_warehouse,
        "select count(*) filter (status = 'mismatch'), count(*) filter (status = 'rounding') from dq_reconciliation",
    )
    largest = marts(
        built_warehouse,
        """
        select file_name, total_line, difference from dq_reconciliation
        where status <> 'ok' order by abs(difference) desc nulls last limit 1
        """,
    )
    shown = load(browser, f"{dashboard_url}/reconciliation", "reconciliation")
    assert mismatches > 0
    assert shown["不符 Mismatches"] == str(mismatches)
    assert shown["舍入 Rounding"] == str(rounding)
    first = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stExpander"] summary')[0].text
    assert f"{largest[0]} L{largest[1]}" in first and f"{float(largest[2]):,.2f}" in first


def test_document_page_shows_a_form_beside_its_source_lines(browser, dashboard_url, built_warehouse):
    from selenium.webdriver.common.by import By

    document_id, line, seq, start, end = marts(
        built_warehouse,
        """
        select f.document_id, f.line_start + 1, f.form_seq, f.line_start, f.line_end
        from landing.forms f join dim_document d using (document_id)
        where f.line_end > f.line_start order by d.file_name, f.form_seq desc limit 1
        """,
    )
    load(browser, f"{dashboard_url}/document?document={document_id}&line={line}", "document", ready='[data-testid="stDataFrame"]')
    headings = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "h3")]
    assert any("原文 Source lines" in h for h in headings) and any("表单 Form" in h for h in headings)
    # a select box shows its choice as text or as its input's value, depending on the Streamlit version
    chosen = [
        " ".join(
            [
                e.get_attribute("textContent") or "",
                *(i.get_attribute("value") or "" for i in e.find_elements(By.CSS_SELECTOR, "input")),
            ]
        )
        for e in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stSelectbox"]')
    ]
    assert any(f"#{seq} " in c and f"(L{start}–{end})" in c for c in chosen), chosen

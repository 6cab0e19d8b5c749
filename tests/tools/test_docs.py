"""`jixiao docs`: dbt's documentation site beside the warehouse, one self-contained page that opens offline
(file://, no network) with the bilingual descriptions; the published file is not opened for writing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "docs"


@pytest.fixture(scope="module")
def site(built_warehouse, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("docs") / "jixiao.duckdb"
    shutil.copyfile(built_warehouse, warehouse)
    before = warehouse.stat().st_mtime_ns
    done = subprocess.run(
        [str(Path(sys.executable).with_name("jixiao")), "docs", "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert warehouse.stat().st_mtime_ns == before  # dbt read a copy
    assert not list(warehouse.parent.glob(".jixiao-*"))  # its temporary folder is gone
    return warehouse.parent / "dbt_docs"


def test_site_is_self_contained(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert "fct_funding" in page
    assert "<script src=" not in page.replace('<script src="data:', "")  # nothing fetched from elsewhere
    assert (site / "manifest.json").exists() and (site / "catalog.json").exists()


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")), reason="chromium not installed")
def test_site_renders_offline_in_a_browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(f"file://{site / 'index.html'}#!/model/model.jixiao.fct_funding")
        WebDriverWait(driver, 60).until(lambda d: "资金事实" in d.find_element("tag name", "body").text)
        time.sleep(0.5)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "fct_funding.png"))
        body = driver.find_element("tag name", "body").text
        assert "fct_funding" in body and "Funding fact" in body  # the Chinese and English description
    finally:
        driver.quit()

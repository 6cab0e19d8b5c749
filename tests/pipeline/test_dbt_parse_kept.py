"""dbt keeps its parse of the project from one warehouse to another of the same name: its profile names the file
relative to the warehouse's folder (pipeline.run_dbt), so a new warehouse's first night, and a test's own
warehouse, do not make dbt parse the whole project again."""

from __future__ import annotations

import duckdb

from loaders import pipeline


def _parse(at, logs, monkeypatch) -> str:
    monkeypatch.setenv("DBT_LOG_PATH", str(logs))
    pipeline.run_dbt(at, ["parse"])
    return (logs / "dbt.log").read_text(encoding="utf-8", errors="replace")


def test_a_second_warehouse_of_one_name_keeps_dbts_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))  # one target folder, as on one machine
    links = []
    for night in ("one", "two"):
        # the link folder a night builds through, beside a warehouse of its own
        link = tmp_path / night / ".jixiao.duckdb.dbt" / "jixiao.duckdb"
        link.parent.mkdir(parents=True)
        duckdb.connect(str(link)).close()
        links.append(link)
    first = _parse(links[0], tmp_path / "logs-one", monkeypatch)
    second = _parse(links[1], tmp_path / "logs-two", monkeypatch)
    assert "Unable to do partial parsing" in first  # nothing parsed before it
    assert "Unable to do partial parsing" not in second, second[-2000:]
    assert "skipping partial parsing" in second
    # nothing is written beside either warehouse: the link's folder holds the database dbt opened, no more
    for link in links:
        assert sorted(p.name for p in link.parent.parent.iterdir()) == [".jixiao.duckdb.dbt"]

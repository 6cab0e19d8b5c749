"""The README's SQL examples run on the samples' warehouse as written (a README that cannot be followed is a bug)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

README = Path(__file__).resolve().parents[2] / "README.md"


def statements() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    out = []
    for block in blocks:
        sql = "\n".join(line for line in block.splitlines() if not line.strip().startswith("--"))
        out += [s.strip() for s in sql.split(";") if s.strip()]
    return out


def test_readme_has_sql_examples():
    found = statements()
    assert len(found) >= 5
    assert not any("line_text" in s for s in found)  # landing.source_lines has `text`


def test_every_readme_example_runs(built_warehouse):
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        results = {sql: con.execute(sql).fetchall() for sql in statements()}
    finally:
        con.close()
    # the examples that read marts return rows on the samples (the ops history may be short: it is one night)
    assert sum(1 for rows in results.values() if rows) >= len(results) - 2
    source = next(rows for sql, rows in results.items() if "landing.source_lines" in sql)
    assert [n for n, _ in source] == [52, 53, 54]  # the source line behind a value, with its text
    assert all(text is not None for _, text in source)

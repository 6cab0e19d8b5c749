"""A warehouse landed by an earlier version (fewer landing columns) takes a newer parser's rows.

New landing columns are added at the end of the existing tables, so rows are written by column name,
never by position: otherwise every column after the new ones would shift (line numbers holding text).
"""

from __future__ import annotations

import datetime as dt

import duckdb

from loaders.extract import parse_document
from loaders.landing import SCHEMAS, FileMeta, create_schema, rows_for, write_document
from loaders.readers.text import read_text

FORM = (
    "\t".join(["一级指标", "二级指标", "三级指标", "指标值"]) + "\n" + "\t".join(["产出指标", "数量指标", "养护里程", "≥120公里"])
)
TEXT = f"项目名称\t乡村道路养护\n主管部门\t某县交通运输局\n{FORM}\n"


def test_rows_land_by_name_in_an_older_landing_schema(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema landing")
    old = [f for f in SCHEMAS["indicators"] if f.name not in ("level1_key", "level2_key")]
    con.execute(f"create table landing.indicators ({', '.join(f'{f.name} varchar' for f in old)})")
    create_schema(con)  # the upgrade: the missing columns are added at the end
    meta = FileMeta("d1", "a.txt", "a.txt", len(TEXT.encode()), "text")
    write_document(con, rows_for(meta, parse_document(read_text(TEXT.encode())), dt.datetime.now(dt.UTC)))
    row = con.execute("select level3, target_text, line_start, level1_key, level2_key from landing.indicators").fetchone()
    assert row == ("养护里程", "≥120公里", "4", "output", "quantity")

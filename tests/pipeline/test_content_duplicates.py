"""The same document in two formats is one document: a copy whose bytes differ but whose extracted forms and amounts
are the same is recorded as a duplicate of the first loaded and counted once."""

from __future__ import annotations

import shutil

import duckdb

from loaders import pipeline
from tests.conftest import sample


def test_a_second_rendition_is_a_duplicate_counted_once(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    original = sample("002")
    shutil.copy(original, docs / original.name)
    # the same report exported again: Windows line endings and trailing spaces, so other bytes and another sha256
    text = original.read_text(encoding="utf-8")
    (docs / "zz_002_reexported.txt").write_bytes("\r\n".join(line + " " for line in text.split("\n")).encode("utf-8"))
    single = tmp_path / "single" / "jixiao.duckdb"
    single.parent.mkdir()
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(original, only / original.name)
    pipeline.run(only, single, target="test")
    both = tmp_path / "both" / "jixiao.duckdb"
    both.parent.mkdir()
    pipeline.run(docs, both, target="test")

    def figures(path):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return {
                "projects": con.execute("select count(*) from dim_project where not is_member").fetchone()[0],
                "funding": con.execute("select count(*), sum(amount_wan) from fct_funding").fetchone(),
                "leaf": con.execute("select sum(amount_wan) from fct_funding_leaf").fetchone()[0],
                "indicators": con.execute("select count(*) from fct_indicator").fetchone()[0],
                "statuses": con.execute(
                    "select file_name, content_status, duplicate_of_document_key is not null from dim_document order by 1"
                ).fetchall(),
            }
        finally:
            con.close()

    one, two = figures(single), figures(both)
    assert two["statuses"] == [(original.name, "original", False), ("zz_002_reexported.txt", "duplicate", True)]
    for key in ("projects", "funding", "leaf", "indicators"):
        assert two[key] == one[key], key
    assert one["projects"] == 6

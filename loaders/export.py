"""`jixiao export`: a mart, a view or a query of the published warehouse to a file an analyst opens in Excel.

polars does the work: DuckDB hands the result over as Arrow (no row-by-row conversion), polars writes CSV in
UTF-8 *with* a byte-order mark (Excel reads a BOM-less UTF-8 CSV as the local code page and garbles Chinese)
and .xlsx through xlsxwriter. Headers are the column names, or their Chinese names (the first sentence of the
column's comment, which dbt persists from the bilingual descriptions) with ``headers="zh"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

FORMATS = ("csv", "xlsx")
_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_UNITS = {"万元", "元", "亿元", "%", "％"}


class ExportError(Exception):
    """The source or the output cannot be used; the message says why in one line."""


def is_relation(source: str) -> bool:
    """``fct_funding`` or ``landing.documents`` names a table or view; anything else is a query."""
    return bool(_RELATION.match(source.strip()))


def read(path: Path, source: str) -> pl.DataFrame:
    """The rows of a relation or a query, read from ``path`` read-only."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        if is_relation(source):
            schema, _, name = source.strip().rpartition(".")
            exists = con.execute(
                "select count(*) from duckdb_tables() where table_name = $n and ($s = '' or schema_name = $s)"
                " union all select count(*) from duckdb_views() where view_name = $n and ($s = '' or schema_name = $s)",
                {"n": name, "s": schema},
            ).fetchall()
            if not any(n for (n,) in exists):
                raise ExportError(f"no table or view called {source} in {path.name} (export takes a mart, a view or a query)")
            sql = f'select * from {f"{chr(34)}{schema}{chr(34)}." if schema else ""}"{name}"'
        else:
            sql = source
        try:
            return con.sql(sql).pl()
        except duckdb.Error as exc:
            raise ExportError(f"the query failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()


def chinese_name(comment: str | None) -> str | None:
    """The Chinese name in a bilingual column description: its first clause, a unit kept, notes dropped.
    ``金额（万元，DECIMAL）。Amount in 万元`` → ``金额（万元）``; ``年度：金额印刷的年份…`` → ``年度``;
    None when the description has no Chinese."""
    if not comment or not _CJK.search(comment):
        return None
    head = re.split(r"[。；;\n]", comment.strip(), maxsplit=1)[0]
    head = re.split(r"[：:]", head, maxsplit=1)[0]

    def unit_only(m: re.Match) -> str:
        first = re.split(r"[，,、 ]", m[1].strip(), maxsplit=1)[0]
        return f"（{first}）" if first in _UNITS else ""

    head = re.sub(r"[（(]([^）)]*)[）)]", unit_only, head).strip(" ，,")
    return head if _CJK.search(head) and len(head) <= 40 else None


def chinese_headers(path: Path, source: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Rename the columns of a relation's frame to their Chinese names where the warehouse has one."""
    if not is_relation(source):
        return frame
    schema, _, name = source.strip().rpartition(".")
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select column_name, comment from duckdb_columns() where table_name = $n and ($s = '' or schema_name = $s)",
            {"n": name, "s": schema},
        ).fetchall()
    finally:
        con.close()
    names: dict[str, str] = {}
    taken = set(frame.columns)
    for column, comment in rows:
        zh = chinese_name(comment)
        if column in frame.columns and zh and zh not in taken:
            names[column] = zh
            taken.add(zh)
    return frame.rename(names)


def flatten(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists and structs (a finding's parts) become JSON text: neither CSV nor a spreadsheet cell holds them."""
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    return frame.with_columns(pl.col(c).map_elements(_json, return_dtype=pl.String) for c in nested) if nested else frame


def _json(value) -> str:
    import json

    return json.dumps(value.to_list() if isinstance(value, pl.Series) else value, ensure_ascii=False, default=str)


def write(frame: pl.DataFrame, output: Path, fmt: str, sheet: str = "data") -> Path:
    """Write ``frame`` as CSV (UTF-8 with BOM) or .xlsx; return the path written."""
    frame = flatten(frame)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.write_csv(output, include_bom=True)
    elif fmt == "xlsx":
        # decimals as numbers Excel can sum; a header row frozen and columns sized to their text
        frame = frame.with_columns(pl.col(c).cast(pl.Float64) for c, t in frame.schema.items() if t == pl.Decimal)
        frame.write_excel(output, worksheet=sheet[:31], autofit=True, freeze_panes=(1, 0))
    else:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return output


def export(path: Path, source: str, output: Path, fmt: str | None = None, headers: str = "names") -> tuple[Path, int]:
    """Export a relation or query of the warehouse at ``path``; return the file written and its row count."""
    fmt = (fmt or output.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)} (or an output ending .csv / .xlsx)")
    frame = read(path, source)
    if headers == "zh":
        frame = chinese_headers(path, source, frame)
    sheet = source.strip().rpartition(".")[2] if is_relation(source) else "query"
    return write(frame, output, fmt, sheet), frame.height

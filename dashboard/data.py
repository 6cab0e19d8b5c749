"""Read-only access to the published warehouse for the dashboard (and its tests).

Every query opens the published file read-only, runs, and closes it again. The nightly job publishes by
renaming a new file onto the path, so a query either reads yesterday's file whole (its open handle keeps the
old inode) or the new one whole — never a half-written warehouse — and the dashboard never blocks the
publish. Results are cached per file version: the cache key carries the file's inode and modification time,
so the first request after a publish reads the new warehouse.

Frames come out of DuckDB as Arrow into polars (no row-by-row conversion); Streamlit shows polars frames.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

DEFAULT_WAREHOUSE = Path(__file__).resolve().parent.parent / "warehouse" / "jixiao.duckdb"


def warehouse_path() -> Path:
    """JIXIAO_WAREHOUSE, else the default published path (as `jixiao run` publishes it)."""
    env = os.environ.get("JIXIAO_WAREHOUSE")
    return Path(env).expanduser().resolve() if env and env.strip() else DEFAULT_WAREHOUSE


def version(path: Path) -> tuple[int, int]:
    """Changes with every publish (a rename brings a new inode)."""
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def query(path: Path, sql: str, params: list | dict | None = None) -> pl.DataFrame:
    """Run one query on a fresh read-only connection; closed before returning."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        # a relation hands its Arrow stream to polars without the extra copy a DB-API result makes
        return con.sql(sql, params=params or None).pl()
    finally:
        con.close()


@dataclass
class Scope:
    """The sidebar's filters: fiscal years, regions (names), departments (names). Empty means all."""

    years: list[int] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)

    def params(self) -> dict:
        """Parameters of a query that filters by document and department."""
        return {**self.document_params(), "departments": list(self.departments)}

    def document_params(self) -> dict:
        """Parameters of a query that filters by document only (SCOPED_DOCUMENTS)."""
        return {"years": [int(y) for y in self.years], "regions": list(self.regions)}


# The documents in scope, as a CTE every page starts from.
SCOPED_DOCUMENTS = """
scoped_documents as (
    select d.document_key, d.document_id, d.file_name, d.title, d.fiscal_year, r.region_name
    from dim_document as d
    left join dim_region as r on r.region_key = d.region_key
    where (len($years) = 0 or list_contains($years, d.fiscal_year))
        and (len($regions) = 0 or list_contains($regions, r.region_name))
)"""

# Department filter on a fact with department_key (alias f).
DEPARTMENT_FILTER = """(len($departments) = 0 or f.department_key in (
    select department_key from dim_department where list_contains($departments, department_name)))"""

# Safe sums. `fct_funding_leaf`, where the warehouse has it, holds the amounts that are counted once (the parts
# of a total when they add up to it, else the total; one form per project, stage and year). A warehouse built
# before that mart falls back to the structural leaves: amounts no other amount is printed as part of (a total
# and its 其中 parts never both). Rates (a share without an amount) are not money either way.
LEAF_MART = "fct_funding_leaf"
_STRUCTURAL_LEAVES = """
    select f.*, null::varchar as subject_type
    from fct_funding as f
    where f.amount_wan is not null
        and not exists (select 1 from fct_funding as c where c.parent_funding_key = f.funding_key)"""


def leaf_funding(has_leaf_mart: bool) -> str:
    """The funding rows safe to add up, with their region, year, department, direction, stage and subject."""
    leaves = f"select * from {LEAF_MART}" if has_leaf_mart else _STRUCTURAL_LEAVES
    return f"""
with {SCOPED_DOCUMENTS.strip()},
candidate as ({leaves}),
leaves as (
    select f.*
    from candidate as f
    where f.amount_wan is not null
        and f.document_key in (select document_key from scoped_documents)
        and {DEPARTMENT_FILTER}
)
select
    coalesce(l.fiscal_year, sd.fiscal_year) as 年度,
    coalesce(sd.region_name, '未知') as 地区,
    coalesce(dep.department_name, '未知') as 部门,
    coalesce(sdir.direction_name, '未知') as 支出方向,
    coalesce(l.stage_key, '未注明') as 阶段,
    case l.subject_type when 'project' then '项目 project' when 'department' then '部门整体 department' else '—' end
        as 主体,
    l.amount_wan as 金额_万元
from leaves as l
inner join scoped_documents as sd on sd.document_key = l.document_key
left join dim_department as dep on dep.department_key = l.department_key
left join dim_spending_direction as sdir on sdir.spending_direction_key = l.spending_direction_key
"""


HAS_LEAF_MART = f"select count(*) > 0 as yes from duckdb_tables() where table_name = '{LEAF_MART}'"


# One row per indicator with its achievement: the mart's actual_status (met / not_met / not_available /
# unparseable); 'partly' when the score is below the weight (status_by_score = 'partial'); 'no_actual'
# when no actual value was reported (a target form).
INDICATORS = f"""
with {SCOPED_DOCUMENTS.strip()}
select
    coalesce(dep.department_name, '未知') as 部门,
    i.level1_name as 一级指标,
    i.level2_name as 二级指标,
    i.level3_name as 三级指标,
    i.target_text as 指标值,
    a.actual_text as 实际完成值,
    a.score as 得分,
    a.weight as 分值,
    case
        when a.indicator_key is null then 'no_actual'
        when a.status_by_score = 'partial' then 'partly'
        else a.actual_status
    end as achievement,
    sd.file_name as 文档,
    i.line_start as 行
from fct_indicator as i
inner join scoped_documents as sd on sd.document_key = i.document_key
left join fct_indicator_actual as a on a.indicator_key = i.indicator_key
left join dim_department as dep on dep.department_key = i.department_key
where {DEPARTMENT_FILTER.replace("f.department_key", "i.department_key")}
order by sd.file_name, i.line_start
"""

ACHIEVEMENT_LABELS = {
    "met": "已达成 met",
    "partly": "部分达成 partly",
    "not_met": "未达成 not met",
    "not_available": "无实际值 n/a",
    "unparseable": "无法解析 unparseable",
    "no_actual": "未报告 no actual",
}

# Findings (every check that is not ok), largest difference first.
FINDINGS = f"""
with {SCOPED_DOCUMENTS.strip()}
select
    q.check_key, q.status, q.rule_id, q.file_name, q.document_id, q.entity_name, q.total_label, q.total_text,
    q.total_value, q.total_line, q.computed_value, q.difference, q.parts, q.part_lines, q.message_zh, q.message_en
from dq_reconciliation as q
where q.status <> 'ok' and q.document_id in (select document_id from scoped_documents)
order by abs(q.difference) desc nulls last, q.file_name, q.total_line
"""


def source_lines(path: Path, document_id: str, lines: list[int], around: int = 0) -> pl.DataFrame:
    """The printed lines of a document (each line ± ``around``), as read."""
    return query(
        path,
        """
        select line_no as 行, text as 原文
        from landing.source_lines
        where document_id = $doc and list_contains($wanted, line_no)
        order by line_no
        """,
        {"doc": document_id, "wanted": sorted({n + k for n in lines for k in range(-around, around + 1)})},
    )

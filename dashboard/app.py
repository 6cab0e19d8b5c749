"""绩效 jixiao dashboard — Streamlit, read-only on the published warehouse (`./jixiao dashboard`).

Pages: 资金 funding, 指标 indicators, 对账 reconciliation findings, 文档 a document's form beside its source
lines. The sidebar filters (year, region, department) apply to every page. Each query opens the published
file read-only and closes it (see dashboard/data.py), so the nightly publish (a rename) never waits for it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import streamlit as st

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project: make `dashboard` importable
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard import data  # noqa: E402

st.set_page_config(page_title="绩效 jixiao", layout="wide")

WAREHOUSE = data.warehouse_path()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(sql: str, params: tuple, stamp: tuple[int, int]) -> pl.DataFrame:
    return data.query(WAREHOUSE, sql, dict(params))


def q(sql: str, params: dict | None = None) -> pl.DataFrame:
    """A query on the current published file; cached until the next publish changes the file."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (params or {}).items()))
    thawed = tuple((k, list(v) if isinstance(v, tuple) else v) for k, v in frozen)
    return _cached(sql, thawed, data.version(WAREHOUSE))


def wan(x) -> str:
    return "—" if x is None else f"{float(x):,.2f}"


def sidebar() -> data.Scope:
    st.sidebar.caption(f"数据 warehouse: `{WAREHOUSE.name}` (只读 read-only)")
    years = q("select distinct fiscal_year from dim_document where fiscal_year is not null order by 1")["fiscal_year"]
    regions = q("select distinct r.region_name from dim_document d join dim_region r using (region_key) order by 1")[
        "region_name"
    ]
    departments = q("select distinct department_name from dim_department where department_name is not null order by 1")
    return data.Scope(
        years=st.sidebar.multiselect("年度 Year (文档的预算年度 of the document)", years.to_list(), key="years"),
        regions=st.sidebar.multiselect("地区 Region", regions.to_list(), key="regions"),
        departments=st.sidebar.multiselect("部门 Department", departments["department_name"].to_list(), key="departments"),
    )


# --- pages -------------------------------------------------------------------------------------------


def funding_page() -> None:
    st.title("资金 Funding")
    has_leaf_mart = bool(q(data.HAS_LEAF_MART)["yes"][0])
    st.caption(
        "只汇总每笔资金计一次的金额（fct_funding_leaf；旧仓库则为不是其他金额组成部分的叶子金额），避免合计与其中各项重复"
        "计算；请在同一阶段、同一年度内比较，项目与部门整体分开看。金额单位：万元。"
        " Safe sums: each amount of money counted once (fct_funding_leaf, or the structural leaves in an older"
        " warehouse); compare within one stage and year, projects apart from whole departments. In 万元."
    )
    leaves = q(data.leaf_funding(has_leaf_mart), SCOPE.params())
    c1, c2 = st.columns(2)
    stages = sorted(leaves["阶段"].unique().to_list())
    chosen = c1.multiselect("阶段 Stage (预算 / 申请 / 执行数 / 决算 …)", stages, key="stages")
    if chosen:
        leaves = leaves.filter(pl.col("阶段").is_in(chosen))
    subjects = sorted(leaves["主体"].unique().to_list())
    chosen_subjects = c2.multiselect("主体 Subject (项目 / 部门整体)", subjects, key="subjects")
    if chosen_subjects:
        leaves = leaves.filter(pl.col("主体").is_in(chosen_subjects))
    c1, c2 = st.columns(2)
    c1.metric("叶子金额合计 Leaf total (万元)", wan(leaves["金额_万元"].sum() if leaves.height else None))
    c2.metric("金额条数 Amounts", f"{leaves.height}")
    by = st.radio("分组 Group by", ["地区", "年度", "部门", "支出方向"], horizontal=True, key="by")
    grouped = (
        leaves.group_by(by, "阶段")
        .agg(pl.col("金额_万元").sum().cast(pl.Float64).alias("金额_万元"))
        .sort("金额_万元", descending=True)
    )
    if grouped.height:
        st.bar_chart(grouped.with_columns(pl.col(by).cast(pl.String)), x=by, y="金额_万元", color="阶段", horizontal=True)
        pivot = grouped.pivot(on="阶段", index=by, values="金额_万元").fill_null(0)
        st.dataframe(pivot, hide_index=True, width="stretch")
    else:
        st.info("没有符合筛选条件的金额 No amounts in this selection.")


def indicators_page() -> None:
    st.title("指标 Indicators")
    st.caption(
        "绩效指标及其完成情况：已达成 / 部分达成（得分低于分值）/ 未达成 / 未报告实际值。"
        " Indicators and their achievement: met / partly (score below weight) / not met / no actual reported."
    )
    ind = q(data.INDICATORS, SCOPE.params()).with_columns(
        pl.col("achievement").replace_strict(data.ACHIEVEMENT_LABELS, default=pl.col("achievement")).alias("完成情况")
    )
    c1, c2, c3 = st.columns(3)
    c1.metric("指标数 Indicators", f"{ind.height}")
    c2.metric("有实际值 With actual", f"{ind.filter(pl.col('achievement') != 'no_actual').height}")
    c3.metric("已达成 Met", f"{ind.filter(pl.col('achievement') == 'met').height}")
    for by, title in [
        ("部门", "按部门 by department"),
        ("一级指标", "按一级指标 by level 1"),
        ("二级指标", "按二级指标 by level 2"),
    ]:
        st.subheader(title)
        table = ind.group_by(by, "完成情况").len("指标数").pivot(on="完成情况", index=by, values="指标数").fill_null(0)
        st.dataframe(table.sort(by, nulls_last=True), hide_index=True, width="stretch")
    st.subheader("指标明细 All indicators")
    st.dataframe(ind.drop("achievement"), hide_index=True, width="stretch")


def reconciliation_page() -> None:
    st.title("对账 Reconciliation findings")
    st.caption(
        "每个印刷合计与其印刷分项之和对不上的地方，按差额大小排序；点开可见分项与原文行。"
        " Printed totals that do not equal their printed parts, largest difference first; open one for its parts"
        " and source lines. (部门筛选不适用 the department filter does not apply: checks belong to documents.)"
    )
    findings = q(data.FINDINGS, SCOPE.document_params())
    mismatches = findings.filter(pl.col("status") == "mismatch")
    c1, c2, c3 = st.columns(3)
    c1.metric("不符 Mismatches", f"{mismatches.height}")
    c2.metric("舍入 Rounding", f"{findings.filter(pl.col('status') == 'rounding').height}")
    c3.metric("缺项 Incomplete", f"{findings.filter(pl.col('status') == 'incomplete').height}")
    shown = findings.select(
        pl.col("status").alias("状态"),
        pl.col("file_name").alias("文档"),
        pl.col("rule_id").alias("规则"),
        pl.col("total_text").alias("合计（印刷）"),
        pl.col("computed_value").cast(pl.Float64).alias("分项之和"),
        pl.col("difference").cast(pl.Float64).alias("差额"),
        pl.col("total_line").alias("合计行"),
        pl.col("message_zh").alias("说明"),
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    for row in findings.head(30).iter_rows(named=True):
        label = f"{row['status']} · {row['file_name']} L{row['total_line']} · {row['rule_id']} · 差额 {wan(row['difference'])}"
        with st.expander(label):
            st.markdown(f"**合计 Total**: {row['total_label'] or ''} `{row['total_text']}` (L{row['total_line']})")
            st.markdown(f"**分项之和 Parts sum**: {wan(row['computed_value'])} · **差额 Difference**: {wan(row['difference'])}")
            parts = pl.DataFrame(row["parts"] or [], schema_overrides={"amount": pl.Float64}) if row["parts"] else None
            if parts is not None and parts.height:
                st.dataframe(
                    parts.rename(
                        {"label": "分项", "text_printed": "印刷文本", "amount": "金额", "line_no": "行", "sign": "符号"}
                    ),
                    hide_index=True,
                )
            st.caption(row["message_zh"] or "")
            lines = [n for n in [row["total_line"], *(row["part_lines"] or [])] if n is not None]
            st.dataframe(data.source_lines(WAREHOUSE, row["document_id"], lines), hide_index=True, width="stretch")
            st.markdown(
                f"[在文档页查看 Open in the document page](./document?document={row['document_id']}&line={row['total_line']})"
            )


def document_page() -> None:
    st.title("文档 Document")
    docs = q(f"with {data.SCOPED_DOCUMENTS.strip()} select * from scoped_documents order by file_name", SCOPE.document_params())
    if not docs.height:
        st.info("没有符合筛选条件的文档 No document in this selection.")
        return
    ids = docs["document_id"].to_list()
    wanted = st.query_params.get("document")
    index = ids.index(wanted) if wanted in ids else 0
    names = dict(zip(ids, (f"{f} — {t or ''}" for f, t in zip(docs["file_name"], docs["title"], strict=True)), strict=True))
    doc = st.selectbox("文档 Document", ids, index=index, format_func=names.get, key="document")
    forms = q(
        """
        select form_id, form_seq, form_kind, coalesce(subject_name, title, '') as subject, line_start, line_end
        from landing.forms where document_id = $doc order by form_seq
        """,
        {"doc": doc},
    )
    if not forms.height:
        st.info("该文档没有识别出表单 No form was recognised in this document.")
        return
    line = st.query_params.get("line")
    seqs = forms["form_id"].to_list()
    start = next(
        (i for i, r in enumerate(forms.iter_rows(named=True)) if line and r["line_start"] <= int(line) <= r["line_end"]), 0
    )
    labels = {
        r["form_id"]: f"#{r['form_seq']} {r['form_kind']} {r['subject']} (L{r['line_start']}–{r['line_end']})"
        for r in forms.iter_rows(named=True)
    }
    form_id = st.selectbox("表单 Form", seqs, index=start, format_func=labels.get, key="form")
    form = forms.row(seqs.index(form_id), named=True)
    left, right = st.columns(2)
    with left:
        st.subheader("表单 Form (as parsed)")
        fields = q(
            """
            select label_printed as 栏目, value_printed as 内容, line_no as 行
            from landing.form_fields where form_id = $f order by field_seq
            """,
            {"f": form_id},
        )
        st.dataframe(fields, hide_index=True, width="stretch")
        amounts = q(
            """
            select item_label_printed as 项目, text_printed as 印刷文本, value_wan::double as 万元, stage_printed as 阶段,
                line_no as 行
            from landing.amounts where form_id = $f order by amount_seq
            """,
            {"f": form_id},
        )
        st.markdown(f"**金额 Amounts** ({amounts.height})")
        st.dataframe(amounts, hide_index=True, width="stretch")
        indicators = q(
            """
            select level1_printed as 一级, level2_printed as 二级, level3 as 三级, target_text as 指标值,
                actual_text as 实际完成值, line_start as 行
            from landing.indicators where form_id = $f order by indicator_seq
            """,
            {"f": form_id},
        )
        st.markdown(f"**指标 Indicators** ({indicators.height})")
        st.dataframe(indicators, hide_index=True, width="stretch")
    with right:
        st.subheader("原文 Source lines")
        src = q(
            """
            select line_no as 行, text as 原文 from landing.source_lines
            where document_id = $d and line_no between $a and $b order by line_no
            """,
            {"d": doc, "a": form["line_start"], "b": form["line_end"]},
        )
        st.dataframe(src, hide_index=True, width="stretch")


if not WAREHOUSE.exists():
    st.error(f"没有找到已发布的数据仓库 Published warehouse not found: {WAREHOUSE} — run `./jixiao run` first.")
    st.stop()

SCOPE = sidebar()
nav = st.navigation(
    [
        st.Page(funding_page, title="资金 Funding", url_path="funding", default=True),
        st.Page(indicators_page, title="指标 Indicators", url_path="indicators"),
        st.Page(reconciliation_page, title="对账 Reconciliation", url_path="reconciliation"),
        st.Page(document_page, title="文档 Document", url_path="document"),
    ]
)
nav.run()

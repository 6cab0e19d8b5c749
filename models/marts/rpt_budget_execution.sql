-- One row per project (or, for department forms, department), fiscal year and funding item with its
-- 预算 / 调整后 / 执行 / 决算 amounts side by side and the execution rate (执行 ÷ 调整后预算, else ÷ 预算).
-- A stage printed on several lines (a narrative that repeats a table) takes its first printed amount.
with

funding as (
    select * from {{ ref('fct_funding') }}
),

staged as (
    select * from funding
    where
        stage_key is not null
        and amount_wan is not null
        and item_key is not null
        and (project_key is not null or department_key is not null)
),

by_stage as (
    select
        document_key,
        project_key,
        department_key,
        fiscal_year,
        item_key,
        stage_key,
        arg_min(amount_wan, line_no) as amount_wan,
        min(line_no) as line_no,
    from staged
    group by document_key, project_key, department_key, fiscal_year, item_key, stage_key
),

pivoted as (
    select
        document_key,
        project_key,
        department_key,
        fiscal_year,
        item_key,
        -- 预算: the initial budget, else a budget of unstated kind, else the amount applied for
        coalesce(
            max(amount_wan) filter (where stage_key = '年初预算'),
            max(amount_wan) filter (where stage_key = '预算'),
            max(amount_wan) filter (where stage_key = '申请')
        ) as budget_wan,
        max(amount_wan) filter (where stage_key = '全年预算') as adjusted_budget_wan,
        max(amount_wan) filter (where stage_key = '调整') as adjustment_wan,
        max(amount_wan) filter (where stage_key = '执行数') as execution_wan,
        max(amount_wan) filter (where stage_key = '决算') as final_accounts_wan,
        min(line_no) as line_start,
        max(line_no) as line_end,
    from by_stage
    group by document_key, project_key, department_key, fiscal_year, item_key
),

final as (
    select
        {{ surrogate_key(['document_key', 'project_key', 'department_key', 'fiscal_year', 'item_key']) }}
            as budget_execution_key,
        document_key,
        project_key,
        department_key,
        fiscal_year,
        item_key,
        budget_wan,
        adjusted_budget_wan,
        adjustment_wan,
        execution_wan,
        final_accounts_wan,
        line_start,
        line_end,
        case when project_key is not null then 'project' else 'department' end as subject_type,
        cast(
            round(100 * execution_wan / nullif(coalesce(adjusted_budget_wan, budget_wan), 0), 2) as decimal(9, 2)
        ) as execution_rate_pct,
        case
            when execution_wan is null then null
            when adjusted_budget_wan is not null then '全年预算'
            when budget_wan is not null then '预算'
        end as execution_rate_basis,
    from pivoted
)

select * from final

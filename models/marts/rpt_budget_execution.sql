-- One row per item line of a form and fiscal year: the line's 申请 / 年初预算 / 预算 / 全年预算 / 调整 / 执行 / 决算
-- amounts side by side, each with the funding line it comes from, the computed execution rate and the rate the
-- form prints. Every staged amount of fct_funding sits in exactly one row: lines are never collapsed (a label
-- printed again for the same stage starts a new row), and is_countable marks the lines that fct_funding_leaf
-- counts, so totals and their parts are not added together.
-- A document's rows come from its funding lines alone (every window and group is inside one form), so a night builds
-- again only the documents whose lines changed: lines_fingerprint says what they were built from (the model's
-- config, dbt_project.yml). A full refresh gives the same table.
with

funding as (
    select * from {{ ref('fct_funding') }}
),

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
),

amounts as (
    select * from {{ ref('int_amounts_classified') }}
),

-- what a document's rows are made of: its staged funding lines, every column the rows read. A line's form is its
-- amount's and its parent is a line of the same document, so the line's own columns and its parent's key say it all: a
-- key, role or owner that changes changes the fingerprint
fingerprints as (
    select
        document_key,
        {{ rows_fingerprint([
            'amount_id', 'funding_key', 'parent_funding_key', 'project_key', 'department_key', 'spending_direction_key',
            'item_key', 'item_label_printed', 'section', 'fiscal_year', 'stage_key', 'amount_wan', 'is_countable',
            'amount_role', 'form_kind', 'line_no',
        ]) }} as lines_fingerprint,
    from funding
    where {{ is_budget_line() }}
    group by document_key
),

{% if is_incremental() -%}
-- the documents new tonight or whose lines changed (a project's other form came, a line's key or role changed);
-- documents with no line left leave in the post-hook
changed as (
    {{ changed_groups('fingerprints', 'document_key', 'lines_fingerprint') }}
),

{% endif -%}

staged as (
    select
        funding.*,
        amounts.form_id,
        coalesce(parent.item_label_printed, '') as parent_label,
    from funding
    inner join amounts
        on funding.amount_id = amounts.amount_id
    left join funding as parent
        on funding.parent_funding_key = parent.funding_key
    where
        {{ is_budget_line('funding') }}
        and {{ 'funding.document_key in (select changed.document_key from changed)' if is_incremental() else 'true' }}
),

-- the n-th time a label prints a stage in one form is the n-th line of that label
lined as (
    select
        *,
        row_number() over (
            partition by form_id, item_label_printed, parent_label, section, fiscal_year, stage_key
            order by line_no, amount_id
        ) as occurrence,
    from staged
),

-- the rate a form prints beside its funding (执行率 99.11%)
printed_rates as (
    select
        form_id,
        value_printed as execution_rate_printed,
        try_cast(regexp_extract(value_printed, '(\d+(?:\.\d+)?)', 1) as decimal(9, 2)) as execution_rate_printed_pct,
    from form_fields
    where field_key = 'funding_execution_rate'
    qualify row_number() over (partition by form_id order by field_seq) = 1
),

pivoted as (
    select
        form_id,
        item_label_printed,
        parent_label,
        section,
        fiscal_year,
        occurrence,
        min(document_key) as document_key,
        min(project_key) as project_key,
        min(department_key) as department_key,
        min(spending_direction_key) as spending_direction_key,
        min(item_key) as item_key,
        min(form_kind) as form_kind,
        min(amount_role) as amount_role,
        max(amount_wan) filter (where stage_key = '申请') as requested_wan,
        max(amount_wan) filter (where stage_key = '年初预算') as initial_budget_wan,
        max(amount_wan) filter (where stage_key = '预算') as budget_wan,
        max(amount_wan) filter (where stage_key = '全年预算') as adjusted_budget_wan,
        max(amount_wan) filter (where stage_key = '调整') as adjustment_wan,
        max(amount_wan) filter (where stage_key = '执行数') as execution_wan,
        max(amount_wan) filter (where stage_key = '决算') as final_accounts_wan,
        max(funding_key) filter (where stage_key = '申请') as requested_funding_key,
        max(funding_key) filter (where stage_key = '年初预算') as initial_budget_funding_key,
        max(funding_key) filter (where stage_key = '预算') as budget_funding_key,
        max(funding_key) filter (where stage_key = '全年预算') as adjusted_budget_funding_key,
        max(funding_key) filter (where stage_key = '调整') as adjustment_funding_key,
        max(funding_key) filter (where stage_key = '执行数') as execution_funding_key,
        max(funding_key) filter (where stage_key = '决算') as final_accounts_funding_key,
        -- the line is keyed by its amounts' business keys, so a corrected re-issue keeps it
        min(funding_key) as first_funding_key,
        bool_and(is_countable) as is_countable,
        list_sort(list(stage_key) filter (where is_countable)) as counted_stages,
        min(line_no) as line_start,
        max(line_no) as line_end,
    from lined
    group by form_id, item_label_printed, parent_label, section, fiscal_year, occurrence
),

final as (
    select
        {{ surrogate_key(['pivoted.first_funding_key', "'line'"]) }} as budget_execution_key,
        pivoted.document_key,
        pivoted.project_key,
        pivoted.department_key,
        pivoted.spending_direction_key,
        cast(pivoted.fiscal_year as integer) as fiscal_year,
        pivoted.item_key,
        pivoted.item_label_printed,
        nullif(pivoted.parent_label, '') as parent_label_printed,
        pivoted.form_kind,
        pivoted.amount_role,
        pivoted.requested_wan,
        pivoted.initial_budget_wan,
        pivoted.budget_wan,
        pivoted.adjusted_budget_wan,
        pivoted.adjustment_wan,
        pivoted.execution_wan,
        pivoted.final_accounts_wan,
        pivoted.requested_funding_key,
        pivoted.initial_budget_funding_key,
        pivoted.budget_funding_key,
        pivoted.adjusted_budget_funding_key,
        pivoted.adjustment_funding_key,
        pivoted.execution_funding_key,
        pivoted.final_accounts_funding_key,
        pivoted.is_countable,
        pivoted.counted_stages,
        cast(pivoted.line_start as integer) as line_start,
        cast(pivoted.line_end as integer) as line_end,
        case when pivoted.project_key != {{ no_project_key() }} then 'project' else 'department' end as subject_type,
        cast(
            round(
                100 * pivoted.execution_wan / nullif(
                    coalesce(
                        pivoted.adjusted_budget_wan, pivoted.initial_budget_wan, pivoted.budget_wan,
                        pivoted.requested_wan
                    ), 0
                ),
                2
            ) as decimal(9, 2)
        ) as execution_rate_pct,
        case
            when pivoted.execution_wan is null then null
            when pivoted.adjusted_budget_wan is not null then '全年预算'
            when pivoted.initial_budget_wan is not null then '年初预算'
            when pivoted.budget_wan is not null then '预算'
            when pivoted.requested_wan is not null then '申请'
        end as execution_rate_basis,
        printed_rates.execution_rate_printed,
        printed_rates.execution_rate_printed_pct,
        fingerprints.lines_fingerprint,
    from pivoted
    inner join fingerprints
        on pivoted.document_key = fingerprints.document_key
    left join printed_rates
        on
            pivoted.form_id = printed_rates.form_id
            and pivoted.item_key = 'funding_total'
            and pivoted.execution_wan is not null
)

select * from final

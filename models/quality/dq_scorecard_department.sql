-- One row per department of dim_department that has forms: the same counts as dq_scorecard_document over the
-- forms the facts attribute to it, keyed by department_key, least reliable first.
with

form_departments as (
    select * from {{ ref('int_dq_form_departments') }}
),

reconciliation as (
    select * from {{ ref('dq_reconciliation') }}
),

parse_issues as (
    select * from {{ ref('stg_landing__parse_issues') }}
),

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
),

fct_indicator as (
    select * from {{ ref('fct_indicator') }}
),

dim_department as (
    select * from {{ ref('dim_department') }}
),

checks as (
    select
        form_departments.department_key,
        count(*) as checks_run,
        count(*) filter (where reconciliation.status = 'ok') as checks_ok,
        count(*) filter (where reconciliation.status = 'rounding') as checks_rounding,
        count(*) filter (where reconciliation.status = 'mismatch') as checks_mismatch,
        count(*) filter (where reconciliation.status = 'incomplete') as checks_incomplete,
    from reconciliation
    inner join form_departments on reconciliation.form_id = form_departments.form_id
    group by form_departments.department_key
),

unplaced as (
    select
        form_departments.department_key,
        count(distinct parse_issues.document_id || ':' || coalesce(parse_issues.line_no, -parse_issues.issue_seq))
            as unplaced_lines,
    from parse_issues
    inner join form_departments on parse_issues.form_id = form_departments.form_id
    where parse_issues.severity in ('warning', 'error')
    group by form_departments.department_key
),

untyped as (
    select
        form_departments.department_key,
        count(*) as indicators,
        count(*) filter (
            where coalesce(fct_indicator.target_parse_status, 'missing') in ('missing', 'unparseable')
        ) as indicators_untyped,
    from indicators
    inner join form_departments on indicators.form_id = form_departments.form_id
    left join fct_indicator on indicators.indicator_id = fct_indicator.indicator_id
    group by form_departments.department_key
),

departments as (
    select
        form_departments.department_key,
        any_value(dim_department.department_name) as department_name,
        count(distinct form_departments.document_id) as documents,
        count(distinct form_departments.form_id) as forms,
    from form_departments
    left join dim_department on form_departments.department_key = dim_department.department_key
    group by form_departments.department_key
),

joined as (
    select
        departments.department_key,
        departments.department_name,
        departments.documents,
        departments.forms,
        coalesce(checks.checks_run, 0) as checks_run,
        coalesce(checks.checks_ok, 0) as checks_ok,
        coalesce(checks.checks_rounding, 0) as checks_rounding,
        coalesce(checks.checks_mismatch, 0) as checks_mismatch,
        coalesce(checks.checks_incomplete, 0) as checks_incomplete,
        coalesce(unplaced.unplaced_lines, 0) as unplaced_lines,
        coalesce(untyped.indicators, 0) as indicators,
        coalesce(untyped.indicators_untyped, 0) as indicators_untyped,
    from departments
    left join checks on departments.department_key = checks.department_key
    left join unplaced on departments.department_key = unplaced.department_key
    left join untyped on departments.department_key = untyped.department_key
),

final as (
    select
        *,
        round(checks_ok / nullif(checks_run, 0), 4) as ok_ratio,
        row_number() over (
            order by
                checks_mismatch desc,
                checks_incomplete desc,
                unplaced_lines desc,
                indicators_untyped desc,
                checks_rounding desc,
                department_name asc,
                department_key asc
        ) as reliability_rank,
    from joined
)

select * from final

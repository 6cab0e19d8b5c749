-- One row per document: how far its numbers can be trusted — checks run and their outcome, lines the
-- loaders could not place, indicators whose target has no number to type — least reliable first.
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
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

checks as (
    select
        document_id,
        count(*) as checks_run,
        count(*) filter (where status = 'ok') as checks_ok,
        count(*) filter (where status = 'rounding') as checks_rounding,
        count(*) filter (where status = 'mismatch') as checks_mismatch,
        count(*) filter (where status = 'incomplete') as checks_incomplete,
    from reconciliation
    group by document_id
),

unplaced as (
    select
        document_id,
        count(distinct coalesce(line_no, -issue_seq)) as unplaced_lines,
    from parse_issues
    where severity in ('warning', 'error')
    group by document_id
),

-- a target is typed when the marts parsed it (numeric or qualitative); missing and unparseable are not
untyped as (
    select
        indicators.document_id,
        count(*) as indicators,
        count(*) filter (
            where coalesce(fct_indicator.target_parse_status, 'missing') in ('missing', 'unparseable')
        ) as indicators_untyped,
    from indicators
    left join fct_indicator on indicators.indicator_id = fct_indicator.indicator_id
    group by indicators.document_id
),

joined as (
    select
        documents.document_id,
        documents.file_name,
        documents.load_status,
        coalesce(checks.checks_run, 0) as checks_run,
        coalesce(checks.checks_ok, 0) as checks_ok,
        coalesce(checks.checks_rounding, 0) as checks_rounding,
        coalesce(checks.checks_mismatch, 0) as checks_mismatch,
        coalesce(checks.checks_incomplete, 0) as checks_incomplete,
        coalesce(unplaced.unplaced_lines, 0) as unplaced_lines,
        coalesce(untyped.indicators, 0) as indicators,
        coalesce(untyped.indicators_untyped, 0) as indicators_untyped,
    from documents
    left join checks on documents.document_id = checks.document_id
    left join unplaced on documents.document_id = unplaced.document_id
    left join untyped on documents.document_id = untyped.document_id
),

final as (
    select
        *,
        round(checks_ok / nullif(checks_run, 0), 4) as ok_ratio,
        row_number() over (
            order by
                (load_status = 'failed') desc,
                checks_mismatch desc,
                checks_incomplete desc,
                unplaced_lines desc,
                indicators_untyped desc,
                checks_rounding desc,
                file_name asc
        ) as reliability_rank,
    from joined
)

select * from final

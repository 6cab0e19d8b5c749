-- One row per reported actual value (实际完成值) against its indicator, with 分值, 得分, deviation note and
-- the status met / not_met / not_available / unparseable (see int_actuals_assessed for the order of evidence).
with

actuals as (
    select * from {{ ref('int_actuals_assessed') }}
),

indicators as (
    select * from {{ ref('fct_indicator') }}
),

final as (
    select
        {{ surrogate_key(['indicators.indicator_key', "'actual'"]) }} as indicator_actual_key,
        indicators.indicator_key,
        indicators.document_key,
        indicators.project_key,
        indicators.department_key,
        actuals.actual_text,
        actuals.actual_comparator,
        actuals.actual_value,
        actuals.actual_unit,
        actuals.actual_measure_type,
        actuals.actual_parse_status,
        actuals.target_comparator,
        actuals.target_min,
        actuals.target_max,
        actuals.weight,
        actuals.score,
        actuals.deviation_note,
        actuals.status_by_value,
        actuals.status_by_score,
        actuals.actual_status,
        actuals.status_basis,
        coalesce(
            actuals.status_by_value in ('met', 'not_met')
            and actuals.status_by_score in ('met', 'not_met')
            and actuals.status_by_value != actuals.status_by_score,
            false
        ) as is_status_conflict,
        actuals.line_start,
        actuals.line_end,
    from actuals
    inner join indicators
        on actuals.indicator_id = indicators.indicator_id
)

select * from final

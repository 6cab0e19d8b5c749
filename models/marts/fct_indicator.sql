-- One row per performance indicator (三级指标) with its levels mapped to the standard taxonomy and its
-- target typed: comparator, min / max, unit, measure type, beside the target as printed.
with

indicators as (
    select * from {{ ref('int_indicators_levelled') }}
),

targets as (
    select * from {{ ref('int_measures_parsed') }}
    where measure_role = 'target'
),

attributed as (
    select * from {{ ref('int_forms_attributed') }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

final as (
    select
        {{ surrogate_key(['indicators.document_id', 'indicators.form_id', 'indicators.indicator_seq']) }}
            as indicator_key,
        {{ surrogate_key(['indicators.document_id']) }} as document_key,
        attributed.project_key,
        attributed.department_key,
        forms.form_kind,
        indicators.level1_key,
        indicators.level1_name,
        indicators.level1_source,
        indicators.level2_key,
        indicators.level2_name,
        indicators.level1_printed,
        indicators.level2_printed,
        indicators.level3_name,
        indicators.target_text,
        targets.comparator,
        targets.value_min as target_min,
        targets.value_max as target_max,
        targets.unit as target_unit,
        targets.measure_type,
        targets.parse_status as target_parse_status,
        indicators.target_content,
        indicators.scoring_rule,
        indicators.value_type_printed,
        indicators.unit_printed,
        indicators.weight_text,
        try_cast(regexp_extract(indicators.weight_text, '\d+(?:\.\d+)?') as decimal(9, 2)) as weight,
        indicators.actual_text,
        indicators.score_text,
        indicators.line_start,
        indicators.line_end,
        indicators.indicator_id,
    from indicators
    left join targets
        on indicators.indicator_id = targets.indicator_id
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
)

select * from final

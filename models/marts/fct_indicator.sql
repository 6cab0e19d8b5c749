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

-- an indicator is keyed inside its project (department for department forms) by its form kind, its levels and its
-- name (its target where no name is printed) and the how-many-th such row it is: a corrected re-issue keeps its key
identities as (
    select
        indicators.indicator_id,
        indicators.document_id,
        indicators.line_start,
        indicators.indicator_seq,
        {{ surrogate_key([
            "case when attributed.is_department_form then 'department:' || attributed.department_key"
            ~ " else attributed.project_key end",
            'forms.form_kind',
            'indicators.level1_key',
            'indicators.level2_key',
            "coalesce(nullif(" ~ project_name_key('indicators.level3_name') ~ ", ''),"
            ~ " 'target:' || " ~ project_name_key('indicators.target_text') ~ ")",
        ]) }} as identity_key,
    from indicators
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
),

keys as (
    select
        indicator_id,
        {{ surrogate_key([
            'identity_key',
            'row_number() over (partition by identity_key order by document_id, line_start, indicator_seq)',
        ]) }} as indicator_key,
    from identities
),

final as (
    select
        keys.indicator_key,
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
    left join keys
        on indicators.indicator_id = keys.indicator_id
    left join targets
        on indicators.indicator_id = targets.indicator_id
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
)

select * from final

-- One row per performance indicator (三级指标) with its levels mapped to the standard taxonomy and its
-- target typed: comparator, min / max, unit, measure type, beside the target as printed. Its key and its matches
-- (the other form of its project, last year) are int_indicator_keys': here every indicator's printed texts meet
-- one narrow table.
with

{% if is_incremental() -%}
-- a night builds again only the rows that are new or whose keys, matches or owner changed (a new document of the
-- project, last year's indicators arriving); a row's printed texts are its document's and never change under its
-- id. Rows no longer among the keys (their document gone, or now a duplicate) leave in the post-hook.
changed as (
    select
        current_keys.indicator_id,
    from {{ ref('int_indicator_keys') }} as current_keys
    inner join {{ ref('int_indicators_levelled') }} as levelled
        on current_keys.indicator_id = levelled.indicator_id
    left join {{ ref('int_forms_attributed') }} as owners
        on levelled.form_id = owners.form_id
    left join {{ this }} as built
        on current_keys.indicator_id = built.indicator_id
    where
        {{ differs_from_built('indicator_id', [
            ('current_keys', ['indicator_key', 'counterpart_indicator_key', 'planned_target_text',
                'reported_actual_text', 'prior_year_indicator_key', 'prior_year_target_text',
                'prior_year_actual_text']),
            ('owners', ['project_key', 'department_key']),
        ]) }}
),

{% endif -%}
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

-- the indicators of the fact (a duplicate of another document's content is counted once, as the original) with
-- their keys and matches; the fact's rows are its rows, so the printed texts stream past it: with the duplicates
-- filtered out of the texts instead, DuckDB took them for a fifth of their rows and held them all in a hash table
indicator_keys as (
    select * from {{ ref('int_indicator_keys') }}
    {%- if is_incremental() %}
    where indicator_id in (select changed.indicator_id from changed)
    {%- endif %}
),

final as (
    select
        indicator_keys.indicator_key,
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
        targets.deadline_date as target_deadline,
        indicators.target_content,
        indicators.scoring_rule,
        indicators.value_type_printed,
        indicators.unit_printed,
        indicators.weight_text,
        try_cast(regexp_extract(indicators.weight_text, '\d+(?:\.\d+)?') as decimal(9, 2)) as weight,
        indicators.actual_text,
        indicators.score_text,
        indicator_keys.counterpart_indicator_key,
        indicator_keys.planned_target_text,
        indicator_keys.reported_actual_text,
        indicator_keys.prior_year_indicator_key,
        indicator_keys.prior_year_target_text,
        indicator_keys.prior_year_actual_text,
        indicators.line_start,
        indicators.line_end,
        indicators.indicator_id,
    from indicator_keys
    inner join indicators
        on indicator_keys.indicator_id = indicators.indicator_id
    left join targets
        on indicators.indicator_id = targets.indicator_id
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
)

select * from final

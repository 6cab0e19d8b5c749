with

indicators as (
    select * from {{ ref('int_indicators_levelled') }}
),

projects as (
    select * from {{ ref('dim_project') }}
),

final as (
    select
        {{ surrogate_key(['indicators.document_id', 'indicators.form_id', 'indicators.indicator_seq']) }}
            as indicator_key,
        {{ surrogate_key(['indicators.document_id']) }} as document_key,
        projects.project_key,
        indicators.level1_name,
        indicators.level2_name,
        indicators.level1_printed,
        indicators.level2_printed,
        indicators.level3_name,
        indicators.target_text,
        indicators.target_content,
        indicators.unit_printed,
        indicators.weight_text,
        indicators.actual_text,
        indicators.score_text,
        indicators.line_start,
        indicators.line_end,
    from indicators
    left join projects
        on indicators.form_id = projects.form_id
)

select * from final

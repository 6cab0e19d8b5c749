-- One row per indicator that reports an actual (实际完成值) or a score (得分), with a status:
--   the typed actual is compared with the typed target (same measure type) by the rule the seed
--   actual_judgement_rules gives per comparator, level, unit and wording (a plain 650元 standard is a floor, a plain
--   number under a cost indicator a ceiling); a qualitative actual is read by its wording. An actual is met only
--   when it meets its target and the score lost no points; partly_met when the score lost points (0 < 得分 < 分值);
--   not_met when it misses the target or scored nothing; otherwise a deviation note (偏差原因) means not met, and
--   what is left is not_available or unparseable.
with

indicators as (
    select * from {{ ref('int_indicators_levelled') }}
    {{ new_documents_only() }}
),

measures as (
    select * from {{ ref('int_measures_parsed') }}
    {{ new_documents_only() }}
),

targets as (
    select * from measures
    where measure_role = 'target'
),

actuals as (
    select * from measures
    where measure_role = 'actual'
),

rules as (
    select * from {{ ref('actual_judgement_rules') }}
),

reported as (
    select
        indicators.indicator_id,
        indicators.form_id,
        indicators.document_id,
        indicators.level1_key,
        indicators.level2_key,
        indicators.level3_name,
        indicators.actual_text,
        indicators.weight_text,
        indicators.score_text,
        indicators.line_start,
        indicators.line_end,
        -- "无" / "/" in the note column means no deviation
        case
            when regexp_full_match(coalesce(indicators.deviation_note, ''), '[\s无/／\-—]*') then null
            else indicators.deviation_note
        end as deviation_note,
        try_cast(regexp_extract(indicators.weight_text, '\d+(?:\.\d+)?') as decimal(9, 2)) as weight,
        try_cast(regexp_extract(indicators.score_text, '\d+(?:\.\d+)?') as decimal(9, 2)) as score,
    from indicators
    where indicators.actual_text is not null or indicators.score_text is not null
),

compared as (
    select
        reported.*,
        actuals.comparator as actual_comparator,
        actuals.value_number as actual_value,
        actuals.unit as actual_unit,
        actuals.measure_type as actual_measure_type,
        targets.comparator as target_comparator,
        targets.value_min as target_min,
        targets.value_max as target_max,
        targets.measure_type as target_measure_type,
        targets.text_printed as target_text,
        coalesce(actuals.parse_status, 'missing') as actual_parse_status,
        targets.measure_type = actuals.measure_type
        and actuals.value_number is not null
        and targets.parse_status = 'numeric' as is_comparable,
    from reported
    left join actuals
        on reported.indicator_id = actuals.indicator_id
    left join targets
        on reported.indicator_id = targets.indicator_id
),

-- the judgement rule of each comparable actual: the seed's first match by priority
ruled as (
    select
        compared.indicator_id,
        rules.rule as judgement_rule,
    from compared
    inner join rules
        on
            compared.target_comparator = rules.comparator
            and (
                rules.level_pattern is null
                or regexp_matches(
                    coalesce(compared.level1_key, '') || '|' || coalesce(compared.level2_key, ''), rules.level_pattern
                )
            )
            and (rules.unit_pattern is null or regexp_matches(coalesce(compared.actual_unit, ''), rules.unit_pattern))
            and (
                rules.target_pattern is null
                or regexp_matches(
                    coalesce(compared.level3_name, '') || '|' || coalesce(compared.target_text, ''),
                    rules.target_pattern
                )
            )
    qualify row_number() over (partition by compared.indicator_id order by rules.priority) = 1
),

by_value as (
    select
        compared.*,
        ruled.judgement_rule,
        case
            when compared.is_comparable
                then
                    case ruled.judgement_rule
                        when 'at_least' then compared.actual_value >= compared.target_min
                        when 'above' then compared.actual_value > compared.target_min
                        when 'at_most' then compared.actual_value <= compared.target_max
                        when 'below' then compared.actual_value < compared.target_max
                        when 'within' then compared.actual_value between compared.target_min and compared.target_max
                    end
            -- a qualitative actual the same as its target, or in words of completion, is met
            when compared.actual_parse_status = 'qualitative' then
                case
                    when regexp_matches(compared.actual_text, '未|没有|不满意|滞后|延迟|否') then false
                    when
                        compared.actual_text = compared.target_text
                        or regexp_matches(
                            compared.actual_text,
                            '是|完成|达到|达标|满意|有效|稳定|提升|提高|改善|增强|按时|及时|全部|良好|符合|应保尽保'
                        )
                        then true
                end
        end as is_met_by_value,
    from compared
    left join ruled
        on compared.indicator_id = ruled.indicator_id
),

final as (
    select
        by_value.*,
        case
            when by_value.is_met_by_value then 'met'
            when not by_value.is_met_by_value then 'not_met'
        end as status_by_value,
        case
            when by_value.score is null or by_value.weight is null then null
            when by_value.score >= by_value.weight then 'met'
            when by_value.score = 0 then 'not_met'
            else 'partly_met'
        end as status_by_score,
        case
            when by_value.score > 0 and by_value.score < by_value.weight then 'partly_met'
            when not by_value.is_met_by_value then 'not_met'
            when by_value.score = 0 then 'not_met'
            when by_value.is_met_by_value then 'met'
            when by_value.weight is not null and by_value.score >= by_value.weight then 'met'
            when by_value.deviation_note is not null then 'not_met'
            when by_value.actual_parse_status = 'missing' then 'not_available'
            else 'unparseable'
        end as actual_status,
        case
            when by_value.score > 0 and by_value.score < by_value.weight then 'score'
            when not by_value.is_met_by_value then 'value'
            when by_value.score = 0 then 'score'
            when by_value.is_met_by_value then 'value'
            when by_value.weight is not null and by_value.score >= by_value.weight then 'score'
            when by_value.deviation_note is not null then 'deviation_note'
            else 'none'
        end as status_basis,
    from by_value
)

select * from final

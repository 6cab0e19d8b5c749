-- One row per performance indicator (三级指标) with its levels mapped to the standard taxonomy and its
-- target typed: comparator, min / max, unit, measure type, beside the target as printed.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content is counted once, as the original
indicators as (
    select * from {{ ref('int_indicators_levelled') }}
    where document_id not in (select duplicates.document_id from duplicates)
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

crosswalk as (
    select * from {{ ref('rpt_project_crosswalk') }}
),

-- an indicator is keyed inside its project (department for department forms) by its form kind, its levels and its
-- name (its target where no name is printed) and the how-many-th such row it is: a corrected re-issue keeps its key
identities as (
    select
        indicators.indicator_id,
        indicators.document_id,
        indicators.line_start,
        indicators.indicator_seq,
        attributed.project_key,
        attributed.is_department_form,
        forms.form_kind,
        indicators.level2_key,
        coalesce(nullif({{ project_name_key('indicators.level3_name') }}, ''), '-') as name_key,
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
            'row_number() over (partition by identity_key order by document_id, line_start, indicator_seq, indicator_id)',
        ]) }} as indicator_key,
    from identities
),

-- the same indicator in the other form of one project: the target form (目标表, set at budget time) and the
-- self-evaluation (自评表, a year later) print it under one name; a name printed once per side is matched
sides as (
    select
        identities.*,
        keys.indicator_key,
        case
            when identities.form_kind = 'project_self_evaluation' then 'actual'
            when identities.form_kind in ('project_target', 'spending_direction_target', 'special_fund_summary')
                then 'target'
        end as side,
    from identities
    inner join keys
        on identities.indicator_id = keys.indicator_id
    where not identities.is_department_form and identities.name_key != '-'
),

counterparts as (
    select
        own.indicator_id,
        other.indicator_key as counterpart_indicator_key,
        other.side as counterpart_side,
        other_rows.target_text as counterpart_target_text,
        other_rows.actual_text as counterpart_actual_text,
    from sides as own
    inner join sides as other
        on own.project_key = other.project_key and own.name_key = other.name_key and own.side != other.side
    inner join indicators as other_rows
        on other.indicator_id = other_rows.indicator_id
    -- ties (the same line in two documents of one project) go to the lower id, so every build picks the same row
    qualify row_number() over (
        partition by own.indicator_id
        order by (own.level2_key = other.level2_key) desc, other.line_start asc, other.indicator_id asc
    ) = 1
),

indicator_rows as (
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
        targets.deadline_date as target_deadline,
        indicators.target_content,
        indicators.scoring_rule,
        indicators.value_type_printed,
        indicators.unit_printed,
        indicators.weight_text,
        try_cast(regexp_extract(indicators.weight_text, '\d+(?:\.\d+)?') as decimal(9, 2)) as weight,
        indicators.actual_text,
        indicators.score_text,
        counterparts.counterpart_indicator_key,
        case
            when counterparts.counterpart_side = 'target' then counterparts.counterpart_target_text
            else indicators.target_text
        end as planned_target_text,
        case
            when counterparts.counterpart_side = 'actual' then counterparts.counterpart_actual_text
            else indicators.actual_text
        end as reported_actual_text,
        indicators.line_start,
        indicators.line_end,
        indicators.indicator_id,
        identities.name_key,
    from indicators
    left join identities
        on indicators.indicator_id = identities.indicator_id
    left join keys
        on indicators.indicator_id = keys.indicator_id
    left join counterparts
        on indicators.indicator_id = counterparts.indicator_id
    left join targets
        on indicators.indicator_id = targets.indicator_id
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
),

-- the same indicator of the same project last year (rpt_project_crosswalk), the same form kind first; among
-- last year's rows printed on the same line of several documents, the lowest key, so every build picks the same
prior_year as (
    select
        this_year.indicator_key,
        last_year.indicator_key as prior_year_indicator_key,
        last_year.planned_target_text as prior_year_target_text,
        last_year.reported_actual_text as prior_year_actual_text,
    from indicator_rows as this_year
    inner join crosswalk
        on this_year.project_key = crosswalk.project_key
    inner join indicator_rows as last_year
        on crosswalk.prior_project_key = last_year.project_key and this_year.name_key = last_year.name_key
    where this_year.name_key != '-'
    qualify row_number() over (
        partition by this_year.indicator_key
        order by (this_year.form_kind = last_year.form_kind) desc, last_year.line_start asc, last_year.indicator_key asc
    ) = 1
),

final as (
    select
        indicator_rows.* exclude (indicator_rows.name_key),
        prior_year.prior_year_indicator_key,
        prior_year.prior_year_target_text,
        prior_year.prior_year_actual_text,
    from indicator_rows
    left join prior_year
        on indicator_rows.indicator_key = prior_year.indicator_key
)

select * from final

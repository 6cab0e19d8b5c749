-- Every printed number a reconciliation rule can use, in one long table: amounts and shares from
-- int_amounts_classified, numeric header fields (总分, 执行率 …) and indicator weights and scores.
{% set field_number = '^\\s*(-?[0-9]+(\\.[0-9]+)?)\\s*(分|%|％|万元)?\\s*$' %}

with

amounts as (
    select * from {{ ref('int_amounts_classified') }}
    {{ new_documents_only(landing=true) }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

form_fields as not materialized (
    select * from {{ ref('stg_landing__form_fields') }}
    {{ new_documents_only(landing=true) }}
),

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
    {{ new_documents_only(landing=true) }}
),

amount_measures as (
    select
        amount_id as measure_id,
        amount_id as row_id,
        document_id,
        form_id,
        form_kind,
        subject_name,
        section,
        item_key,
        item_label_printed as label_printed,
        stage_key,
        fiscal_year,
        text_printed,
        line_no,
        parent_amount_id as parent_measure_id,
        -- a share printed without an amount (构成 40%) is a percentage, not money
        case when amount_wan is null and share_pct is not null then 'share' else 'amount' end as measure_type,
        coalesce(amount_wan, share_pct) as measure_value,
        landing_seq,
    from amounts
),

-- a header field whose whole value is one number (总分 100, 执行率 99.11%): the pattern runs once per distinct value,
-- not once per field (a form prints some seventy fields, and the same values recur in every document), and the
-- number is extracted from the values it matches only. The distinct values are an aggregate's output (min() of the
-- value grouped by itself), which a filter on the number cannot be pushed below: pushed into the scan (as a plain
-- `select distinct` lets it), the pattern ran on every field of the corpus in every batch
field_values as (
    select
        distinct_values.value_printed,
        try_cast(
            regexp_extract(distinct_values.value_printed, '{{ field_number }}', 1) as decimal(20, 6)
        ) as measure_value,
    from (
        select min(form_fields.value_printed) as value_printed
        from form_fields
        group by form_fields.value_printed
    ) as distinct_values
    where regexp_matches(distinct_values.value_printed, '{{ field_number }}')
),

field_measures as (
    select
        form_fields.form_id || ':f' || form_fields.field_seq as measure_id,
        form_fields.form_id || ':f' || form_fields.field_seq as row_id,
        form_fields.document_id,
        form_fields.form_id,
        forms.form_kind,
        forms.subject_name,
        null as section,
        form_fields.field_key as item_key,
        form_fields.label_printed,
        null as stage_key,
        form_fields.value_printed as text_printed,
        form_fields.line_no,
        null as parent_measure_id,
        'field' as measure_type,
        field_values.measure_value,
        form_fields.landing_seq,
    from form_fields
    inner join forms on form_fields.form_id = forms.form_id
    inner join field_values on form_fields.value_printed = field_values.value_printed
),

indicator_rows as (
    select
        indicators.indicator_id,
        indicators.document_id,
        indicators.form_id,
        forms.form_kind,
        forms.subject_name,
        indicators.level1_printed,
        indicators.level3_name,
        indicators.line_start,
        indicators.weight_text,
        indicators.score_text,
        indicators.landing_seq,
    from indicators
    inner join forms on indicators.form_id = forms.form_id
),

-- one row per printed number of an indicator row: its 分值 (weight) and its 得分 (score)
indicator_numbers as (
    select
        * exclude (weight_text, score_text),
        'weight' as measure_type,
        weight_text as text_printed,
    from indicator_rows
    union all
    select
        * exclude (weight_text, score_text),
        'score' as measure_type,
        score_text as text_printed,
    from indicator_rows
),

indicator_measures as (
    select
        indicator_id || ':' || measure_type as measure_id,
        indicator_id as row_id,
        document_id,
        form_id,
        form_kind,
        subject_name,
        level1_printed as section,
        null as item_key,
        level3_name as label_printed,
        null as stage_key,
        text_printed,
        line_start as line_no,
        null as parent_measure_id,
        measure_type,
        try_cast(regexp_extract(text_printed, '^\s*([0-9]+(\.[0-9]+)?)\s*分?\s*$', 1) as decimal(20, 6))
            as measure_value,
        landing_seq,
    from indicator_numbers
),

-- a 一级 label that prints its weight (产出指标（50分）) states the total of its rows' 分值
level1_weights as (
    select
        form_id || ':level1:' || min(indicator_id) as measure_id,
        null as row_id,
        document_id,
        form_id,
        form_kind,
        subject_name,
        level1_printed as section,
        null as item_key,
        level1_printed as label_printed,
        null as stage_key,
        level1_printed as text_printed,
        min(line_start) as line_no,
        null as parent_measure_id,
        'group_weight' as measure_type,
        try_cast(regexp_extract(level1_printed, '[（(]\s*([0-9]+(\.[0-9]+)?)\s*分\s*[)）]', 1) as decimal(20, 6))
            as measure_value,
        landing_seq,
    from indicator_rows
    where regexp_matches(level1_printed, '[（(]\s*[0-9]+(\.[0-9]+)?\s*分\s*[)）]')
    group by document_id, landing_seq, form_id, form_kind, subject_name, level1_printed
),

unioned as (
    select * from amount_measures
    union all by name
    select * from field_measures
    where measure_value is not null
    union all by name
    select * from indicator_measures
    where measure_value is not null
    union all by name
    select * from level1_weights
),

final as (
    select
        measure_id,
        row_id,
        document_id,
        form_id,
        form_kind,
        subject_name,
        section,
        measure_type,
        item_key,
        label_printed,
        stage_key,
        fiscal_year,
        text_printed,
        measure_value,
        line_no,
        parent_measure_id,
        landing_seq,
    from unioned
)

select * from final

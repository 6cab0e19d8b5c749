-- One row per printed target (指标值) and per printed actual (实际完成值) of an indicator, typed: comparator
-- (≥ ≤ > < = range qualitative), min / max, unit and measure type. Shapes read, after normalisation by
-- measure_text(): "≥95%", "不低于90%", "95%以上", "450-520元/月.人", "1800人", "≤8万度电/年",
-- "2022年底", and text without a digit ("是", "提高", "应保尽保") as qualitative. Text with digits in
-- any other shape (a sentence) is unparseable and stays as printed. Comparator words come from the seed
-- target_comparators, measure types from the seed target_units.
with

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
),

comparators as (
    select * from {{ ref('target_comparators') }}
),

units as (
    select * from {{ ref('target_units') }}
),

inputs as (
    select
        indicator_id,
        'target' as measure_role,
        target_text as text_printed,
        unit_printed as column_unit,
        -- 004 prints the comparator in its 指标性质 column (≥, =, $\geq$)
        value_type_printed as column_comparator,
    from indicators
    union all
    select
        indicator_id,
        'actual' as measure_role,
        actual_text as text_printed,
        unit_printed as column_unit,
        cast(null as varchar) as column_comparator,
    from indicators
    where actual_text is not null
),

normalised as (
    select
        *,
        {{ measure_text('text_printed') }} as measure_text,
        {{ measure_text('column_comparator') }} as column_comparator_text,
    from inputs
),

-- which shape the text has; the patterns are anchored, so a sentence matches none of them
shaped as (
    select
        *,
        case
            when measure_text = '' then 'missing'
            -- a date by which to finish: 2022年底, 2022年8月31日前, 11月份前, 12月31日前
            when
                regexp_full_match(
                    measure_text, '(?:每年)?(?:(?:19|20)\d{2}年)?(?:\d{1,2}月份?)?(?:\d{1,2}日)?(?:底|末)?之?前?(?:完成)?'
                )
                and regexp_matches(measure_text, '\d')
                and regexp_matches(measure_text, '(?:19|20)\d{2}年|月')
                then 'deadline'
            when regexp_full_match(
                measure_text, '[^\d]{0,12}?\d+(?:\.\d+)?[^\d~\-－至到]{0,4}[~\-－至到]\d+(?:\.\d+)?[^\d]{0,10}'
            ) then 'range'
            -- a name before the number and a unit after it, both short: a longer text is a sentence
            when regexp_full_match(measure_text, '[^\d]{0,12}?\d+(?:\.\d+)?[^\d]{0,10}') then 'single'
            when not regexp_matches(measure_text, '\d') then 'qualitative'
            else 'unparseable'
        end as measure_shape,
    from normalised
),

parts as (
    select
        *,
        case measure_shape
            when 'range'
                then regexp_extract(
                    measure_text,
                    '^([^\d]*?)(\d+(?:\.\d+)?)[^\d~\-－至到]*[~\-－至到](\d+(?:\.\d+)?)([^\d]*)$',
                    ['prefix', 'low', 'high', 'suffix']
                )
            when 'single'
                then regexp_extract(
                    measure_text, '^([^\d]*?)(\d+(?:\.\d+)?)([^\d]*)$', ['prefix', 'low', 'suffix']
                )
            when 'deadline' then regexp_extract(
                measure_text, '^(?:每年)?((?:19|20)\d{2})?(.*)$', ['low', 'suffix']
            )
        end as measure_parts,
    from shaped
),

flat as (
    select
        * exclude (measure_parts),
        struct_extract(measure_parts, 'prefix') as part_prefix,
        struct_extract(measure_parts, 'low') as part_low,
        struct_extract(measure_parts, 'high') as part_high,
        struct_extract(measure_parts, 'suffix') as part_suffix,
    from parts
),

-- comparator words may stand before the number (不低于) or after it (以上, 以内)
words as (
    select
        parts.indicator_id,
        parts.measure_role,
        comparators.comparator,
    from flat as parts
    inner join comparators
        on regexp_matches(
            coalesce(parts.part_prefix, '') || '|' || coalesce(parts.part_suffix, ''),
            comparators.word_pattern
        )
    where parts.measure_shape = 'single'
    qualify row_number() over (
        partition by parts.indicator_id, parts.measure_role order by comparators.priority
    ) = 1
),

column_words as (
    select
        parts.indicator_id,
        parts.measure_role,
        comparators.comparator,
    from flat as parts
    inner join comparators
        on regexp_matches(parts.column_comparator_text, comparators.word_pattern)
    where parts.measure_shape = 'single' and length(parts.column_comparator_text) <= 4
    qualify row_number() over (
        partition by parts.indicator_id, parts.measure_role order by comparators.priority
    ) = 1
),

-- the unit is what follows the number without comparator words; else the unit column when it is a unit
united as (
    select
        parts.*,
        nullif(
            regexp_replace(
                coalesce(parts.part_suffix, ''),
                '^(以上|及以上|以内|以下|之内|左右)|(以上|及以上|以内|以下|之内|左右)$',
                '',
                'g'
            ),
            ''
        ) as text_unit,
        nullif(trim(parts.column_unit), '') as column_unit_clean,
    from flat as parts
),

unit_choice as (
    select
        united.*,
        case
            when united.measure_shape = 'deadline' then coalesce(united.part_suffix, '年底')
            when united.text_unit is not null then united.text_unit
            when exists (
                select 1 from units
                where units.priority < 99 and regexp_matches(united.column_unit_clean, units.unit_pattern)
            ) then united.column_unit_clean
        end as unit,
    from united
),

measure_types as (
    select
        unit_choice.indicator_id,
        unit_choice.measure_role,
        units.measure_type,
    from unit_choice
    inner join units
        on regexp_matches(unit_choice.unit, units.unit_pattern)
    qualify row_number() over (
        partition by unit_choice.indicator_id, unit_choice.measure_role order by units.priority
    ) = 1
),

final as (
    select
        unit_choice.indicator_id,
        unit_choice.measure_role,
        unit_choice.text_printed,
        unit_choice.measure_text,
        unit_choice.measure_shape,
        unit_choice.unit,
        case unit_choice.measure_shape
            when 'range' then 'range'
            when 'deadline' then '≤'
            when 'qualitative' then 'qualitative'
            when 'single' then coalesce(words.comparator, column_words.comparator, '=')
        end as comparator,
        case unit_choice.measure_shape
            when 'qualitative' then 'qualitative'
            when 'deadline' then 'duration'
            when 'range' then coalesce(measure_types.measure_type, 'count')
            when 'single' then coalesce(measure_types.measure_type, 'count')
        end as measure_type,
        case
            when unit_choice.measure_shape = 'range' then cast(unit_choice.part_low as decimal(20, 6))
            when
                unit_choice.measure_shape = 'single'
                and coalesce(words.comparator, column_words.comparator, '=') in ('≥', '>', '=')
                then cast(unit_choice.part_low as decimal(20, 6))
        end as value_min,
        case
            when unit_choice.measure_shape = 'range' then cast(unit_choice.part_high as decimal(20, 6))
            when unit_choice.measure_shape = 'deadline'
                then cast(nullif(unit_choice.part_low, '') as decimal(20, 6))
            when
                unit_choice.measure_shape = 'single'
                and coalesce(words.comparator, column_words.comparator, '=') in ('≤', '<', '=')
                then cast(unit_choice.part_low as decimal(20, 6))
        end as value_max,
        case
            when unit_choice.measure_shape in ('single', 'deadline')
                then cast(nullif(unit_choice.part_low, '') as decimal(20, 6))
        end as value_number,
        case
            when unit_choice.measure_shape in ('single', 'range', 'deadline') then 'numeric'
            else unit_choice.measure_shape
        end as parse_status,
    from unit_choice
    left join words
        on unit_choice.indicator_id = words.indicator_id and unit_choice.measure_role = words.measure_role
    left join column_words
        on
            unit_choice.indicator_id = column_words.indicator_id
            and unit_choice.measure_role = column_words.measure_role
    left join measure_types
        on
            unit_choice.indicator_id = measure_types.indicator_id
            and unit_choice.measure_role = measure_types.measure_role
)

select * from final

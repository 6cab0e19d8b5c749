-- One row per printed target (指标值) and per printed actual (实际完成值) of an indicator, typed: comparator
-- (≥ ≤ > < = range qualitative), min / max, unit and measure type. Shapes read, after normalisation by
-- measure_text(): "≥95%", "不低于90%", "95%以上", "450-520元/月.人", "1800人", "≤8万度电/年",
-- "2022年底", and text without a digit ("是", "提高", "应保尽保") as qualitative. Text with digits in
-- any other shape (a sentence) is unparseable and stays as printed. Comparator words come from the seed
-- target_comparators, measure types from the seed target_units.
with

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
    {{ new_documents_only(landing=true) }}
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
        document_id,
        'target' as measure_role,
        target_text as text_printed,
        unit_printed as column_unit,
        -- 004 prints the comparator in its 指标性质 column (≥, =, $\geq$)
        value_type_printed as column_comparator,
    from indicators
    union all
    select
        indicator_id,
        document_id,
        'actual' as measure_role,
        actual_text as text_printed,
        unit_printed as column_unit,
        cast(null as varchar) as column_comparator,
    from indicators
    where actual_text is not null
),

-- a printed text with its column's unit and comparator is typed once however often it is printed: the
-- regex work and the joins with the seeds follow the distinct texts, not every indicator of the corpus
keyed as (
    select
        *,
        md5(to_json([text_printed, column_unit, column_comparator])) as input_key,
    from inputs
),

distinct_inputs as (
    select distinct
        input_key,
        text_printed,
        column_unit,
        column_comparator,
    from keyed
),

-- cleaned before typing: LaTeX and full-width forms (measure_text), then what it leaves: an escaped \% , a
-- stray backslash, full-width digits, and a trailing 等 after the unit (1.2万元等)
normalised as (
    select
        *,
        regexp_replace(
            regexp_replace(
                translate(replace({{ measure_text('text_printed') }}, '\%', '%'), '０１２３４５６７８９．', '0123456789.'),
                '\\', '', 'g'
            ),
            '(\D)等$', '\1'
        ) as measure_text,
        {{ measure_text('column_comparator') }} as column_comparator_text,
    from distinct_inputs
),

-- which shape the text has; the patterns are anchored, so a sentence matches none of them
shaped as (
    select
        *,
        case
            when measure_text = '' then 'missing'
            -- a deadline anywhere in the text: 按月发放，2019年底前完成 / 2022年8月31日前
            when regexp_matches(measure_text, '(?:19|20)\d{2}年(?:\d{1,2}月份?)?(?:\d{1,2}日)?(?:底|末)?之?前')
                then 'deadline'
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
            -- a deadline without its year (11月份前) is read as year 0000, i.e. no year
            when 'deadline' then regexp_extract(
                case
                    when regexp_matches(measure_text, '(?:19|20)\d{2}年') then measure_text
                    else '0000年' || measure_text
                end,
                '((?:19|20)\d{2}|0000)年(?:(\d{1,2})月份?)?(?:(\d{1,2})日)?((?:底|末)?之?前?(?:完成)?)',
                ['low', 'month', 'day', 'suffix']
            )
        end as measure_parts,
    from shaped
),

flat as (
    select
        * exclude (measure_parts),
        struct_extract(measure_parts, 'prefix') as part_prefix,
        nullif(struct_extract(measure_parts, 'low'), '0000') as part_low,
        struct_extract(measure_parts, 'high') as part_high,
        struct_extract(measure_parts, 'suffix') as part_suffix,
        case when measure_shape = 'deadline' then struct_extract(measure_parts, 'month') end as part_month,
        case when measure_shape = 'deadline' then struct_extract(measure_parts, 'day') end as part_day,
    from parts
),

-- comparator words may stand before the number (不低于) or after it (以上, 以内). The seed's patterns run once per
-- distinct text they read (a few hundred), not once per distinct printed value: a pattern read from a column is
-- compiled again for every row it is tried on
word_texts as (
    select
        parts.input_key,
        coalesce(parts.part_prefix, '') || '|' || coalesce(parts.part_suffix, '') as word_text,
    from flat as parts
    where parts.measure_shape = 'single'
),

text_words as (
    {{ first_pattern_match('word_texts', 'word_text', 'comparators', 'word_pattern', 'priority', ['comparator']) }}
),

words as (
    select
        word_texts.input_key,
        text_words.comparator,
    from word_texts
    inner join text_words
        on word_texts.word_text = text_words.word_text
),

column_word_texts as (
    select
        parts.input_key,
        parts.column_comparator_text,
    from flat as parts
    where parts.measure_shape = 'single' and length(parts.column_comparator_text) <= 4
),

column_text_words as (
    {{ first_pattern_match(
        'column_word_texts', 'column_comparator_text', 'comparators', 'word_pattern', 'priority', ['comparator']
    ) }}
),

column_words as (
    select
        column_word_texts.input_key,
        column_text_words.comparator,
    from column_word_texts
    inner join column_text_words
        on column_word_texts.column_comparator_text = column_text_words.column_comparator_text
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
            when united.measure_shape = 'deadline'
                then
                    case
                        when nullif(united.part_day, '') is not null then '日前'
                        when nullif(united.part_month, '') is not null then '月底前'
                        else '年底前'
                    end
            when united.text_unit is not null then united.text_unit
            when exists (
                select 1 from units
                where units.priority < 99 and regexp_matches(united.column_unit_clean, units.unit_pattern)
            ) then united.column_unit_clean
        end as unit,
    from united
),

-- a unit's type, once per distinct unit (a few dozen)
unit_types as (
    {{ first_pattern_match('unit_choice', 'unit', 'units', 'unit_pattern', 'priority', ['measure_type']) }}
),

measure_types as (
    select
        unit_choice.input_key,
        unit_types.measure_type,
    from unit_choice
    inner join unit_types
        on unit_choice.unit = unit_types.unit
),

typed as (
    select
        unit_choice.input_key,
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
            when 'deadline' then 'date'
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
            when
                unit_choice.measure_shape = 'single'
                and coalesce(words.comparator, column_words.comparator, '=') in ('≤', '<', '=')
                then cast(unit_choice.part_low as decimal(20, 6))
        end as value_max,
        case
            when unit_choice.measure_shape = 'single'
                then cast(nullif(unit_choice.part_low, '') as decimal(20, 6))
        end as value_number,
        -- a deadline as a date: the day printed, else the month's last day, else the year's (年底)
        case
            when unit_choice.measure_shape = 'deadline' and nullif(unit_choice.part_low, '') is not null
                then
                    case
                        when nullif(unit_choice.part_day, '') is not null
                            then try_cast(make_date(
                                cast(unit_choice.part_low as integer),
                                cast(unit_choice.part_month as integer),
                                cast(unit_choice.part_day as integer)
                            ) as date)
                        when nullif(unit_choice.part_month, '') is not null
                            then last_day(make_date(
                                cast(unit_choice.part_low as integer), cast(unit_choice.part_month as integer), 1
                            ))
                        else make_date(cast(unit_choice.part_low as integer), 12, 31)
                    end
        end as deadline_date,
        case
            when unit_choice.measure_shape in ('single', 'range', 'deadline') then 'numeric'
            else unit_choice.measure_shape
        end as parse_status,
    from unit_choice
    left join words
        on unit_choice.input_key = words.input_key
    left join column_words
        on unit_choice.input_key = column_words.input_key
    left join measure_types
        on unit_choice.input_key = measure_types.input_key
),

final as (
    select
        keyed.indicator_id,
        keyed.document_id,
        keyed.measure_role,
        keyed.text_printed,
        typed.measure_text,
        typed.measure_shape,
        typed.unit,
        typed.comparator,
        typed.measure_type,
        typed.value_min,
        typed.value_max,
        typed.value_number,
        typed.deadline_date,
        typed.parse_status,
    from keyed
    inner join typed on keyed.input_key = typed.input_key
)

select * from final

-- Indicators with their printed 一级 / 二级 levels mapped to the standard taxonomy via the vocabulary seed.
with

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
    {{ new_documents_only() }}
),

vocabulary as (
    select * from {{ ref('label_vocabulary') }}
),

level1 as (
    select
        {{ label_key('label') }} as label_key,
        field_key as level1_key,
        standard_label as level1_name,
    from vocabulary
    where context = 'level1'
),

level2 as (
    select
        {{ label_key('label') }} as label_key,
        field_key as level2_key,
        standard_label as level2_name,
    from vocabulary
    where context = 'level2'
),

final as (
    select
        indicators.*,
        level1.level1_key,
        level1.level1_name,
        level2.level2_key,
        level2.level2_name,
    from indicators
    left join level1
        on indicators.level1_label_key = level1.label_key
    left join level2
        on indicators.level2_label_key = level2.label_key
)

select * from final

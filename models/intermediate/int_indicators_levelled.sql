-- Indicators with their printed 一级 / 二级 levels mapped to the standard taxonomy: the printed label as the
-- loader mapped it through the vocabulary seed (label_vocabulary, variants such as 产出指示 / 实效目标), then
-- the taxonomy seed
-- (indicator_taxonomy) for names and for the 一级 a 二级 belongs to when no 一级 is printed.
with

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
    {{ new_documents_only(landing=true) }}
),

taxonomy as (
    select * from {{ ref('indicator_taxonomy') }}
),

taxonomy1 as (
    select * from taxonomy
    where indicator_level = 1
),

taxonomy2 as (
    select * from taxonomy
    where indicator_level = 2
),

mapped as (
    select
        -- the landing order only finds a stretch of landing; the model's rows are the indicator's
        indicators.* exclude (indicators.landing_seq),  -- noqa: RF02
        indicators.level1_vocab_key as level1_key_printed,
        indicators.level2_vocab_key as level2_key,
    from indicators
),

final as (
    select
        mapped.*,
        taxonomy2.name_zh as level2_name,
        taxonomy1.name_zh as level1_name,
        coalesce(mapped.level1_key_printed, taxonomy2.parent_level1_key) as level1_key,
        case
            when mapped.level1_key_printed is not null then 'printed'
            when taxonomy2.parent_level1_key is not null then 'implied'
            else 'unmapped'
        end as level1_source,
    from mapped
    left join taxonomy2
        on mapped.level2_key = taxonomy2.level_key
    left join taxonomy1
        on coalesce(mapped.level1_key_printed, taxonomy2.parent_level1_key) = taxonomy1.level_key
)

select * from final

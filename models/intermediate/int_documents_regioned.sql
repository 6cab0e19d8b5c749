-- One row per document: the province / city / county it reports for, with the 6-digit code.
-- A county counts only when a name or title prints it; a county name shared by several cities is settled by
-- the city the document mentions most. Without a printed county the city (then province) is used.
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
    -- a document that failed has no content to date or place; it is in dim_document all the same
    where load_status <> 'failed' and {{ is_new_document() }}
),

mentions as (
    select * from {{ ref('int_region_mentions') }}
    {{ new_documents_only() }}
),

divisions as (
    select * from {{ ref('admin_divisions') }}
),

-- how often each division is mentioned anywhere in the document (lines, names, titles)
mention_counts as (
    select
        document_id,
        admin_code,
        division_level,
        count(*) as mention_count,
        count(*) filter (where evidence_kind in ('name', 'title')) as strong_count,
    from mentions
    group by all
),

counties as (
    select
        county.document_id,
        county.admin_code,
        county.strong_count,
        coalesce(city.mention_count, 0) as city_mentions,
        coalesce(province.mention_count, 0) as province_mentions,
    from mention_counts as county
    inner join divisions
        on county.admin_code = divisions.admin_code and divisions.division_level = 'county'
    left join mention_counts as city
        on
            county.document_id = city.document_id
            and divisions.city_code = city.admin_code
            and city.division_level = 'city'
    left join mention_counts as province
        on
            county.document_id = province.document_id
            and divisions.province_code = province.admin_code
            and province.division_level = 'province'
    where county.division_level = 'county' and county.strong_count > 0
),

best_county as (
    select * from counties
    qualify row_number() over (
        partition by document_id
        order by city_mentions desc, strong_count desc, province_mentions desc, admin_code asc
    ) = 1
),

-- a city needs a name or title, or failing that the text: many documents print only 益阳市
best_city as (
    select
        mention_counts.document_id,
        mention_counts.admin_code,
        mention_counts.strong_count,
    from mention_counts
    where mention_counts.division_level = 'city'
    qualify row_number() over (
        partition by mention_counts.document_id
        order by mention_counts.strong_count desc, mention_counts.mention_count desc, mention_counts.admin_code asc
    ) = 1
),

best_province as (
    select
        document_id,
        admin_code,
    from mention_counts
    where division_level = 'province'
    qualify row_number() over (partition by document_id order by mention_count desc, admin_code asc) = 1
),

final as (
    select
        documents.document_id,
        case
            when best_county.admin_code is not null then best_county.admin_code
            when best_city.admin_code is not null then best_city.admin_code
            else best_province.admin_code
        end as region_admin_code,
        case
            when best_county.admin_code is not null then 'county'
            when best_city.admin_code is not null then 'city'
            when best_province.admin_code is not null then 'province'
        end as region_level,
        case
            when best_county.admin_code is not null or best_city.strong_count > 0 then 'printed'
            when best_city.admin_code is not null or best_province.admin_code is not null then 'text'
            else 'unknown'
        end as region_resolution,
    from documents
    left join best_county
        on documents.document_id = best_county.document_id
    left join best_city
        on documents.document_id = best_city.document_id
    left join best_province
        on documents.document_id = best_province.document_id
)

select * from final

-- Funding by region, year and spending direction: the total of each project (资金总额), in 万元.
-- Start here to compare what each county or city put into each direction, year by year.
with

funding as (
    select * from {{ ref('fct_funding') }}
),

documents as (
    select * from {{ ref('dim_document') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

directions as (
    select * from {{ ref('dim_spending_direction') }}
),

final as (
    select
        regions.province_name,
        regions.city_name,
        regions.county_name,
        regions.admin_code,
        funding.fiscal_year,
        coalesce(directions.direction_name, '未知') as spending_direction,
        count(*) as funding_lines,
        sum(funding.amount_wan) as amount_wan,
    from funding
    inner join documents
        on funding.document_key = documents.document_key
    inner join regions
        on documents.region_key = regions.region_key
    left join directions
        on funding.spending_direction_key = directions.spending_direction_key
    where funding.item_key = 'funding_total' and funding.project_key != {{ no_project_key() }}
    group by all
)

select * from final
order by province_name asc, city_name asc, county_name asc, fiscal_year asc, amount_wan desc

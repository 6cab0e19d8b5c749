-- One row per fiscal year from the earliest to the latest year any document or amount reports.
with

documents as (
    select * from {{ ref('int_documents_dated') }}
),

amounts as (
    select * from {{ ref('int_amounts_classified') }}
),

years as (
    select fiscal_year from documents
    union
    select fiscal_year from amounts
),

bounds as (
    select
        min(fiscal_year) as first_year,
        max(fiscal_year) as last_year,
    from years
    where fiscal_year is not null
),

spine as (
    select unnest(range(bounds.first_year, bounds.last_year + 1)) as fiscal_year
    from bounds
),

final as (
    select
        cast(spine.fiscal_year as integer) as fiscal_year,
        cast(spine.fiscal_year as varchar) || '年' as year_label,
        years.fiscal_year is not null as has_data,
    from spine
    left join years
        on spine.fiscal_year = years.fiscal_year
)

select * from final

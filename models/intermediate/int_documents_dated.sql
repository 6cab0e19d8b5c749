-- One row per document with the fiscal year it reports on: the first "2019年" / "(2022 年)" / "2024年度"
-- in its title, else in its first lines (a cover page may precede the title).
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
    -- a document that failed has no content to date or place; it is in dim_document all the same
    where load_status <> 'failed' and {{ is_new_document() }}
),

source_lines as (
    select * from {{ ref('stg_landing__source_lines') }}
    {{ new_documents_only(landing=true) }}
),

-- a year is 19xx or 20xx followed by 年 (spaces allowed); later dates such as 填报日期 come after the title
title_years as (
    select
        document_id,
        try_cast(regexp_extract(title, '((?:19|20)\d{2})\s*年', 1) as integer) as title_year,
    from documents
),

line_years as (
    select
        document_id,
        try_cast(regexp_extract(line_text, '((?:19|20)\d{2})\s*年', 1) as integer) as line_year,
    from source_lines
    where
        line_no <= 20
        and regexp_matches(line_text, '(?:19|20)\d{2}\s*年')
    qualify row_number() over (partition by document_id order by line_no) = 1
),

final as (
    select
        -- what the document's content says only: its path and status are stg_landing__documents', as they are tonight
        documents.document_id,
        coalesce(title_years.title_year, line_years.line_year) as fiscal_year,
        case
            when title_years.title_year is not null then 'title'
            when line_years.line_year is not null then 'first_lines'
        end as fiscal_year_source,
    from documents
    left join title_years
        on documents.document_id = title_years.document_id
    left join line_years
        on documents.document_id = line_years.document_id
)

select * from final

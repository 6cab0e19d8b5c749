with

-- every current document, also one that failed (its status and reason are what an analyst looks for)
documents as (
    select * from {{ ref('stg_landing__documents') }}
),

dated as (
    select * from {{ ref('int_documents_dated') }}
),

regions as (
    select * from {{ ref('int_documents_regioned') }}
),

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
),

final as (
    select
        {{ surrogate_key(['documents.document_id']) }} as document_key,
        documents.document_id,
        documents.file_name,
        documents.relative_path,
        documents.file_format,
        documents.byte_size,
        documents.title,
        documents.form_kinds,
        documents.load_status,
        documents.error_text,
        documents.line_count,
        documents.loaded_at,
        cast(dated.fiscal_year as integer) as fiscal_year,
        case
            when regions.region_admin_code is null then {{ surrogate_key(["'unknown'", "'unknown'"]) }}
            else {{ surrogate_key(['regions.region_level', 'regions.region_admin_code']) }}
        end as region_key,
        coalesce(regions.region_resolution, 'unknown') as region_resolution,
        case
            when duplicates.is_duplicate then 'duplicate'
            when duplicates.document_id is not null then 'original'
            else 'no_content'
        end as content_status,
        case
            when duplicates.is_duplicate then {{ surrogate_key(['duplicates.original_document_id']) }}
        end as duplicate_of_document_key,
    from documents
    left join dated
        on documents.document_id = dated.document_id
    left join regions
        on documents.document_id = regions.document_id
    left join duplicates
        on documents.document_id = duplicates.document_id
)

select * from final

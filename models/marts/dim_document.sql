with

documents as (
    select * from {{ ref('int_documents_dated') }}
),

regions as (
    select * from {{ ref('int_documents_regioned') }}
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
        cast(documents.fiscal_year as integer) as fiscal_year,
        case
            when regions.region_admin_code is null then {{ surrogate_key(["'unknown'", "'unknown'"]) }}
            else {{ surrogate_key(['regions.region_level', 'regions.region_admin_code']) }}
        end as region_key,
        coalesce(regions.region_resolution, 'unknown') as region_resolution,
    from documents
    left join regions
        on documents.document_id = regions.document_id
)

select * from final

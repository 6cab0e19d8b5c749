with

documents as (
    select * from {{ source('landing', 'documents') }}
),

final as (
    select
        document_id,
        relative_path,
        file_format,
        byte_size,
        form_kinds,
        status as load_status,
        error_text,
        line_count,
        page_count,
        parser_version,
        loaded_at,
        trim(file_name) as file_name,
        nullif(trim(title), '') as title,
    from documents
)

select * from final

with

documents as (
    select * from {{ ref('stg_landing__documents') }}
),

final as (
    select
        {{ surrogate_key(['document_id']) }} as document_key,
        document_id,
        file_name,
        relative_path,
        file_format,
        byte_size,
        title,
        form_kinds,
        load_status,
        error_text,
        line_count,
        loaded_at,
    from documents
)

select * from final

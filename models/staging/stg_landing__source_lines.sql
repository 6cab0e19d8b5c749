with

source_lines as (
    select * from {{ source('landing', 'source_lines') }}
),

final as (
    select
        document_id,
        line_no,
        page,
        text as line_text,
    from source_lines
)

select * from final

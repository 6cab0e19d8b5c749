with

form_fields as (
    select * from {{ source('landing', 'form_fields') }}
),

final as (
    select
        form_id,
        document_id,
        field_seq,
        field_key,
        line_no,
        placement,
        trim(label_printed) as label_printed,
        nullif(trim(value_printed), '') as value_printed,
    from form_fields
)

select * from final

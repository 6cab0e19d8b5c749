with

form_fields as (
    select * from {{ source('landing', 'form_fields') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
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
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

with

form_fields as (
    select * from {{ source('landing', 'form_fields') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history;
-- a quarantined document (failed, e.g. by the landing checkpoint) keeps its rows in landing only
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
    where load_status <> 'failed'
),

vocabulary as (
    select * from {{ ref('label_vocabulary') }}
),

-- the standard name of each field key, so a printed variant (项目实施单位) reads as its standard (项目单位)
field_names as (
    select
        field_key,
        min(standard_label) as field_standard_label,
    from vocabulary
    group by field_key
),

final as (
    select
        form_fields.form_id,
        form_fields.document_id,
        form_fields.landing_seq,
        form_fields.field_seq,
        form_fields.field_key,
        field_names.field_standard_label,
        form_fields.line_no,
        form_fields.placement,
        trim(form_fields.label_printed) as label_printed,
        nullif(trim(form_fields.value_printed), '') as value_printed,
    from form_fields
    left join field_names
        on form_fields.field_key = field_names.field_key
    where form_fields.document_id in (select current_documents.document_id from current_documents)
)

select * from final

with

forms as (
    select * from {{ source('landing', 'forms') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history;
-- a quarantined document (failed, e.g. by the landing checkpoint) keeps its rows in landing only
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
    where load_status <> 'failed'
),

final as (
    select
        form_id,
        document_id,
        landing_seq,
        form_seq,
        form_kind,
        line_start,
        line_end,
        nullif(trim(title), '') as form_title,
        nullif(trim(subject_name), '') as subject_name,
        nullif(subject_key, '') as subject_key,
    from forms
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

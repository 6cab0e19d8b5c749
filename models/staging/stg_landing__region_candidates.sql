with

region_candidates as (
    select * from {{ source('landing', 'region_candidates') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history;
-- a quarantined document (failed, e.g. by the landing checkpoint) keeps its rows in landing only
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
    where load_status <> 'failed'
),

final as (
    select
        document_id,
        landing_seq,
        division_name,
        text as evidence_text,
    from region_candidates
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

with

parse_issues as (
    select * from {{ source('landing', 'parse_issues') }}
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
        form_id,
        issue_seq,
        severity,
        code as issue_code,
        message,
        line_no,
        text as text_printed,
    from parse_issues
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

with

amounts as (
    select * from {{ source('landing', 'amounts') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history;
-- a quarantined document (failed, e.g. by the landing checkpoint) keeps its rows in landing only
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
    where load_status <> 'failed'
),

final as (
    select
        amount_id,
        form_id,
        document_id,
        landing_seq,
        amount_seq,
        item_key,
        text_printed,
        value as amount_printed_unit,
        unit_printed,
        value_wan as amount_wan,
        share_pct,
        stage_printed,
        year as fiscal_year,
        parent_amount_id,
        section,
        line_no,
        placement,
        item_label_key,
        coalesce(section_key, '') as section_key,
        trim(item_label_printed) as item_label_printed,
    from amounts
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

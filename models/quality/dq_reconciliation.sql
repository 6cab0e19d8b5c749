-- One row per evaluated check (int_dq_reconciled) with the file its document is at tonight: a check is made once,
-- when its document is new; a file moved or renamed since keeps it, under its new name.
with

reconciled as (
    select * from {{ ref('int_dq_reconciled') }}
),

documents as (
    select * from {{ ref('stg_landing__documents') }}
),

final as (
    -- in the order of the checks' columns, the file name beside its document
    select  -- noqa: ST06
        reconciled.check_key,
        reconciled.rule_id,
        reconciled.origin,
        reconciled.check_kind,
        reconciled.category,
        reconciled.severity,
        reconciled.document_id,
        documents.file_name,
        reconciled.* exclude (check_key, rule_id, origin, check_kind, category, severity, document_id),  -- noqa: RF02
    from reconciled
    left join documents
        on reconciled.document_id = documents.document_id
)

select * from final

-- One row per document with forms: its content fingerprint (int_document_fingerprints) and the document it
-- duplicates. The same report published
-- as .docx, .pdf and .xlsx extracts the same forms and amounts: the first loaded copy (then the first by path)
-- is the original, counted in the facts; the others are recorded as duplicates of it.
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
),

fingerprints as (
    select * from {{ ref('int_document_fingerprints') }}
),

ranked as (
    select
        fingerprints.document_id,
        fingerprints.content_fingerprint,
        first_value(fingerprints.document_id) over (
            partition by fingerprints.content_fingerprint
            order by documents.loaded_at, documents.relative_path, fingerprints.document_id
        ) as original_document_id,
    from fingerprints
    inner join documents
        on fingerprints.document_id = documents.document_id
),

final as (
    select
        document_id,
        content_fingerprint,
        original_document_id,
        document_id != original_document_id as is_duplicate,
    from ranked
)

select * from final

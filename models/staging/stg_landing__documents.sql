with

documents as (
    select * from {{ source('landing', 'documents') }}
),

document_versions as (
    select * from {{ source('landing', 'document_versions') }}
),

-- A path can have held several contents over the nights: a corrected file supersedes its old version,
-- whose rows stay in landing as history. The current content of a path is the one seen most recently;
-- a path the last run did not find any more (removed_at) has no current content.
current_paths as (
    select
        relative_path,
        document_id,
        removed_at,
    from document_versions
    qualify row_number() over (
        partition by relative_path order by last_seen_at desc, first_seen_at desc
    ) = 1
),

-- the same content under two paths is one document, shown under its first path
current_documents as (
    select
        document_id,
        relative_path,
    from current_paths
    where removed_at is null
    qualify row_number() over (partition by document_id order by relative_path) = 1
),

final as (
    select
        documents.document_id,
        documents.landing_seq,
        current_documents.relative_path,
        documents.file_format,
        documents.byte_size,
        documents.form_kinds,
        documents.status as load_status,
        documents.error_text,
        documents.line_count,
        documents.page_count,
        documents.parser_version,
        documents.loaded_at,
        parse_filename(current_documents.relative_path) as file_name,
        nullif(trim(documents.title), '') as title,
    from documents
    inner join current_documents
        on documents.document_id = current_documents.document_id
)

select * from final

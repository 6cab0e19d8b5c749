-- The history of every input file: what each run found at each path, what replaced it, when it went.
with

document_versions as (
    select * from {{ source('landing', 'document_versions') }}
),

final as (
    select
        relative_path,
        document_id,
        file_status,
        reason,
        first_seen_run,
        first_seen_at,
        last_seen_run,
        last_seen_at,
        superseded_by,
        superseded_at,
        removed_run,
        removed_at,
        superseded_by is null and removed_at is null as is_current,
    from document_versions
)

select * from final

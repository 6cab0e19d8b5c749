with

forms as (
    select * from {{ source('landing', 'forms') }}
),

final as (
    select
        form_id,
        document_id,
        form_seq,
        form_kind,
        line_start,
        line_end,
        nullif(trim(title), '') as form_title,
        nullif(trim(subject_name), '') as subject_name,
    from forms
)

select * from final

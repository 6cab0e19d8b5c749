with

parse_issues as (
    select * from {{ source('landing', 'parse_issues') }}
),

final as (
    select
        document_id,
        form_id,
        issue_seq,
        severity,
        code as issue_code,
        message,
        line_no,
        text as text_printed,
    from parse_issues
)

select * from final

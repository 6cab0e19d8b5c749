with

projects as (
    select * from {{ ref('int_projects_assembled') }}
),

final as (
    select
        {{ surrogate_key(['document_id', 'form_seq']) }} as project_key,
        {{ surrogate_key(['document_id']) }} as document_key,
        form_id,
        project_name,
        form_title,
        implementing_unit,
        supervising_department,
        attribute_printed,
        period_text,
        main_content,
        basis_text,
        line_start,
        line_end,
        form_kind,
        fund_name,
        implementing_department_key,
        supervising_department_key,
        coalesce(implementing_department_key, supervising_department_key) as department_key,
        {{ surrogate_key(["coalesce(spending_direction_name, '未知')"]) }} as spending_direction_key,
        spending_direction_printed,
        spending_direction_source,
    from projects
)

select * from final

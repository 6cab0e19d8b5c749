-- The department each form belongs to: its 主管部门 when printed, else the form's own subject (a
-- department form is about the department itself), so checks can be counted per department.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
),

supervising as (
    select
        form_id,
        min(value_printed) as supervising_department,
    from form_fields
    where field_key = 'supervising_department' and value_printed is not null
    group by form_id
),

final as (
    select
        forms.form_id,
        forms.document_id,
        forms.form_kind,
        coalesce(supervising.supervising_department, forms.subject_name, '（未知 unknown）') as department_name,
    from forms
    left join supervising on forms.form_id = supervising.form_id
)

select * from final

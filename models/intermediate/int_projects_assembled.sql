-- One row per project form: its labelled header fields turned into columns.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
),

project_forms as (
    select * from forms
    where form_kind = 'project_target'
),

-- a label printed twice in one form keeps its first value; the others stay in landing
first_fields as (
    select
        form_id,
        field_key,
        value_printed,
        line_no,
    from form_fields
    qualify row_number() over (partition by form_id, field_key order by field_seq) = 1
),

pivoted as (
    select
        form_id,
        max(value_printed) filter (where field_key = 'project_name') as project_name,
        max(value_printed) filter (where field_key = 'implementing_unit') as implementing_unit,
        max(value_printed) filter (
            where field_key = 'supervising_department'
        ) as supervising_department,
        max(value_printed) filter (where field_key = 'attribute') as attribute_printed,
        max(value_printed) filter (where field_key = 'period') as period_text,
        max(value_printed) filter (where field_key = 'main_content') as main_content,
        max(value_printed) filter (where field_key = 'basis') as basis_text,
    from first_fields
    group by form_id
),

final as (
    select
        project_forms.form_id,
        project_forms.document_id,
        project_forms.form_seq,
        project_forms.form_title,
        pivoted.implementing_unit,
        pivoted.supervising_department,
        pivoted.attribute_printed,
        pivoted.period_text,
        pivoted.main_content,
        pivoted.basis_text,
        project_forms.line_start,
        project_forms.line_end,
        coalesce(pivoted.project_name, project_forms.subject_name) as project_name,
    from project_forms
    left join pivoted
        on project_forms.form_id = pivoted.form_id
)

select * from final

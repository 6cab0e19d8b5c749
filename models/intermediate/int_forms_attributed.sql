-- One row per form: the project it describes (if any), the department it belongs to and the spending
-- direction, so that every fact joins its dimensions the same way. A form that names no department (003's
-- 基础数据表) belongs to the department its document is about: the one most often named as such.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

project_forms as (
    select * from {{ ref('int_projects_assembled') }}
),

projects as (
    select * from {{ ref('dim_project') }}
),

departments as (
    select * from {{ ref('int_departments_resolved') }}
),

form_departments as (
    select
        form_id,
        department_key,
    from departments
    where department_role = 'department'
),

document_departments as (
    select
        document_id,
        department_key,
        count(*) as form_count,
    from departments
    where department_role = 'department'
    group by document_id, department_key
    qualify row_number() over (partition by document_id order by form_count desc, department_key asc) = 1
),

final as (
    select
        forms.form_id,
        forms.document_id,
        forms.form_kind,
        forms.form_seq,
        -- a form of a whole department belongs to the dimension's no-project member, never to NULL
        coalesce(projects.project_key, {{ no_project_key() }}) as project_key,
        coalesce(projects.spending_direction_key, {{ unknown_direction_key() }}) as spending_direction_key,
        projects.project_key is null as is_department_form,
        -- a form that names no department, in a document that names none, joins the unknown department
        coalesce(
            projects.department_key,
            form_departments.department_key,
            document_departments.department_key,
            {{ unknown_department_key() }}
        ) as department_key,
    from forms
    left join project_forms
        on forms.form_id = project_forms.form_id
    left join projects
        on project_forms.project_key = projects.project_key
    left join form_departments
        on forms.form_id = form_departments.form_id
    left join document_departments
        on forms.document_id = document_departments.document_id
)

select * from final

-- The department each form belongs to, as the facts attribute it (int_forms_attributed: the project's
-- department, else the department the form names, else the one its document is about), keyed by the
-- department dimension so that checks are counted per department_key.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

attributed as (
    select * from {{ ref('int_forms_attributed') }}
),

final as (
    select
        forms.form_id,
        forms.document_id,
        forms.form_kind,
        attributed.department_key,
    from forms
    left join attributed on forms.form_id = attributed.form_id
)

select * from final

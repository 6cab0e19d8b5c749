-- The department each form belongs to, as the facts attribute it (int_forms_attributed: the project's
-- department, else the department the form names, else the one its document is about), keyed by the
-- department dimension so that checks are counted per department_key.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content is scored once, as the original
forms as (
    select * from {{ ref('stg_landing__forms') }}
    where document_id not in (select duplicates.document_id from duplicates)
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

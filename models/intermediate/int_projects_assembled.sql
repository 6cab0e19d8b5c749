-- One row per project form of the documents counted in the facts: int_project_forms without the forms of a
-- document that duplicates another's content (counted once, as the original). A view: which document is a
-- duplicate changes as documents come and go, a form's row does not.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

project_forms as (
    select * from {{ ref('int_project_forms') }}
),

final as (
    select * from project_forms
    where document_id not in (select duplicates.document_id from duplicates)
)

select * from final

-- One row per form that prints what describes a project (实施单位, 主管部门, 项目属性, 实施期, 主要内容, 立项依据):
-- the first value of each such label (a label printed twice keeps its first; the others stay in landing).
-- A model of its own: these are the long texts of a form, and aggregated inside int_projects_assembled they
-- shared its memory with its joins over every project form, which at a province's size did not fit.
with

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
    where
        field_key in ('implementing_unit', 'supervising_department', 'attribute', 'period', 'main_content', 'basis')
        and {{ is_new_document(landing=true) }}
),

-- no window over the fields: its input would hold every text in memory
first_fields as (
    select
        form_id,
        document_id,
        field_key,
        arg_min(value_printed, field_seq) as value_printed,
    from form_fields
    group by form_id, document_id, field_key
),

final as (
    select
        form_id,
        document_id,
        max(value_printed) filter (where field_key = 'implementing_unit') as implementing_unit,
        max(value_printed) filter (where field_key = 'supervising_department') as supervising_department,
        max(value_printed) filter (where field_key = 'attribute') as attribute_printed,
        max(value_printed) filter (where field_key = 'period') as period_text,
        max(value_printed) filter (where field_key = 'main_content') as main_content,
        max(value_printed) filter (where field_key = 'basis') as basis_text,
    from first_fields
    group by form_id, document_id
)

select * from final

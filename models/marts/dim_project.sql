-- One row per project or special fund of a document; a project printed in several forms (001: its 汇总表 row
-- and its 支出方向 form) takes each field from the first form that prints it; forms of two documents with the
-- same number are ordered by their id, so every build takes the same one.
-- A project's row comes from its forms alone, and a form's row is its document's and never changes under its id:
-- a night builds again only the projects whose set of forms changed (forms_fingerprint, the model's config in
-- dbt_project.yml). A full refresh gives the same table.
with

project_forms as (
    select
        *,
        (form_seq, form_id) as form_order,
    from {{ ref('int_projects_assembled') }}
),

{% if is_incremental() -%}
-- the set of a project's forms: their count and the sum of their ids' hashes
fingerprints as (
    select
        project_key,
        {{ rows_fingerprint(['form_id']) }} as forms_fingerprint,
    from project_forms
    group by project_key
),

-- the projects new tonight or whose forms changed (a form of another document came, went, or is now counted as a
-- duplicate); projects left with no form leave in the post-hook
changed as (
    {{ changed_groups('fingerprints', 'project_key', 'forms_fingerprint') }}
),

{% endif -%}

forms_to_build as (
    select * from project_forms
    where {{ 'project_key in (select changed.project_key from changed)' if is_incremental() else 'true' }}
),

grouped as (
    select
        project_key,
        cast(count(*) as integer) as form_count,
        -- a project printed in several documents (a target form and its self-evaluation) is listed under the first
        min(document_id) as document_id,
        arg_min(form_id, form_order) as form_id,
        arg_min(project_name, form_order) filter (where project_name is not null) as project_name,
        arg_min(form_title, form_order) filter (where form_title is not null) as form_title,
        arg_min(implementing_unit, form_order) filter (where implementing_unit is not null) as implementing_unit,
        arg_min(supervising_department, form_order) filter (
            where supervising_department is not null
        ) as supervising_department,
        arg_min(attribute_printed, form_order) filter (where attribute_printed is not null) as attribute_printed,
        arg_min(period_text, form_order) filter (where period_text is not null) as period_text,
        arg_min(main_content, form_order) filter (where main_content is not null) as main_content,
        arg_min(basis_text, form_order) filter (where basis_text is not null) as basis_text,
        min(line_start) as line_start,
        max(line_end) as line_end,
        arg_min(form_kind, form_order) as form_kind,
        list_sort(list_distinct(list(form_kind))) as form_kinds,
        arg_min(fund_name, form_order) filter (where fund_name is not null) as fund_name,
        any_value(project_name_key) as project_name_key,
        any_value(fiscal_year) as fiscal_year,
        any_value(owner_department_key) as owner_department_key,
        arg_min(implementing_department_key, form_order) filter (
            where implementing_department_key is not null
        ) as implementing_department_key,
        arg_min(supervising_department_key, form_order) filter (
            where supervising_department_key is not null
        ) as supervising_department_key,
        coalesce(
            arg_min(implementing_department_key, form_order) filter (where implementing_department_key is not null),
            arg_min(supervising_department_key, form_order) filter (where supervising_department_key is not null),
            arg_min(reporting_department_key, form_order) filter (where reporting_department_key is not null)
        ) as department_key,
        arg_min(spending_direction_name, form_order) filter (
            where spending_direction_name is not null
        ) as spending_direction_name,
        arg_min(spending_direction_printed, form_order) filter (
            where spending_direction_printed is not null
        ) as spending_direction_printed,
        case
            when bool_or(spending_direction_source = 'printed') then 'printed'
            when bool_or(spending_direction_source = 'mapped') then 'mapped'
            else 'unknown'
        end as spending_direction_source,
        -- all of the project's forms are here: the fingerprint the night compared
        {{ rows_fingerprint(['form_id']) }} as forms_fingerprint,
    from forms_to_build
    group by project_key
),

projects as (
    select
        * exclude (document_id, spending_direction_name),
        {{ surrogate_key(['document_id']) }} as document_key,
        {{ surrogate_key(["coalesce(spending_direction_name, '未知')"]) }} as spending_direction_key,
        false as is_member,
    from grouped
),

-- the member that amounts and indicators of a whole department (no project) join, so no fact has a NULL key
no_project_member as (
    select
        {{ no_project_key() }} as project_key,
        '（部门整体，无项目）' as project_name,
        'none' as spending_direction_source,
        {{ unknown_direction_key() }} as spending_direction_key,
        true as is_member,
),

final as (
    select * from projects
    union all by name
    select * from no_project_member
)

select * from final

-- One row per project form: its labelled header fields turned into columns, its departments resolved, the
-- project it describes (001 prints each special fund twice, in its 汇总表 row and in its 支出方向 form:
-- forms of one document with the same project name are one project, keyed by the first form) and its
-- spending direction: as printed (001 prints 支出方向), else mapped from the project or fund name through
-- the seed spending_directions; a name no pattern fits stays unknown rather than guessed.
-- Every form reads its own document only: incremental by document, duplicates included (int_projects_assembled
-- leaves them out), so a night assembles the projects of its new documents only.
{% set allocation_title = '(分配|安排|下达)(明细|情况)?表$' %}

with

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

form_fields as not materialized (
    select * from {{ ref('stg_landing__form_fields') }}
    {{ new_documents_only(landing=true) }}
),

-- a form's departments by role, one row per form (a form names at most one of each): one join, not one per role,
-- each of which held every project form's row in a hash table
departments as (
    select
        form_id,
        max(department_key) filter (where department_role = 'implementing') as implementing_department_key,
        max(department_key) filter (where department_role = 'supervising') as supervising_department_key,
        max(department_key) filter (where department_role = 'department') as reporting_department_key,
    from {{ ref('int_departments_resolved') }}
    {{ new_documents_only() }}
    group by form_id
),

directions as (
    select * from {{ ref('spending_directions') }}
),

documents as (
    select * from {{ ref('int_documents_dated') }}
    {{ new_documents_only() }}
),

documents_regioned as (
    select * from {{ ref('int_documents_regioned') }}
    {{ new_documents_only() }}
),

-- the form kinds that describe one project or special fund (department forms are not projects); a
-- narrative (a notice or a 公示) describes a project when it names the one it implements (实施…项目)
project_forms as (
    select * from forms
    where
        form_kind in (
            'project_target', 'special_fund_summary', 'spending_direction_target', 'project_self_evaluation'
        )
        or (form_kind = 'narrative' and subject_name is not null)
),

-- a label printed twice in one form keeps its first value; the others stay in landing. Read without a window:
-- its input would hold every value in memory (the long texts that describe a project are int_project_descriptions')
first_fields as (
    select
        form_id,
        field_key,
        arg_min(value_printed, field_seq) as value_printed,
    from form_fields
    group by form_id, field_key
),

-- what a project is keyed and directed by, short texts that the steps below carry
pivoted as (
    select
        form_id,
        max(value_printed) filter (where field_key = 'project_name') as project_name,
        max(value_printed) filter (where field_key = 'spending_direction') as spending_direction_printed,
        max(value_printed) filter (where field_key in ('fund_name', 'special_fund_name')) as fund_name,
    from first_fields
    where field_key in ('project_name', 'spending_direction', 'fund_name', 'special_fund_name')
    group by form_id
),

-- what describes it, joined in the last step only
descriptions as (
    select * from {{ ref('int_project_descriptions') }}
    {{ new_documents_only() }}
),

assembled as (
    select
        project_forms.form_id,
        project_forms.document_id,
        project_forms.form_seq,
        project_forms.form_kind,
        project_forms.form_title,
        pivoted.spending_direction_printed,
        pivoted.fund_name,
        project_forms.subject_key,
        project_forms.line_start,
        project_forms.line_end,
        -- a row of an allocation table that names only who receives the money (项目单位 | 金额) is that
        -- recipient's share of the fund the table's title names: 2024年…补助资金(卫健局), not 卫健局
        coalesce(
            pivoted.project_name,
            case
                when
                    project_forms.form_kind = 'special_fund_summary'
                    and regexp_matches(project_forms.form_title, '{{ allocation_title }}')
                    then
                        regexp_replace(
                            regexp_replace(project_forms.form_title, '{{ allocation_title }}', ''),
                            '^附件\s*\d*\s*[:：]?\s*',
                            ''
                        )
                        || '(' || project_forms.subject_name || ')'
            end,
            project_forms.subject_name
        ) as project_name,
    from project_forms
    left join pivoted
        on project_forms.form_id = pivoted.form_id
),

-- the first form of a project names it; a form without a name is a project of its own
keyed as (
    select
        *,
        min(form_seq) over (
            partition by document_id, coalesce(subject_key, cast(form_seq as varchar))
        ) as project_form_seq,
    from assembled
),

-- the direction is mapped through the seed from the printed direction first (001 prints 支出方向: 残疾人 →
-- 残疾人事业), else from the project or fund name; a printed direction no pattern fits is kept as printed
direction_texts as (
    select
        form_id,
        1 as text_rank,
        spending_direction_printed as direction_text,
    from keyed
    where spending_direction_printed is not null
    union all
    select
        form_id,
        2 as text_rank,
        coalesce(project_name, '') || '|' || coalesce(fund_name, '') as direction_text,
    from keyed
),

-- the seed's patterns run once per distinct text, not once per form (macros/pattern_matches.sql): project names
-- print their place, so distinct texts grow with the corpus
text_directions as (
    {{ first_pattern_match(
        'direction_texts', 'direction_text', 'directions', 'name_pattern', 'priority',
        ['direction_key', 'direction_name_zh']
    ) }}
),

direction_matches as (
    select
        direction_texts.form_id,
        text_directions.direction_key,
        text_directions.direction_name_zh,
    from direction_texts
    inner join text_directions
        on direction_texts.direction_text = text_directions.direction_text
    qualify row_number() over (
        partition by direction_texts.form_id order by direction_texts.text_rank, text_directions.priority
    ) = 1
),

final as (
    select
        keyed.*,
        descriptions.implementing_unit,
        descriptions.supervising_department,
        descriptions.attribute_printed,
        descriptions.period_text,
        descriptions.main_content,
        descriptions.basis_text,
        -- a project is its business identity, not the bytes of its file: the department that owns it (主管部门, else
        -- the reporting department, else the implementing unit; else the document's region), its normalised name and
        -- its fiscal year. A corrected re-issue, and the target form and self-evaluation of one project, share it.
        {{ surrogate_key([
            "coalesce(departments.supervising_department_key, departments.reporting_department_key,"
            ~ " departments.implementing_department_key,"
            ~ " 'region:' || coalesce(documents_regioned.region_admin_code, 'unknown'))",
            "coalesce(nullif(" ~ project_name_key('keyed.project_name') ~ ", ''),"
            ~ " 'form:' || keyed.document_id || ':' || keyed.project_form_seq)",
            'documents.fiscal_year',
        ]) }} as project_key,
        {{ project_name_key('keyed.project_name') }} as project_name_key,
        coalesce(
            departments.supervising_department_key,
            departments.reporting_department_key,
            departments.implementing_department_key
        ) as owner_department_key,
        documents.fiscal_year,
        departments.implementing_department_key,
        departments.supervising_department_key,
        departments.reporting_department_key,
        coalesce(direction_matches.direction_name_zh, keyed.spending_direction_printed)
            as spending_direction_name,
        case
            when keyed.spending_direction_printed is not null then 'printed'
            when direction_matches.direction_key is not null then 'mapped'
            else 'unknown'
        end as spending_direction_source,
    from keyed
    left join departments
        on keyed.form_id = departments.form_id
    left join descriptions
        on keyed.form_id = descriptions.form_id
    left join direction_matches
        on keyed.form_id = direction_matches.form_id
    left join documents
        on keyed.document_id = documents.document_id
    left join documents_regioned
        on keyed.document_id = documents_regioned.document_id
)

select * from final

-- One row per landing amount with what an analyst needs before summing it: its role in the printed structure
-- (a total with parts, a part of a named breakdown, or a single amount), its stage, its period (one year or the
-- project's several years), its kind of money and whether it is counted: each amount of money is counted once,
-- as the leaves of one breakdown when the parts add up to their total and as the total when they do not, from
-- one form per subject, stage and year. The structure read within each document is int_funding_structure's.
-- An amount's row comes from its document's structure and its subject's (its project's, or else its department's)
-- forms, and an amount's own columns never change under its id: a night builds again only the subjects whose
-- amounts or forms changed (subject_fingerprint, the model's config in dbt_project.yml). A full refresh gives the
-- same table.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content is counted once, as the original; only the columns the roles are
-- decided from. Read twice (whose each amount is, and its role): scanned each time rather than held whole
staged as not materialized (
    select
        amount_id,
        form_id,
        document_id,
        parent_amount_id,
        amount_wan,
        item_label_printed,
        stage_printed,
        fiscal_year,
        money_kind,
        money_kind_reason,
        stage_key,
        stage_source,
        statement_priority,
        breakdown_name,
        primary_breakdown_name,
        parts_add_up,
        parts_wan,
    from {{ ref('int_funding_structure') }}
    where document_id not in (select duplicates.document_id from duplicates)
),

attributed as (
    select * from {{ ref('int_forms_attributed') }}
),

-- whom each amount is counted for: its project, or for a department form its department (not the no-project
-- member every department form shares), or else its document
owned as (
    select
        staged.amount_id,
        staged.document_id,
        attributed.project_key,
        attributed.department_key,
        attributed.form_seq,
        coalesce({{ owner_key('attributed') }}, attributed.department_key, staged.document_id) as subject_id,
    from staged
    left join attributed
        on staged.form_id = attributed.form_id
),

-- what a subject's rows are made of: its amounts with their project, department and place among the forms
fingerprints as (
    select
        subject_id,
        {{ rows_fingerprint(['amount_id', 'project_key', 'department_key', 'form_seq']) }} as subject_fingerprint,
    from owned
    group by subject_id
),

{% if is_incremental() -%}
-- the subjects new tonight or whose amounts changed; amounts no longer counted leave in the post-hook
changed as (
    {{ changed_groups('fingerprints', 'subject_id', 'subject_fingerprint') }}
),

-- the documents that hold an amount of a changed subject, read whole: a total and its parts are one document's
read_documents as (
    select distinct owned.document_id,
    from owned
    where owned.subject_id in (select changed.subject_id from changed)
),

{% endif -%}

project_forms as (
    select * from {{ ref('int_projects_assembled') }}
),

-- a project whose printed period spans several years (2018 年 6 月— 2024 年 7 月, 2018 年起)
project_periods as (
    select
        form_id,
        period_text,
        len(list_distinct(regexp_extract_all(coalesce(period_text, ''), '(?:19|20)\d{2}'))) > 1
        or regexp_matches(coalesce(period_text, ''), '起|永久|止') as spans_years,
    from project_forms
),

structured as (
    select
        staged.*,
        project_periods.period_text,
        coalesce(project_periods.spans_years, false) as project_spans_years,
        -- a multi-year total: named as such, or printed under a column of the project's whole period (中期资金总额,
        -- with its parts), or a total of a multi-year project larger than its parts (which state the year's money)
        staged.amount_wan is not null and (
            regexp_matches(coalesce(staged.item_label_printed, ''), '总投资|累计|计划总|项目总预算')
            or regexp_matches(coalesce(staged.stage_printed, ''), '中期|实施期')
            or (
                coalesce(project_periods.spans_years, false)
                and staged.parts_add_up = false
                and staged.parts_wan < staged.amount_wan
            )
        ) as is_multi_year,
    from staged
    left join project_periods
        on staged.form_id = project_periods.form_id
    {%- if is_incremental() %}
    where staged.document_id in (select read_documents.document_id from read_documents)
    {%- endif %}
),

-- a total hands its counting to its parts when they add up, when it is printed without an amount, or when it
-- covers several years (its parts are the year's money)
delegated as (
    select
        *,
        primary_breakdown_name is not null and (parts_add_up or is_multi_year) as counts_in_parts,
    from structured
),

linked as (
    select
        child.*,
        -- a root, or a part under a heading printed without an amount (项目支出：), or a part of the breakdown its
        -- total hands its counting to
        parent.amount_wan is null
        or (parent.counts_in_parts and child.breakdown_name = parent.primary_breakdown_name) as link_counts,
    from delegated as child
    left join delegated as parent
        on child.parent_amount_id = parent.amount_id
),

-- counted in the structure when every link up to the root is counted (the printed structures are at most four
-- levels deep)
scoped as (
    select
        linked.*,
        coalesce(linked.link_counts, true)
        and coalesce(parent.link_counts, true)
        and coalesce(grandparent.link_counts, true) as is_in_counted_structure,
    from linked
    left join linked as parent
        on linked.parent_amount_id = parent.amount_id
    left join linked as grandparent
        on parent.parent_amount_id = grandparent.amount_id
),

subjects as (
    select
        scoped.*,
        owned.project_key,
        owned.department_key,
        owned.form_seq,
        owned.subject_id,
        case
            when scoped.primary_breakdown_name is not null then 'total'
            when scoped.parent_amount_id is not null then 'part'
            else 'single'
        end as amount_role,
        case
            when scoped.money_kind != 'funds' then scoped.money_kind
            when scoped.stage_key = '未注明' then 'no_stage'
            when scoped.is_multi_year then 'multi_year'
            when not scoped.is_in_counted_structure then 'not_counted_breakdown'
            when scoped.counts_in_parts then 'counted_in_parts'
        end as exclusion_reason,
    from scoped
    left join owned
        on scoped.amount_id = owned.amount_id
),

-- one form states a subject's money for a stage and year: the form kind ranked first (a table over the prose
-- that restates it), then the first printed; a tie (one project printed in two documents) goes to the lower
-- form id, so every build picks the same form
statements as (
    select
        subject_id,
        stage_key,
        fiscal_year,
        arg_min(form_id, (statement_priority, form_seq, form_id)) as statement_form_id,
    from subjects
    where exclusion_reason is null
    group by subject_id, stage_key, fiscal_year
),

final as (
    select
        subjects.amount_id,
        subjects.form_id,
        subjects.document_id,
        subjects.project_key,
        subjects.department_key,
        subjects.subject_id,
        fingerprints.subject_fingerprint,
        subjects.amount_role,
        subjects.breakdown_name,
        subjects.primary_breakdown_name,
        subjects.parts_add_up,
        cast(subjects.parts_wan as decimal(20, 6)) as parts_wan,
        subjects.stage_key,
        subjects.stage_source,
        subjects.period_text,
        subjects.money_kind,
        subjects.money_kind_reason,
        case when subjects.is_multi_year then 'multi_year' else 'single_year' end as period_kind,
        coalesce(
            subjects.exclusion_reason,
            case when subjects.form_id != coalesce(statements.statement_form_id, '') then 'restated' end
        ) as exclusion_reason,
        coalesce(subjects.exclusion_reason is null and subjects.form_id = statements.statement_form_id, false)
            as is_countable,
    from subjects
    inner join fingerprints
        on subjects.subject_id = fingerprints.subject_id
    left join statements
        on
            subjects.subject_id = statements.subject_id
            and subjects.stage_key = statements.stage_key
            and coalesce(subjects.fiscal_year, 0) = coalesce(statements.fiscal_year, 0)
    -- the other subjects of the documents read were read for theirs; they are built when they change themselves
    where {{ 'subjects.subject_id in (select changed.subject_id from changed)' if is_incremental() else 'true' }}
)

select * from final

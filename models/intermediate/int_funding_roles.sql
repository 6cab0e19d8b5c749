-- One row per landing amount with what an analyst needs before summing it: its role in the printed structure
-- (a total with parts, a part of a named breakdown, or a single amount), its stage (printed, else the amount it is
-- part of, else the form kind's), its period (one year or the project's several years), its kind of money
-- (this subject's funds, or a derived figure, a control figure, income or a share) and whether it is counted:
-- each amount of money is counted once, as the leaves of one breakdown when the parts add up to their total and
-- as the total when they do not, from one form per subject, stage and year.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content is counted once, as the original
amounts as (
    select * from {{ ref('int_amounts_classified') }}
    where document_id not in (select duplicates.document_id from duplicates)
),

attributed as (
    select * from {{ ref('int_forms_attributed') }}
),

project_forms as (
    select * from {{ ref('int_projects_assembled') }}
),

source_lines as (
    select * from {{ ref('stg_landing__source_lines') }}
),

money_kinds as (
    select * from {{ ref('funding_money_kinds') }}
),

form_kinds as (
    select * from {{ ref('funding_form_kinds') }}
),

-- the words printed just before the amount on its line (送上慰问物资，共计74560元 → 送上慰问物资，共计)
contexted as (
    select
        amounts.*,
        case
            when strpos(source_lines.line_text, amounts.text_printed) > 0
                then right(
                    substr(source_lines.line_text, 1, strpos(source_lines.line_text, amounts.text_printed) - 1), 30
                )
        end as context_before,
    from amounts
    left join source_lines
        on amounts.document_id = source_lines.document_id and amounts.line_no = source_lines.line_no
),

-- the seed's patterns run once per distinct (item, label, words before), not once per amount: the join with
-- the seed then costs what the distinct texts cost
distinct_contexts as (
    select distinct
        coalesce(item_key, '') as item_text,
        coalesce(item_label_printed, '') as label_text,
        coalesce(context_before, '') as context_text,
    from contexted
),

context_kinds as (
    select
        distinct_contexts.item_text,
        distinct_contexts.label_text,
        distinct_contexts.context_text,
        money_kinds.money_kind,
        money_kinds.reason_en,
    from distinct_contexts
    inner join money_kinds
        on
            (money_kinds.item_pattern is null or regexp_matches(distinct_contexts.item_text, money_kinds.item_pattern))
            and (
                money_kinds.label_pattern is null
                or regexp_matches(distinct_contexts.label_text, money_kinds.label_pattern)
            )
            and (
                money_kinds.context_pattern is null
                or regexp_matches(distinct_contexts.context_text, money_kinds.context_pattern)
            )
    qualify row_number() over (
        partition by distinct_contexts.item_text, distinct_contexts.label_text, distinct_contexts.context_text
        order by money_kinds.priority
    ) = 1
),

kind_matches as (
    select
        contexted.amount_id,
        context_kinds.money_kind,
        context_kinds.reason_en,
    from contexted
    inner join context_kinds
        on
            coalesce(contexted.item_key, '') = context_kinds.item_text
            and coalesce(contexted.item_label_printed, '') = context_kinds.label_text
            and coalesce(contexted.context_before, '') = context_kinds.context_text
),

typed as (
    select
        contexted.*,
        case
            when contexted.amount_wan is null and contexted.share_pct is not null then 'share'
            when contexted.amount_wan is null then 'no_amount'
            else coalesce(kind_matches.money_kind, 'funds')
        end as money_kind,
        case
            when contexted.amount_wan is null and contexted.share_pct is not null then 'a share printed as a percent'
            when contexted.amount_wan is null then 'no amount printed'
            else coalesce(kind_matches.reason_en, 'money of this project or department')
        end as money_kind_reason,
    from contexted
    left join kind_matches
        on contexted.amount_id = kind_matches.amount_id
),

-- the stage: printed, else the one of the amount it is part of, else the one its form kind states
staged as (
    select
        typed.* exclude (stage_key),
        coalesce(typed.stage_key, parent.stage_key, grandparent.stage_key, form_kinds.default_stage_key, '未注明')
            as stage_key,
        case
            when typed.stage_key is not null then 'printed'
            when coalesce(parent.stage_key, grandparent.stage_key) is not null then 'parent'
            when form_kinds.default_stage_key is not null then 'form_kind'
            else 'unknown'
        end as stage_source,
        coalesce(form_kinds.statement_priority, 99) as statement_priority,
    from typed
    left join typed as parent
        on typed.parent_amount_id = parent.amount_id
    left join typed as grandparent
        on parent.parent_amount_id = grandparent.amount_id
    left join form_kinds
        on typed.form_kind = form_kinds.form_kind
),

-- a part's breakdown is the heading it is printed under when that differs from its total's (按收入性质分 /
-- 按支出性质分), else the total's 其中
parts as (
    select
        child.amount_id,
        child.parent_amount_id,
        child.amount_wan,
        child.money_kind,
        child.line_no,
        case
            when child.section is not null and child.section != coalesce(parent.section, '') then child.section
            else '其中'
        end as breakdown_name,
    from staged as child
    inner join staged as parent
        on child.parent_amount_id = parent.amount_id
),

breakdowns as (
    select
        parent_amount_id,
        breakdown_name,
        sum(amount_wan) filter (where money_kind = 'funds') as parts_wan,
        count(*) filter (where money_kind = 'funds') as money_part_count,
        min(line_no) as first_line,
    from parts
    group by parent_amount_id, breakdown_name
),

-- parts add up when they are within a cent per part of their total; a total printed without an amount (a
-- heading such as 项目支出：) is made of its parts
fitted as (
    select
        breakdowns.*,
        staged.amount_wan as total_wan,
        abs(staged.amount_wan - breakdowns.parts_wan) as gap_wan,
        breakdowns.money_part_count > 0
        and (
            staged.amount_wan is null
            or abs(staged.amount_wan - breakdowns.parts_wan) <= 0.01 * breakdowns.money_part_count
        ) as adds_up,
    from breakdowns
    inner join staged
        on breakdowns.parent_amount_id = staged.amount_id
),

-- of several breakdowns of one total, the one that adds up (else the closest, else the first printed) is counted
primary_breakdowns as (
    select * from fitted
    where money_part_count > 0
    qualify row_number() over (
        partition by parent_amount_id order by adds_up desc, gap_wan asc nulls last, first_line asc
    ) = 1
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
        parts.breakdown_name,
        primary_breakdowns.breakdown_name as primary_breakdown_name,
        primary_breakdowns.adds_up as parts_add_up,
        primary_breakdowns.parts_wan,
        project_periods.period_text,
        coalesce(project_periods.spans_years, false) as project_spans_years,
        -- a multi-year total: named as such, or printed under a column of the project's whole period (中期资金总额,
        -- with its parts), or a total of a multi-year project larger than its parts (which state the year's money)
        staged.amount_wan is not null and (
            regexp_matches(coalesce(staged.item_label_printed, ''), '总投资|累计|计划总|项目总预算')
            or regexp_matches(coalesce(staged.stage_printed, ''), '中期|实施期')
            or (
                coalesce(project_periods.spans_years, false)
                and primary_breakdowns.adds_up = false
                and primary_breakdowns.parts_wan < staged.amount_wan
            )
        ) as is_multi_year,
    from staged
    left join parts
        on staged.amount_id = parts.amount_id
    left join primary_breakdowns
        on staged.amount_id = primary_breakdowns.parent_amount_id
    left join project_periods
        on staged.form_id = project_periods.form_id
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
        attributed.project_key,
        attributed.department_key,
        attributed.form_seq,
        coalesce(attributed.project_key, attributed.department_key, scoped.document_id) as subject_id,
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
    left join attributed
        on scoped.form_id = attributed.form_id
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
    left join statements
        on
            subjects.subject_id = statements.subject_id
            and subjects.stage_key = statements.stage_key
            and coalesce(subjects.fiscal_year, 0) = coalesce(statements.fiscal_year, 0)
)

select * from final

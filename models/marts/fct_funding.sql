-- One row per amount line: which document, project and department, which funding item, which stage and
-- year, how much in 万元 (DECIMAL), the amount it is part of (其中 / 合计 structure), and what an analyst needs
-- before summing it: its role, its period, its kind of money and whether it is counted (int_funding_roles).
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content (the same report in another format) is counted once, as the original;
-- read where it is used, not materialised: a first night's amounts, every column of them, do not fit the memory
-- the build is given
amounts as not materialized (
    select * from {{ ref('int_amounts_classified') }}
    where document_id not in (select duplicates.document_id from duplicates)
),

-- the label of the total an amount is part of, for its key
parents as (
    select
        amount_id,
        item_label_printed,
    from {{ ref('int_amounts_classified') }}
),

-- the roles and the forms are each joined twice (for the key, then for the row): read where they are used, with
-- only the columns used, since a CTE read twice is held whole, and at a province's size every amount's roles
-- held whole beside the joins ran out of the build's memory
roles as not materialized (
    select
        amount_id,
        stage_key,
        stage_source,
        amount_role,
        breakdown_name,
        period_kind,
        money_kind,
        is_countable,
        exclusion_reason,
    from {{ ref('int_funding_roles') }}
),

attributed as not materialized (
    select
        form_id,
        is_department_form,
        department_key,
        project_key,
        spending_direction_key,
    from {{ ref('int_forms_attributed') }}
),

-- an amount is keyed inside its project (department for department forms) by its form kind, its item label and
-- the label of the total it is part of, its stage and year, and the how-many-th such line it is: a corrected
-- re-issue of the document keeps every key
identities as (
    select
        amounts.amount_id,
        amounts.document_id,
        amounts.line_no,
        amounts.amount_seq,
        {{ surrogate_key([
            "case when attributed.is_department_form then 'department:' || attributed.department_key"
            ~ " else attributed.project_key end",
            'amounts.form_kind',
            project_name_key('amounts.item_label_printed'),
            project_name_key('parents.item_label_printed'),
            'roles.stage_key',
            'amounts.fiscal_year',
        ]) }} as identity_key,
    from amounts
    left join attributed
        on amounts.form_id = attributed.form_id
    left join roles
        on amounts.amount_id = roles.amount_id
    left join parents
        on amounts.parent_amount_id = parents.amount_id
),

keys as (
    select
        amount_id,
        {{ surrogate_key([
            'identity_key',
            'row_number() over (partition by identity_key order by document_id, line_no, amount_seq, amount_id)',
        ]) }} as funding_key,
    from identities
),

final as (
    select
        keys.funding_key,
        {{ surrogate_key(['amounts.document_id']) }} as document_key,
        attributed.project_key,
        attributed.department_key,
        attributed.spending_direction_key,
        amounts.item_key,
        roles.stage_key,
        cast(amounts.fiscal_year as integer) as fiscal_year,
        cast(amounts.amount_wan as decimal(20, 6)) as amount_wan,
        cast(amounts.share_pct as decimal(9, 4)) as share_pct,
        amounts.text_printed,
        amounts.item_label_printed,
        amounts.stage_printed,
        amounts.section,
        amounts.form_kind,
        parent_keys.funding_key as parent_funding_key,
        amounts.line_no,
        amounts.amount_id,
        roles.stage_source,
        roles.amount_role,
        roles.breakdown_name,
        roles.period_kind,
        roles.money_kind,
        roles.is_countable,
        roles.exclusion_reason,
    from amounts
    left join keys
        on amounts.amount_id = keys.amount_id
    left join keys as parent_keys
        on amounts.parent_amount_id = parent_keys.amount_id
    left join attributed
        on amounts.form_id = attributed.form_id
    left join roles
        on amounts.amount_id = roles.amount_id
)

select * from final

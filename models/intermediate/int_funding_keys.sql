-- One row per amount of the funding fact (a duplicate document's amounts are counted once, as the original's):
-- its funding key, the key of the total it is part of, and what the fact takes from its roles and its form. The
-- narrow half of fct_funding, built apart: joined in one query with every amount's printed texts, the keys, the
-- roles and the forms held four tables of every amount in memory at once, more than a province's build is given.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- only the columns the keys are made from
amounts as not materialized (
    select
        amount_id,
        document_id,
        form_id,
        parent_amount_id,
        line_no,
        amount_seq,
        form_kind,
        item_label_printed,
        fiscal_year,
    from {{ ref('int_amounts_classified') }}
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
-- only the columns used, since a CTE read twice is held whole
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
        amounts.amount_id,
        amounts.document_id,
        keys.funding_key,
        parent_keys.funding_key as parent_funding_key,
        attributed.project_key,
        attributed.department_key,
        attributed.spending_direction_key,
        roles.stage_key,
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

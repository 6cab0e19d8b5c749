-- One row per amount of the funding fact (a duplicate document's amounts are counted once, as the original's):
-- its funding key, the key of the total it is part of, and what the fact takes from its roles and its form. The
-- narrow half of fct_funding, built apart: joined in one query with every amount's printed texts, the keys, the
-- roles and the forms held four tables of every amount in memory at once, more than a province's build is given.
-- The keys themselves are int_funding_identities': a table, whose row count the planner knows.
with

-- read twice (each amount, and the total it is part of): scanned each time rather than held whole
identities as not materialized (
    select * from {{ ref('int_funding_identities') }}
),

attributed as (
    select
        form_id,
        department_key,
        project_key,
        spending_direction_key,
    from {{ ref('int_forms_attributed') }}
),

roles as (
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

final as (
    select
        identities.amount_id,
        identities.document_id,
        identities.funding_key,
        parents.funding_key as parent_funding_key,
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
    from identities
    left join identities as parents
        on identities.parent_amount_id = parents.amount_id
    left join attributed
        on identities.form_id = attributed.form_id
    left join roles
        on identities.amount_id = roles.amount_id
)

select * from final

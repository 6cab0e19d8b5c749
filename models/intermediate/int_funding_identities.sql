-- One row per amount of the funding fact (a duplicate document's amounts are counted once, as the original's): its
-- funding key, with the ids int_funding_keys joins it by. Built apart from the roles and forms the fact takes: a
-- filter on the amounts is estimated to keep a fifth of them, so joined in one query the planner held the wide
-- amounts, not the narrow lookups, in its hash tables, more than a province's build is given.
-- An amount's key is numbered among its owner's (a project's, or a department form's department's), and an amount's
-- own columns never change under its id: a night numbers again only the owners whose amounts changed
-- (owner_fingerprint, the model's config in dbt_project.yml). A full refresh gives the same table.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- only the columns the keys are made from; a duplicate's amounts are flagged here and dropped after the
-- numbering, so every join below sees all amounts and builds on the narrow side. Read twice (whose each amount is,
-- and its key): scanned each time rather than held whole
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
        document_id not in (select duplicates.document_id from duplicates) as is_counted,
    from {{ ref('int_amounts_classified') }}
),

-- the label of the total an amount is part of, for its key
parents as (
    select
        amount_id,
        item_label_printed,
    from {{ ref('int_amounts_classified') }}
),

-- the stage is all the key takes from the roles
stages as (
    select
        amount_id,
        stage_key,
    from {{ ref('int_funding_roles') }}
),

-- and the project (the department, for a department form) all it takes from the form
owners as (
    select
        form_id,
        {{ owner_key() }} as owner_key,
    from {{ ref('int_forms_attributed') }}
),

-- the set of each owner's amounts, and whether each is counted (a document now a duplicate, or no longer)
fingerprints as (
    select
        coalesce(owners.owner_key, '') as owner_key,
        {{ rows_fingerprint(['amounts.amount_id', 'amounts.is_counted']) }} as owner_fingerprint,
    from amounts
    left join owners
        on amounts.form_id = owners.form_id
    group by coalesce(owners.owner_key, '')
),

{% if is_incremental() -%}
-- the owners new tonight or whose amounts changed; amounts no longer counted leave in the post-hook
changed as (
    {{ changed_groups('fingerprints', 'owner_key', 'owner_fingerprint') }}
),

{% endif -%}

-- an amount is keyed inside its project (department for department forms) by its form kind, its item label and
-- the label of the total it is part of, its stage and year, and the how-many-th such line it is: a corrected
-- re-issue of the document keeps every key
identities as (
    select
        amounts.amount_id,
        amounts.document_id,
        amounts.form_id,
        amounts.parent_amount_id,
        amounts.line_no,
        amounts.amount_seq,
        amounts.is_counted,
        coalesce(owners.owner_key, '') as owner_key,
        {{ surrogate_key([
            'owners.owner_key',
            'amounts.form_kind',
            project_name_key('amounts.item_label_printed'),
            project_name_key('parents.item_label_printed'),
            'stages.stage_key',
            'amounts.fiscal_year',
        ]) }} as identity_key,
    from amounts
    left join owners
        on amounts.form_id = owners.form_id
    left join stages
        on amounts.amount_id = stages.amount_id
    left join parents
        on amounts.parent_amount_id = parents.amount_id
    {%- if is_incremental() %}
    where coalesce(owners.owner_key, '') in (select changed.owner_key from changed)
    {%- endif %}
),

-- the how-many-th counted line: a duplicate's lines take no number (a filter on the window's partition would be
-- pushed below it, back onto the amounts)
numbered as (
    select
        amount_id,
        document_id,
        form_id,
        parent_amount_id,
        is_counted,
        owner_key,
        {{ surrogate_key([
            'identity_key',
            'count(*) filter (where is_counted) over (partition by identity_key'
            ~ ' order by document_id, line_no, amount_seq, amount_id rows unbounded preceding)',
        ]) }} as funding_key,
    from identities
)

select
    numbered.amount_id,
    numbered.document_id,
    numbered.form_id,
    numbered.parent_amount_id,
    numbered.funding_key,
    numbered.owner_key,
    fingerprints.owner_fingerprint,
from numbered
inner join fingerprints
    on numbered.owner_key = fingerprints.owner_key
where numbered.is_counted

-- One row per counted amount: the leaves that add up. Each amount of money appears once, as the parts of its
-- total when they add up to it and as the total when they do not, for one stage and one year, from one form per
-- project (department for department forms), so sum(amount_wan) grouped by stage and year is the money stated.
with

funding as (
    select * from {{ ref('fct_funding') }}
),

final as (
    select
        funding_key,
        document_key,
        project_key,
        department_key,
        spending_direction_key,
        item_key,
        stage_key,
        fiscal_year,
        amount_wan,
        text_printed,
        item_label_printed,
        amount_role,
        breakdown_name,
        form_kind,
        line_no,
        case when project_key = {{ no_project_key() }} then 'department' else 'project' end as subject_type,
    from funding
    where is_countable
)

select * from final

-- One row per amount line: which document, project and department, which funding item, which stage and
-- year, how much in 万元 (DECIMAL), the amount it is part of (其中 / 合计 structure), and what an analyst needs
-- before summing it: its role, its period, its kind of money and whether it is counted (int_funding_roles).
with

amounts as (
    select * from {{ ref('int_amounts_classified') }}
),

roles as (
    select * from {{ ref('int_funding_roles') }}
),

attributed as (
    select * from {{ ref('int_forms_attributed') }}
),

final as (
    select
        {{ surrogate_key(['amounts.document_id', 'amounts.amount_id']) }} as funding_key,
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
        case
            when amounts.parent_amount_id is not null
                then {{ surrogate_key(['amounts.document_id', 'amounts.parent_amount_id']) }}
        end as parent_funding_key,
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
    left join attributed
        on amounts.form_id = attributed.form_id
    left join roles
        on amounts.amount_id = roles.amount_id
)

select * from final

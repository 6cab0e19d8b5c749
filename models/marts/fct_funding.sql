-- One row per amount line: which document, project and department, which funding item, which stage and
-- year, how much in 万元 (DECIMAL), and the amount it is part of (其中 / 合计 structure).
with

amounts as (
    select * from {{ ref('int_amounts_classified') }}
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
        amounts.stage_key,
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
    from amounts
    left join attributed
        on amounts.form_id = attributed.form_id
)

select * from final

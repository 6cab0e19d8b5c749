with

amounts as (
    select * from {{ source('landing', 'amounts') }}
),

final as (
    select
        amount_id,
        form_id,
        document_id,
        amount_seq,
        item_key,
        text_printed,
        value as amount_printed_unit,
        unit_printed,
        value_wan as amount_wan,
        share_pct,
        stage_printed,
        year as fiscal_year,
        parent_amount_id,
        section,
        line_no,
        placement,
        trim(item_label_printed) as item_label_printed,
    from amounts
)

select * from final

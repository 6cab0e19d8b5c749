-- One row per landing amount, classified into a funding item and a stage through the seeds
-- funding_items and funding_stages (regex patterns with a priority: the first match wins).
with

amounts as (
    select * from {{ ref('stg_landing__amounts') }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

documents as (
    select * from {{ ref('int_documents_dated') }}
),

funding_items as (
    select * from {{ ref('funding_items') }}
),

funding_stages as (
    select * from {{ ref('funding_stages') }}
),

-- the label as the patterns see it: no spaces, colons, "+" or numbering such as "3、" / "一、"
labelled as (
    select
        amounts.*,
        regexp_replace(
            {{ label_key('amounts.item_label_printed') }}, '^[一二三四五六七八九十\d]+[、.．]', ''
        ) as label_match,
        {{ label_key('amounts.section') }} as section_match,
    from amounts
),

-- a label the loader read from a known labelled field keeps the loader's item_key
item_matches as (
    select
        labelled.amount_id,
        funding_items.item_key,
    from labelled
    inner join funding_items
        on
            regexp_matches(labelled.label_match, funding_items.label_pattern)
            and (
                funding_items.section_pattern is null
                or regexp_matches(labelled.section_match, funding_items.section_pattern)
            )
    qualify row_number() over (partition by labelled.amount_id order by funding_items.priority) = 1
),

stage_matches as (
    select
        labelled.amount_id,
        funding_stages.stage_key,
    from labelled
    inner join funding_stages
        on regexp_matches(labelled.stage_printed, funding_stages.stage_pattern)
    qualify row_number() over (partition by labelled.amount_id order by funding_stages.priority) = 1
),

final as (
    select
        labelled.amount_id,
        labelled.form_id,
        labelled.document_id,
        forms.form_kind,
        forms.subject_name,
        labelled.item_label_printed,
        stage_matches.stage_key,
        labelled.stage_printed,
        labelled.text_printed,
        labelled.share_pct,
        labelled.parent_amount_id,
        labelled.section,
        labelled.line_no,
        labelled.amount_seq,
        labelled.placement,
        cast(labelled.amount_wan as decimal(20, 6)) as amount_wan,
        coalesce(labelled.item_key, item_matches.item_key) as item_key,
        coalesce(labelled.fiscal_year, documents.fiscal_year) as fiscal_year,
    from labelled
    left join forms
        on labelled.form_id = forms.form_id
    left join documents
        on labelled.document_id = documents.document_id
    left join item_matches
        on labelled.amount_id = item_matches.amount_id
    left join stage_matches
        on labelled.amount_id = stage_matches.amount_id
)

select * from final

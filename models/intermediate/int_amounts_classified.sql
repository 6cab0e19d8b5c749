-- One row per landing amount, classified into a funding item and a stage through the seeds
-- funding_items and funding_stages (regex patterns with a priority: the first match wins).
with

amounts as (
    select * from {{ ref('stg_landing__amounts') }}
    {{ new_documents_only(landing=true) }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

documents as (
    select * from {{ ref('int_documents_dated') }}
),

funding_items as (
    select * from {{ ref('funding_items') }}
),

-- the keys loaders set from a known labelled field, in the warehouse's vocabulary
funding_item_aliases as (
    select * from {{ ref('funding_item_aliases') }}
),

funding_stages as (
    select * from {{ ref('funding_stages') }}
),

-- the label as the patterns see it, normalised once by the loader (simplified characters, no spaces,
-- colons, "+", weights or numbering such as "3、" / "一、")
labelled as (
    select
        amounts.*,
        amounts.item_label_key as label_match,
        amounts.section_key as section_match,
    from amounts
),

-- the patterns run once per distinct label (and section, and stage), not once per amount: a label repeats
-- across documents, so the cost of the regex join stays with the vocabulary, not with the corpus
distinct_labels as (
    select distinct
        label_match,
        section_match,
    from labelled
),

label_items as (
    select
        distinct_labels.label_match,
        distinct_labels.section_match,
        funding_items.item_key,
    from distinct_labels
    inner join funding_items
        on
            regexp_matches(distinct_labels.label_match, funding_items.label_pattern)
            and (
                funding_items.section_pattern is null
                or regexp_matches(distinct_labels.section_match, funding_items.section_pattern)
            )
    qualify row_number() over (
        partition by distinct_labels.label_match, distinct_labels.section_match order by funding_items.priority
    ) = 1
),

item_matches as (
    select
        labelled.amount_id,
        label_items.item_key,
    from labelled
    inner join label_items
        on
            labelled.label_match = label_items.label_match
            and labelled.section_match is not distinct from label_items.section_match
),

printed_stages as (
    {{ first_pattern_match('labelled', 'stage_printed', 'funding_stages', 'stage_pattern', 'priority', ['stage_key']) }}
),

stage_matches as (
    select
        labelled.amount_id,
        printed_stages.stage_key,
    from labelled
    inner join printed_stages
        on labelled.stage_printed = printed_stages.stage_printed
),

classified as (
    select
        labelled.*,
        coalesce(funding_item_aliases.item_key, item_matches.item_key) as matched_item_key,
    from labelled
    left join funding_item_aliases
        on labelled.item_key = funding_item_aliases.loader_item_key
    left join item_matches
        on labelled.amount_id = item_matches.amount_id
),

-- a line under a project-expenditure total or under one project (基础数据表: 项目支出 → 市级专项资金 → one
-- line per project) that no pattern names is a per-project amount
parented as (
    select
        classified.amount_id,
        coalesce(
            classified.matched_item_key,
            case
                when
                    parent.matched_item_key in ('project_expenditure', 'project_amount')
                    or grandparent.matched_item_key in ('project_expenditure', 'project_amount')
                    then 'project_amount'
            end
        ) as item_key,
    from classified
    left join classified as parent
        on classified.parent_amount_id = parent.amount_id
    left join classified as grandparent
        on parent.parent_amount_id = grandparent.amount_id
),

final as (
    select
        labelled.amount_id,
        labelled.form_id,
        labelled.document_id,
        labelled.landing_seq,
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
        parented.item_key,
        coalesce(labelled.fiscal_year, documents.fiscal_year) as fiscal_year,
    from labelled
    left join forms
        on labelled.form_id = forms.form_id
    left join documents
        on labelled.document_id = documents.document_id
    left join parented
        on labelled.amount_id = parented.amount_id
    left join stage_matches
        on labelled.amount_id = stage_matches.amount_id
)

select * from final

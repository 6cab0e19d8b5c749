-- One row per document with forms: its content fingerprint (the form kinds and subjects it holds, every amount
-- in 万元, every indicator's levels, name and target) and the document it duplicates. The same report published
-- as .docx, .pdf and .xlsx extracts the same forms and amounts: the first loaded copy (then the first by path)
-- is the original, counted in the facts; the others are recorded as duplicates of it.
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

amounts as (
    select * from {{ ref('stg_landing__amounts') }}
),

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
),

form_tokens as (
    select
        document_id,
        form_kind || ':' || {{ project_name_key('subject_name') }} as token,
    from forms
),

amount_tokens as (
    select
        document_id,
        'amount:' || coalesce(cast(round(amount_wan, 4) as varchar), '') || ':' || coalesce(
            cast(round(share_pct, 4) as varchar), ''
        ) as token,
    from amounts
),

indicator_tokens as (
    select
        document_id,
        'indicator:' || coalesce(level1_printed, '') || ':' || {{ project_name_key('level3_name') }} || ':'
        || {{ project_name_key('target_text') }} as token,
    from indicators
),

tokens as (
    select * from form_tokens
    union all
    select * from amount_tokens
    union all
    select * from indicator_tokens
),

-- the multiset of a document's tokens, hashed without ordering them: a sorted string_agg holds every token of
-- a group in memory and cannot spill, which a first night of tens of thousands of documents does not fit; the
-- count and two sums of each token's md5 halves name the same multiset (a collision is as unlikely as md5's)
fingerprints as (
    select
        document_id,
        md5(
            cast(count(token) as varchar)
            || ':' || cast(sum(md5_number_upper(token)) as varchar)
            || ':' || cast(sum(md5_number_lower(token)) as varchar)
        ) as content_fingerprint,
        count(*) as token_count,
    from tokens
    group by document_id
),

ranked as (
    select
        fingerprints.document_id,
        fingerprints.content_fingerprint,
        first_value(fingerprints.document_id) over (
            partition by fingerprints.content_fingerprint
            order by documents.loaded_at, documents.relative_path, fingerprints.document_id
        ) as original_document_id,
    from fingerprints
    inner join documents
        on fingerprints.document_id = documents.document_id
),

final as (
    select
        document_id,
        content_fingerprint,
        original_document_id,
        document_id != original_document_id as is_duplicate,
    from ranked
)

select * from final

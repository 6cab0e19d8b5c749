-- One row per document with forms: its content fingerprint, a hash of everything it extracted (the form kinds
-- and subjects it holds, every amount in 万元, every indicator's levels, name and target), in any order. A
-- document's fingerprint is its own content's: incremental by document, so a night hashes only its new documents.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

amounts as (
    select * from {{ ref('stg_landing__amounts') }}
    {{ new_documents_only(landing=true) }}
),

indicators as (
    select * from {{ ref('stg_landing__indicators') }}
    {{ new_documents_only(landing=true) }}
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
)

select * from fingerprints

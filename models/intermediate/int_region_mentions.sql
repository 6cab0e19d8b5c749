-- Every place name of the division table (seed admin_divisions, generated from jionlp) that a document
-- prints: in a department or unit name, a title, or anywhere in its text. One row per (document, evidence
-- text, division). Full names only ("石峰区", "株洲市"): short aliases like "石峰" match too much prose.
-- The loader finds the names in each text once (landing.region_candidates), so this joins by equality and
-- costs what the documents cost, not lines × names.
with

documents as (
    select * from {{ ref('stg_landing__documents') }}
    {{ new_documents_only(landing=true) }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
    {{ new_documents_only(landing=true) }}
),

source_lines as (
    select * from {{ ref('stg_landing__source_lines') }}
    {{ new_documents_only(landing=true) }}
),

candidates as (
    select * from {{ ref('stg_landing__region_candidates') }}
    {{ new_documents_only(landing=true) }}
),

divisions as (
    select * from {{ ref('admin_divisions') }}
    where not is_generic_name
),

-- names are the strongest evidence: a department prints its own region (株洲市石峰区民政局)
name_evidence as (
    select
        document_id,
        'name' as evidence_kind,
        value_printed as evidence_text,
    from form_fields
    where
        field_key in (
            'supervising_department', 'implementing_unit', 'department', 'department_name',
            'reporting_department', 'unit_name'
        )
        and value_printed is not null
    union all
    select
        document_id,
        'name' as evidence_kind,
        subject_name as evidence_text,
    from forms
    where subject_name is not null and form_kind like 'department%'
),

title_evidence as (
    select
        document_id,
        'title' as evidence_kind,
        title as evidence_text,
    from documents
    where title is not null
    union all
    select
        document_id,
        'title' as evidence_kind,
        form_title as evidence_text,
    from forms
    where form_title is not null
),

text_evidence as (
    select
        document_id,
        'text' as evidence_kind,
        line_text as evidence_text,
    from source_lines
    where line_text is not null
),

-- each evidence text joined to the names found in it before anything is made distinct: most lines name no
-- place, and a distinct over every line of a first night holds them all in memory
mentions as (
    select
        evidence.document_id,
        evidence.evidence_kind,
        evidence.evidence_text,
        candidates.division_name,
    from (
        select * from name_evidence
        union all
        select * from title_evidence
        union all
        select * from text_evidence
    ) as evidence
    inner join candidates
        on evidence.document_id = candidates.document_id and evidence.evidence_text = candidates.evidence_text
),

final as (
    select
        mentions.document_id,
        mentions.evidence_kind,
        mentions.evidence_text,
        divisions.admin_code,
        divisions.division_level,
        divisions.division_name,
        divisions.province_code,
        divisions.city_code,
    from (select distinct * from mentions) as mentions
    inner join divisions
        on mentions.division_name = divisions.division_name
)

select * from final

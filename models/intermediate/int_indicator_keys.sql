-- One row per indicator of the indicator fact (a duplicate document's indicators are counted once, as the
-- original's): its indicator key, the same indicator in the project's other form and last year's, with the texts
-- the fact takes from them. The narrow half of fct_indicator, built apart: matched in one query with every
-- indicator's printed texts, each self-join held the wide rows again (at 20,000 documents 3.5 GB spilled to disk).
-- An owner's rows (a project's, or a department form's department's) come from its own indicators and last year's
-- project's alone, and an indicator's row never changes under its id: a night builds again only the owners whose
-- indicators, or whose last year's, changed (owner_fingerprint, the model's config in dbt_project.yml). A full
-- refresh gives the same table.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- only the columns the keys and the matches are made from; read twice (whose each indicator is, and its key):
-- scanned each time rather than held whole
indicators as not materialized (
    select
        indicator_id,
        document_id,
        form_id,
        line_start,
        indicator_seq,
        level1_key,
        level2_key,
        level3_name,
        target_text,
        actual_text,
    from {{ ref('int_indicators_levelled') }}
    where document_id not in (select duplicates.document_id from duplicates)
),

attributed as (
    select
        form_id,
        is_department_form,
        department_key,
        project_key,
    from {{ ref('int_forms_attributed') }}
),

forms as (
    select
        form_id,
        form_kind,
    from {{ ref('stg_landing__forms') }}
),

crosswalk as (
    select
        project_key,
        prior_project_key,
    from {{ ref('rpt_project_crosswalk') }}
),

-- whose each indicator is: its project, or for a department form its department
owned as (
    select
        indicators.indicator_id,
        attributed.project_key,
        coalesce({{ owner_key('attributed') }}, '') as owner_key,
    from indicators
    left join attributed
        on indicators.form_id = attributed.form_id
),

-- the set of each owner's indicators
owner_sets as (
    select
        owner_key,
        min(project_key) as project_key,
        {{ rows_fingerprint(['indicator_id']) }} as indicator_set,
    from owned
    group by owner_key
),

-- what an owner's rows are made of: its indicators, and last year's project with its indicators
fingerprints as (
    select
        owner_sets.owner_key,
        owner_sets.indicator_set || '|' || coalesce(crosswalk.prior_project_key, '') || '|'
        || coalesce(prior_sets.indicator_set, '') as owner_fingerprint,
    from owner_sets
    left join crosswalk
        on owner_sets.project_key = crosswalk.project_key
    left join owner_sets as prior_sets
        on crosswalk.prior_project_key = prior_sets.owner_key
),

{% if is_incremental() -%}
-- the owners new tonight or whose rows may differ; indicators no longer counted leave in the post-hook
changed as (
    {{ changed_groups('fingerprints', 'owner_key', 'owner_fingerprint') }}
),

-- the owners whose rows are read: the changed ones, and last year's project of each (its rows give theirs)
read_owners as (
    select changed.owner_key,
    from changed
    union
    select crosswalk.prior_project_key as owner_key,
    from changed
    inner join owner_sets
        on changed.owner_key = owner_sets.owner_key
    inner join crosswalk
        on owner_sets.project_key = crosswalk.project_key
),

{% endif -%}

-- an indicator is keyed inside its project (department for department forms) by its form kind, its levels and its
-- name (its target where no name is printed) and the how-many-th such row it is: a corrected re-issue keeps its key
identities as (
    select
        indicators.indicator_id,
        coalesce({{ owner_key('attributed') }}, '') as owner_key,
        indicators.document_id,
        indicators.line_start,
        indicators.indicator_seq,
        indicators.target_text,
        indicators.actual_text,
        attributed.project_key,
        attributed.is_department_form,
        forms.form_kind,
        indicators.level2_key,
        coalesce(nullif({{ project_name_key('indicators.level3_name') }}, ''), '-') as name_key,
        {{ surrogate_key([
            owner_key('attributed'),
            'forms.form_kind',
            'indicators.level1_key',
            'indicators.level2_key',
            "coalesce(nullif(" ~ project_name_key('indicators.level3_name') ~ ", ''),"
            ~ " 'target:' || " ~ project_name_key('indicators.target_text') ~ ")",
        ]) }} as identity_key,
    from indicators
    left join attributed
        on indicators.form_id = attributed.form_id
    left join forms
        on indicators.form_id = forms.form_id
    {%- if is_incremental() %}
    where coalesce({{ owner_key('attributed') }}, '') in (select read_owners.owner_key from read_owners)
    {%- endif %}
),

keys as (
    select
        * exclude (identity_key),
        {{ surrogate_key([
            'identity_key',
            'row_number() over (partition by identity_key order by document_id, line_start, indicator_seq, indicator_id)',
        ]) }} as indicator_key,
    from identities
),

-- the same indicator in the other form of one project: the target form (目标表, set at budget time) and the
-- self-evaluation (自评表, a year later) print it under one name; a name printed once per side is matched
sides as (
    select
        indicator_id,
        indicator_key,
        project_key,
        name_key,
        level2_key,
        line_start,
        target_text,
        actual_text,
        case
            when form_kind = 'project_self_evaluation' then 'actual'
            when form_kind in ('project_target', 'spending_direction_target', 'special_fund_summary')
                then 'target'
        end as side,
    from keys
    where not is_department_form and name_key != '-'
),

counterparts as (
    select
        own.indicator_id,
        other.indicator_key as counterpart_indicator_key,
        other.side as counterpart_side,
        other.target_text as counterpart_target_text,
        other.actual_text as counterpart_actual_text,
    from sides as own
    inner join sides as other
        on own.project_key = other.project_key and own.name_key = other.name_key and own.side != other.side
    -- ties (the same line in two documents of one project) go to the lower id, so every build picks the same row
    qualify row_number() over (
        partition by own.indicator_id
        order by (own.level2_key = other.level2_key) desc, other.line_start asc, other.indicator_id asc
    ) = 1
),

-- what the fact prints of an indicator beside its own texts: the target its target form set, the actual its
-- self-evaluation reported
matched as (
    select
        keys.indicator_id,
        keys.owner_key,
        keys.document_id,
        keys.indicator_key,
        keys.project_key,
        keys.form_kind,
        keys.name_key,
        keys.line_start,
        counterparts.counterpart_indicator_key,
        case
            when counterparts.counterpart_side = 'target' then counterparts.counterpart_target_text
            else keys.target_text
        end as planned_target_text,
        case
            when counterparts.counterpart_side = 'actual' then counterparts.counterpart_actual_text
            else keys.actual_text
        end as reported_actual_text,
    from keys
    left join counterparts
        on keys.indicator_id = counterparts.indicator_id
),

-- the same indicator of the same project last year (rpt_project_crosswalk), the same form kind first; among
-- last year's rows printed on the same line of several documents, the lowest key, so every build picks the same.
-- The pick depends on a row's project, name and form kind only: the rows of a project's several documents that
-- print one indicator share it, so it is made once per project, name and form kind
this_year as (
    select distinct
        project_key,
        name_key,
        form_kind,
    from matched
    where name_key != '-'
),

prior_year as (
    select
        this_year.project_key,
        this_year.name_key,
        this_year.form_kind,
        last_year.indicator_key as prior_year_indicator_key,
        last_year.planned_target_text as prior_year_target_text,
        last_year.reported_actual_text as prior_year_actual_text,
    from this_year
    inner join crosswalk
        on this_year.project_key = crosswalk.project_key
    inner join matched as last_year
        on crosswalk.prior_project_key = last_year.project_key and this_year.name_key = last_year.name_key
    qualify row_number() over (
        partition by this_year.project_key, this_year.name_key, this_year.form_kind
        order by (this_year.form_kind = last_year.form_kind) desc, last_year.line_start asc, last_year.indicator_key asc
    ) = 1
),

final as (
    select
        matched.indicator_id,
        matched.document_id,
        matched.indicator_key,
        matched.counterpart_indicator_key,
        matched.planned_target_text,
        matched.reported_actual_text,
        prior_year.prior_year_indicator_key,
        prior_year.prior_year_target_text,
        prior_year.prior_year_actual_text,
        matched.owner_key,
        fingerprints.owner_fingerprint,
    from matched
    inner join fingerprints
        on matched.owner_key = fingerprints.owner_key
    left join prior_year
        on
            matched.project_key = prior_year.project_key
            and matched.name_key = prior_year.name_key
            and matched.form_kind is not distinct from prior_year.form_kind
    -- last year's rows were read for theirs; they are built when they change themselves
    where {{ 'matched.owner_key in (select changed.owner_key from changed)' if is_incremental() else 'true' }}
)

select * from final

-- One row per department name printed in a form (主管部门, 实施单位, or the department a department form is
-- about), resolved to a region and to a department natural key: the name without its region prefix, within
-- the region. A name that prints no place takes its document's region.
with

forms as (
    select * from {{ ref('stg_landing__forms') }}
    {{ new_documents_only(landing=true) }}
),

form_fields as (
    select * from {{ ref('stg_landing__form_fields') }}
    {{ new_documents_only(landing=true) }}
),

divisions as (
    select * from {{ ref('admin_divisions') }}
),

-- the place names each text prints, found once by the loader (landing.region_candidates)
candidates as (
    select * from {{ ref('stg_landing__region_candidates') }}
    {{ new_documents_only(landing=true) }}
),

aliases as (
    select * from {{ ref('department_aliases') }}
),

documents_regioned as (
    select * from {{ ref('int_documents_regioned') }}
    {{ new_documents_only() }}
),

field_names as (
    select
        form_id,
        document_id,
        case
            when field_key = 'supervising_department' then 'supervising'
            when field_key = 'implementing_unit' then 'implementing'
            else 'department'
        end as department_role,
        -- a stamp mark printed after a name is not part of it
        regexp_replace(value_printed, '[\s　]|[（(]盖章[）)]', '', 'g') as department_name,
        line_no,
    from form_fields
    where
        field_key in (
            'supervising_department', 'implementing_unit', 'department', 'department_name',
            'reporting_department', 'unit_name'
        )
        and value_printed is not null
    qualify row_number() over (partition by form_id, department_role order by field_seq) = 1
),

-- department forms name their department as the form's subject when no field does
subject_names as (
    select
        forms.form_id,
        forms.document_id,
        'department' as department_role,
        regexp_replace(forms.subject_name, '[\s　]|[（(]盖章[）)]', '', 'g') as department_name,
        forms.line_start as line_no,
    from forms
    where
        forms.form_kind like 'department%'
        and forms.subject_name is not null
        and not exists (
            select 1 from field_names
            where field_names.form_id = forms.form_id and field_names.department_role = 'department'
        )
),

names as (
    select * from field_names
    where department_name != ''
    union all
    select * from subject_names
    where department_name != ''
),

document_regions as (
    select
        documents_regioned.document_id,
        divisions.city_code as document_city_code,
        documents_regioned.region_admin_code,
        documents_regioned.region_level,
    from documents_regioned
    left join divisions
        on
            documents_regioned.region_admin_code = divisions.admin_code
            and documents_regioned.region_level = divisions.division_level
),

-- the most specific division a name prints; a county name shared by several cities prefers the one
-- whose city the name also prints, then the document's city
name_matches as (
    select
        names.form_id,
        names.department_role,
        divisions.admin_code,
        divisions.division_level,
    from names
    inner join candidates
        on names.document_id = candidates.document_id and names.department_name = candidates.evidence_text
    inner join divisions
        on candidates.division_name = divisions.division_name and not divisions.is_generic_name
    left join document_regions
        on names.document_id = document_regions.document_id
    qualify row_number() over (
        partition by names.form_id, names.department_role
        order by
            case divisions.division_level when 'county' then 1 when 'city' then 2 else 3 end,
            contains(names.department_name, coalesce(divisions.city_name, '')) desc,
            (divisions.city_code = document_regions.document_city_code) desc,
            divisions.admin_code
    ) = 1
),

resolved as (
    select
        names.*,
        coalesce(name_matches.admin_code, document_regions.region_admin_code) as region_admin_code,
        coalesce(name_matches.division_level, document_regions.region_level) as region_level,
        case
            when name_matches.admin_code is not null then 'name'
            when document_regions.region_admin_code is not null then 'document'
            else 'unknown'
        end as region_source,
    from names
    left join name_matches
        on names.form_id = name_matches.form_id and names.department_role = name_matches.department_role
    left join document_regions
        on names.document_id = document_regions.document_id
),

-- the normalised name drops the printed place prefix (湖南省株洲市石峰区民政局 → 民政局). The prefix pattern is built
-- from the division's names, so it is compiled for every row it runs on: it runs once per distinct name and division
-- (a document names its departments on many forms), not once per form
distinct_names as (
    select distinct
        resolved.department_name,
        resolved.region_admin_code,
        resolved.region_level,
    from resolved
),

normalised_names as (
    select
        distinct_names.department_name,
        distinct_names.region_admin_code,
        distinct_names.region_level,
        coalesce(
            nullif(
                regexp_replace(
                    -- a party committee's department drops its 中共 prefix (中共益阳市委组织部 → 益阳市委组织部)
                    regexp_replace(distinct_names.department_name, '^中共', ''),
                    '^(' || coalesce(divisions.province_name, '') || ')?('
                    || coalesce(divisions.city_name, '') || ')?('
                    || coalesce(divisions.county_name, '') || ')?',
                    ''
                ),
                ''
            ),
            distinct_names.department_name
        ) as department_name_normalised,
    from distinct_names
    left join divisions
        on
            distinct_names.region_admin_code = divisions.admin_code
            and distinct_names.region_level = divisions.division_level
),

normalised as (
    select
        resolved.*,
        normalised_names.department_name_normalised,
    from resolved
    inner join normalised_names
        on
            resolved.department_name = normalised_names.department_name
            and resolved.region_admin_code is not distinct from normalised_names.region_admin_code
            and resolved.region_level is not distinct from normalised_names.region_level
),

-- a name that prints only its level (市商务局 in a city's document) drops that one character too,
-- except where it starts a word (市场监督管理局, 市委组织部)
deprefixed as (
    select
        * replace (
            case
                when
                    region_source = 'document'
                    and regexp_matches(department_name_normalised, '^(市|区|县|省)[^场委]')
                    and length(department_name_normalised) > 3
                    then substr(department_name_normalised, 2)
                else department_name_normalised
            end as department_name_normalised
        ),
    from normalised
),

-- a committee keeps its level: the place prefix of 益阳市委组织部 is 益阳 (→ 市委组织部, as the document's other
-- forms print it), not 益阳市
committees as (
    select
        * replace (
            case
                when
                    regexp_matches(department_name_normalised, '^委')
                    and regexp_matches(department_name, '(市|县|区|省|州)委')
                    then regexp_extract(department_name, '(市|县|区|省|州)委', 1) || department_name_normalised
                else department_name_normalised
            end as department_name_normalised
        ),
    from deprefixed
),

-- short and variant forms merged through the overrides seed (人社局 → 人力资源和社会保障局)
aliased as (
    select
        committees.* replace (
            coalesce(aliases.canonical_name, committees.department_name_normalised) as department_name_normalised
        ),
        aliases.canonical_name is not null as is_alias_merged,
    from committees
    left join aliases
        on committees.department_name_normalised = aliases.alias_name
),

final as (
    select
        *,
        {{ surrogate_key(['coalesce(region_admin_code, \'unknown\')', 'region_level', 'department_name_normalised']) }}
            as department_key,
    from aliased
)

select * from final

-- One row per project: the same project in the previous fiscal year, with the rule that linked them. A project
-- is linked to last year's when its owning department and normalised name match (same_department_and_name), else
-- when its name matches within the same region (same_region_and_name: a department renamed or re-filed), else
-- through the curated seed project_crosswalk_overrides (a renamed project); the rest are listed as unmatched.
with

projects as (
    select * from {{ ref('dim_project') }}
    where not is_member
),

departments as (
    select * from {{ ref('dim_department') }}
),

overrides as (
    select * from {{ ref('project_crosswalk_overrides') }}
),

located as (
    select
        projects.project_key,
        projects.project_name,
        projects.project_name_key,
        projects.fiscal_year,
        projects.owner_department_key,
        departments.region_key,
    from projects
    left join departments
        on projects.owner_department_key = departments.department_key
),

candidates as (
    select
        this_year.project_key,
        last_year.project_key as prior_project_key,
        case
            when
                this_year.owner_department_key = last_year.owner_department_key
                and this_year.project_name_key = last_year.project_name_key
                then 'same_department_and_name'
            when this_year.project_name_key = last_year.project_name_key then 'same_region_and_name'
            else 'override'
        end as match_rule,
    from located as this_year
    inner join located as last_year
        on
            this_year.fiscal_year = last_year.fiscal_year + 1
            and this_year.region_key = last_year.region_key
    left join overrides
        on
            this_year.project_name = overrides.project_name
            and last_year.project_name = overrides.prior_project_name
    where
        this_year.project_name_key = last_year.project_name_key
        or overrides.project_name is not null
),

-- one prior project per project: the strictest rule first
matches as (
    select * from candidates
    qualify row_number() over (
        partition by project_key
        order by
            case match_rule when 'same_department_and_name' then 1 when 'override' then 2 else 3 end,
            prior_project_key
    ) = 1
),

final as (
    select
        located.project_key,
        located.project_name,
        located.fiscal_year,
        matches.prior_project_key,
        prior_projects.project_name as prior_project_name,
        prior_projects.fiscal_year as prior_fiscal_year,
        coalesce(matches.match_rule, 'unmatched') as match_rule,
        matches.prior_project_key is not null as is_matched,
    from located
    left join matches
        on located.project_key = matches.project_key
    left join located as prior_projects
        on matches.prior_project_key = prior_projects.project_key
)

select * from final

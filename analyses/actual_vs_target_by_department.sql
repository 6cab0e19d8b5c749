-- Actual against target per department: how many reported actuals met their target, missed it, were not
-- reported or could not be judged, with the weights and scores printed beside them.
with

actuals as (
    select * from {{ ref('fct_indicator_actual') }}
),

departments as (
    select * from {{ ref('dim_department') }}
),

regions as (
    select * from {{ ref('dim_region') }}
),

final as (
    select
        departments.department_name,
        regions.region_name,
        count(*) as actuals_reported,
        count(*) filter (where actuals.actual_status = 'met') as met,
        count(*) filter (where actuals.actual_status = 'partly_met') as partly_met,
        count(*) filter (where actuals.actual_status = 'not_met') as not_met,
        count(*) filter (where actuals.actual_status = 'not_available') as not_available,
        count(*) filter (where actuals.actual_status = 'unparseable') as unparseable,
        sum(actuals.weight) as total_weight,
        sum(actuals.score) as total_score,
        count(*) filter (where actuals.is_status_conflict) as status_conflicts,
    from actuals
    left join departments
        on actuals.department_key = departments.department_key
    left join regions
        on departments.region_key = regions.region_key
    group by all
)

select * from final
order by not_met desc, department_name asc

-- One row per department or unit: a distinct normalised name within a region, linked to its region and,
-- for an implementing unit, to the supervising department printed beside it.
with

departments as (
    select * from {{ ref('int_departments_resolved') }}
),

-- the unit each implementing unit reports to, as most often printed beside it
parent_pairs as (
    select
        implementing.department_key,
        supervising.department_key as parent_department_key,
        count(*) as pair_count,
    from departments as implementing
    inner join departments as supervising
        on
            implementing.form_id = supervising.form_id
            and implementing.department_role = 'implementing'
            and supervising.department_role = 'supervising'
            and implementing.department_key != supervising.department_key
    group by all
),

parents as (
    select * from parent_pairs
    qualify row_number() over (
        partition by department_key order by pair_count desc, parent_department_key asc
    ) = 1
),

-- the longest printed form carries the most of its name (株洲市石峰区民政局 over 民政局); of two as long, the one
-- printed more often (发展和改革委员会 over the misprint 发改和改革委员会), then the first in order
display_names as (
    select
        department_key,
        department_name,
    from departments
    group by department_key, department_name
    qualify row_number() over (
        partition by department_key
        order by length(department_name) desc, count(*) desc, department_name asc
    ) = 1
),

grouped as (
    select
        departments.department_key,
        any_value(departments.department_name_normalised) as department_name_normalised,
        any_value(display_names.department_name) as department_name,
        any_value(departments.region_admin_code) as region_admin_code,
        any_value(departments.region_level) as region_level,
        min(departments.region_source) as region_source,
        list_sort(list_distinct(list(departments.department_role))) as department_roles,
        count(distinct departments.form_id) as form_count,
        min(departments.document_id) as first_document_id,
    from departments
    inner join display_names
        on departments.department_key = display_names.department_key
    group by departments.department_key
),

departments_found as (
    select
        grouped.department_key,
        grouped.department_name,
        grouped.department_name_normalised,
        case
            when grouped.region_admin_code is null then {{ surrogate_key(["'unknown'", "'unknown'"]) }}
            else {{ surrogate_key(['grouped.region_level', 'grouped.region_admin_code']) }}
        end as region_key,
        parents.parent_department_key,
        grouped.region_source,
        grouped.department_roles,
        cast(grouped.form_count as integer) as form_count,
        false as is_unknown,
    from grouped
    left join parents
        on grouped.department_key = parents.department_key
),

-- the member that facts of forms naming no department join, so no fact has a NULL department key
unknown_member as (
    select
        {{ unknown_department_key() }} as department_key,
        '未知部门' as department_name,
        '未知部门' as department_name_normalised,
        {{ surrogate_key(["'unknown'", "'unknown'"]) }} as region_key,
        'unknown' as region_source,
        0 as form_count,
        true as is_unknown,
),

final as (
    select * from departments_found
    union all by name
    select * from unknown_member
)

select * from final

-- One row per province, city and county of the division table (seed admin_divisions, generated from
-- jionlp), plus one explicit unknown member for what no printed name resolves.
with

divisions as (
    select * from {{ ref('admin_divisions') }}
),

known as (
    select
        {{ surrogate_key(['division_level', 'admin_code']) }} as region_key,
        cast(admin_code as varchar) as admin_code,
        division_level as region_level,
        division_name as region_name,
        province_name,
        nullif(city_name, '') as city_name,
        nullif(county_name, '') as county_name,
        cast(province_code as varchar) as province_code,
        cast(city_code as varchar) as city_code,
        case division_level
            when 'county' then {{ surrogate_key(["'city'", 'city_code']) }}
            when 'city' then {{ surrogate_key(["'province'", 'province_code']) }}
        end as parent_region_key,
        false as is_unknown,
    from divisions
),

unknown_member as (
    select
        {{ surrogate_key(["'unknown'", "'unknown'"]) }} as region_key,
        '000000' as admin_code,
        'unknown' as region_level,
        '未知地区' as region_name,
        cast(null as varchar) as province_name,
        cast(null as varchar) as city_name,
        cast(null as varchar) as county_name,
        cast(null as varchar) as province_code,
        cast(null as varchar) as city_code,
        cast(null as varchar) as parent_region_key,
        true as is_unknown,
),

final as (
    select * from known
    union all
    select * from unknown_member
)

select * from final

-- One row per spending direction (支出方向): those the seed spending_directions maps names to, those a
-- document prints (001), and one explicit unknown member.
with

directions as (
    select * from {{ ref('spending_directions') }}
),

projects as (
    select * from {{ ref('int_projects_assembled') }}
),

seeded as (
    select distinct
        direction_name_zh as direction_name,
        direction_key as direction_code,
        direction_name_en,
        'seed' as direction_source,
    from directions
),

printed as (
    select distinct
        spending_direction_name as direction_name,
        cast(null as varchar) as direction_code,
        cast(null as varchar) as direction_name_en,
        'printed' as direction_source,
    from projects
    where
        spending_direction_source = 'printed'
        and spending_direction_name not in (select seeded.direction_name from seeded)
),

unknown_member as (
    select
        '未知' as direction_name,
        'unknown' as direction_code,
        'unknown' as direction_name_en,
        'unknown' as direction_source,
),

unioned as (
    select * from seeded
    union all
    select * from printed
    union all
    select * from unknown_member
),

final as (
    select
        {{ surrogate_key(['direction_name']) }} as spending_direction_key,
        direction_name,
        direction_code,
        direction_name_en,
        direction_source,
        direction_source = 'unknown' as is_unknown,
    from unioned
)

select * from final

-- The largest reconciliation differences: printed totals that disagree most with their printed parts.
-- dq_reconciliation is built by the quality models; until they are in the project this returns no rows
-- (the guard keeps the analysis compiling either way).
{% if graph.nodes.get('model.jixiao.dq_reconciliation') %}
    with

    reconciliation as (
        select * from {{ ref('dq_reconciliation') }}
    ),

    final as (
        select
            file_name,
            entity_name,
            rule_id,
            total_label,
            total_value,
            computed_value,
            difference,
            status,
            total_line,
        from reconciliation
        where status != 'ok' and difference is not null
    )

    select * from final
    order by abs(difference) desc, file_name asc, total_line asc
    limit 20
{% else %}
    select
        cast(null as varchar) as file_name,
        cast(null as varchar) as entity_name,
        cast(null as varchar) as rule_id,
        cast(null as varchar) as total_label,
        cast(null as decimal(20, 6)) as total_value,
        cast(null as decimal(20, 6)) as computed_value,
        cast(null as decimal(20, 6)) as difference,
        cast(null as varchar) as status,
        cast(null as integer) as total_line,
    where false
{% endif %}

-- The largest reconciliation differences: printed totals that disagree most with their printed parts.
-- dq_reconciliation is built by the quality models: the relation is looked up in the warehouse rather than
-- ref'd, so the analysis compiles (and returns no rows) where the quality models are not built.
{%- set reconciliation_relation = adapter.get_relation(
    database=target.database, schema=target.schema, identifier='dq_reconciliation'
) if execute else none %}
{% if reconciliation_relation is not none %}
    with

    reconciliation as (
        select * from {{ reconciliation_relation }}
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

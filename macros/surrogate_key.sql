{#- A stable key from natural-key columns: the same inputs give the same key on every rebuild,
    so a dashboard's saved filter survives the nightly build (dbt_utils cannot be fetched here). -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|'
        {%- for col in columns %}, coalesce(cast({{ col }} as varchar), '_null_'){% endfor -%}
    ))
{%- endmacro %}

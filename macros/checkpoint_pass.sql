{#- on-run-end: the pass's writes go into the database file here, once, and not inside whichever model's commit
    found the write-ahead log past DuckDB's threshold (profiles/profiles.yml): a model's time is then its own
    query's, and the checkpoint's is the pass's (dbt's record lists it as the on-run-end hook). -#}
{% macro checkpoint_pass() -%}
    {%- if execute and target.type == 'duckdb' -%}
    checkpoint
    {%- endif -%}
{%- endmacro %}

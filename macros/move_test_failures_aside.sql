{#- After a build, the stored test failures move out of the warehouse into a sidecar file beside the published
    one (<warehouse>.test_failures.duckdb), so the file BI tools read holds marts and landing only. The build's
    working copy is named .<warehouse>.building-<run>, or dbt builds it through the link
    .<warehouse>.dbt/<warehouse> (pipeline.stable_dbt_path); the sidecar takes the published name, beside it. -#}
{% macro move_test_failures_aside() %}
    {%- if execute and target.type == 'duckdb' and target.path -%}
        {%- set parts = target.path.rsplit('/', 1) -%}
        {%- set folder = parts[0] if parts | length == 2 else '.' -%}
        {%- set name = parts[-1] -%}
        {%- set published = modules.re.sub('^\\.(.+)\\.building-.*$', '\\1', name) -%}
        {%- if folder.endswith('/.' ~ name ~ '.dbt') -%}
            {%- set folder = folder.rsplit('/', 1)[0] -%}
        {%- endif -%}
        {%- set sidecar = folder ~ '/' ~ published ~ '.test_failures.duckdb' -%}
        {%- set found = run_query(
            "select table_name from information_schema.tables"
            ~ " where table_schema = 'test_failures' and table_catalog = current_database()"
        ) -%}
        {%- if found is not none and found.rows | length > 0 -%}
            {%- do run_query("attach '" ~ sidecar ~ "' as jixiao_test_failures") -%}
            {%- for row in found.rows -%}
                {%- do run_query(
                    'create or replace table jixiao_test_failures.main."' ~ row[0]
                    ~ '" as select * from test_failures."' ~ row[0] ~ '"'
                ) -%}
            {%- endfor -%}
            {%- do run_query("detach jixiao_test_failures") -%}
            {%- do run_query("drop schema test_failures cascade") -%}
            {{ log("moved " ~ found.rows | length ~ " test-failure tables to " ~ sidecar, info=true) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}

{#- After a build, the stored test failures move out of the warehouse into a sidecar file beside the published
    one (<warehouse>.test_failures.duckdb), so the file BI tools read holds marts and landing only. dbt builds
    through a link (pipeline.stable_dbt_path) to the night's working copy, .<warehouse>.building-<run> beside the
    published file: jixiao names that file in JIXIAO_DBT_FILE, and the sidecar takes the published name, beside
    it. A build of the file itself (jixiao build, dbt by hand) is the published name already. -#}
{% macro move_test_failures_aside() %}
    {%- if execute and target.type == 'duckdb' and target.path -%}
        {%- set parts = env_var('JIXIAO_DBT_FILE', target.path).rsplit('/', 1) -%}
        {%- set folder = parts[0] if parts | length == 2 else '.' -%}
        {%- set name = parts[-1] -%}
        {%- set published = modules.re.sub('^\\.(.+)\\.building-.*$', '\\1', name) -%}
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

{#- After a build, the stored test failures move out of the warehouse into a sidecar file beside the published
    one (<warehouse>.test_failures.duckdb), so the file BI tools read holds marts and landing only. The build's
    working copy is named .<warehouse>.building-<run>, or dbt builds it through the link
    .<warehouse>.dbt/<warehouse> (pipeline.stable_dbt_path); the sidecar takes the published name, beside it. -#}
{% macro move_test_failures_aside(results) %}
    {%- if execute and target.type == 'duckdb' and target.path -%}
        {%- set parts = target.path.rsplit('/', 1) -%}
        {%- set folder = parts[0] if parts | length == 2 else '.' -%}
        {%- set name = parts[-1] -%}
        {%- set published = modules.re.sub('^\\.(.+)\\.building-.*$', '\\1', name) -%}
        {%- if folder == '.' ~ name ~ '.dbt' -%}
            {#- the link's folder named relative to the warehouse's (pipeline.run_dbt) -#}
            {%- set folder = '.' -%}
        {%- elif folder.endswith('/.' ~ name ~ '.dbt') -%}
            {%- set folder = folder.rsplit('/', 1)[0] -%}
        {%- endif -%}
        {%- set sidecar = folder ~ '/' ~ published ~ '.test_failures.duckdb' -%}
        {%- set found = run_query(
            "select table_name from information_schema.tables"
            ~ " where table_schema = 'test_failures' and table_catalog = current_database()"
        ) -%}
        {%- set stored = found.columns[0].values() if found is not none else [] -%}
        {#- a test stores rows only when it finds some (test_stores_failures_found): the table a test that passed
            tonight stored on an earlier night is not tonight's (one that could not run keeps its last) -#}
        {%- set passed = [] -%}
        {%- for res in results if res.node.resource_type == 'test' and res.status == 'pass' -%}
            {%- do passed.append(res.node.alias) -%}
        {%- endfor -%}
        {%- set sidecar_exists = stored | length > 0 or (passed | length > 0 and run_query(
            "select count(*) from glob('" ~ sidecar ~ "')").columns[0].values()[0] > 0) -%}
        {%- if sidecar_exists -%}
            {%- do run_query("attach '" ~ sidecar ~ "' as jixiao_test_failures") -%}
            {%- for table_name in stored -%}
                {%- do run_query(
                    'create or replace table jixiao_test_failures.main."' ~ table_name
                    ~ '" as select * from test_failures."' ~ table_name ~ '"'
                ) -%}
            {%- endfor -%}
            {%- set earlier = run_query(
                "select table_name from information_schema.tables where table_catalog = 'jixiao_test_failures'"
            ).columns[0].values() -%}
            {%- for table_name in passed if table_name in earlier -%}
                {%- do run_query('drop table jixiao_test_failures.main."' ~ table_name ~ '"') -%}
            {%- endfor -%}
            {%- do run_query("detach jixiao_test_failures") -%}
            {{ log("moved " ~ stored | length ~ " test-failure tables to " ~ sidecar, info=true) }}
        {%- endif -%}
        {%- if stored or passed -%}
            {%- do run_query("drop schema if exists test_failures cascade") -%}
        {%- endif -%}
    {%- endif -%}
    select 1
{% endmacro %}

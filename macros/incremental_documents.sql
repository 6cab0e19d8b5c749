{#- Incremental models keyed by document: a nightly run adds the rows of documents the model has not seen
    and drops the rows of documents that are no longer current (superseded by a new version, or removed).
    The documents themselves never change under one document_id (it is the content's sha256); when the
    parser or the dbt project changes, `jixiao run` rebuilds the incremental models with --full-refresh. -#}

{% macro new_documents_only(document_id_column='document_id') -%}
    {%- if is_incremental() %}
    where {{ document_id_column }} not in (select {{ this }}.document_id from {{ this }})
    {%- endif %}
{%- endmacro %}

{% macro drop_non_current_documents() -%}
    {#- ref outside the condition, so dbt records the dependency when it parses the hook -#}
    {%- set current_documents = ref('stg_landing__documents') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where document_id not in (select document_id from {{ current_documents }} where load_status <> 'failed')
    {%- endif -%}
{%- endmacro %}

{#- the same test as a condition, for an import CTE that has its own `where`: true on a full build -#}
{% macro is_new_document(document_id_column='document_id') -%}
    {%- if is_incremental() -%}
    {{ document_id_column }} not in (select {{ this }}.document_id from {{ this }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

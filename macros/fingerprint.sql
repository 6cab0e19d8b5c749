{#- What a group of rows is made of, as one text: their count and the sum of their hashes over `columns` (a sum, not
    an xor, so two equal rows do not cancel out). An incremental model keeps it beside the rows it built from the
    group, and builds the group again when it differs. -#}
{% macro rows_fingerprint(columns) -%}
    cast(count(*) as varchar) || ':' || cast(sum(hash({{ columns | join(', ') }})) as varchar)
{%- endmacro %}

{#- What a group of rows is made of, as one text: their count and the sum of their hashes over `columns` (a sum, not
    an xor, so two equal rows do not cancel out). An incremental model keeps it beside the rows it built from the
    group, and builds the group again when it differs. -#}
{% macro rows_fingerprint(columns) -%}
    cast(count(*) as varchar) || ':' || cast(sum(hash({{ columns | join(', ') }})) as varchar)
{%- endmacro %}

{#- On an incremental night, the groups whose fingerprint differs from the one the model holds (`this`), or that it
    does not hold: a subquery of `fingerprints`, a CTE of (key, fingerprint) over tonight's rows. -#}
{% macro changed_groups(fingerprints, key, fingerprint) -%}
    select {{ fingerprints }}.{{ key }},
    from {{ fingerprints }}
    left join (select distinct {{ key }}, {{ fingerprint }} from {{ this }}) as built
        on {{ fingerprints }}.{{ key }} = built.{{ key }}
    where built.{{ fingerprint }} is distinct from {{ fingerprints }}.{{ fingerprint }}
{%- endmacro %}

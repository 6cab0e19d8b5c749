{#- Reconciliation rule tokens: `[+|-]item[|item…][~label regex][@stage][#year offset][?|*]` (seeds/_seeds.yml).
    `item` names an item_key of an amount or a header field, or a measure type (share, weight, score, field).
    A parsed token is flat columns <prefix>_sign, _item, _label, _stage, _year, _mult ('' when absent). -#}
{% macro dq_token_columns(column, prefix) -%}
{%- set pattern = "'^([+-]?)([a-z_|]+)(?:~([^@#?*]+))?(?:@([^#?*]+))?(?:#([+-]?[0-9]+))?([?*]?)$'" -%}
{%- for part in ['sign', 'item', 'label', 'stage', 'year', 'mult'] %}
regexp_extract({{ column }}, {{ pattern }}, {{ loop.index }}) as {{ prefix }}_{{ part }},
{%- endfor %}
{%- endmacro %}

{#- does measure `m` match the token in columns `t`.<prefix>_*? Its label is looked up in <prefix>_label_hits, the
    distinct labels the token's `~regex` matches (a pattern read from a column is compiled again for every row it
    is tested on, and labels repeat in every form: each is matched once, then looked up).  amounts and fields match by item_key, every
    measure by its type -#}
{#- `#0` / `#-1`: the part's fiscal year is the total's (`year_of`) plus the offset -#}
{% macro dq_token_matches(m, t, prefix, year_of='null') -%}
(
    (
        list_contains(string_split({{ t }}.{{ prefix }}_item, '|'), {{ m }}.measure_type)
        or (
            list_contains(string_split({{ t }}.{{ prefix }}_item, '|'), {{ m }}.item_key)
            and {{ m }}.measure_type in ('amount', 'field')
        )
    )
    and (
        {{ t }}.{{ prefix }}_label = ''
        or coalesce(list_contains({{ t }}.{{ prefix }}_label_hits, coalesce({{ m }}.label_printed, '')), false)
    )
    and ({{ t }}.{{ prefix }}_stage = '' or {{ m }}.stage_key = {{ t }}.{{ prefix }}_stage)
    and (
        {{ t }}.{{ prefix }}_year = ''
        or {{ m }}.fiscal_year = {{ year_of }} + cast({{ t }}.{{ prefix }}_year as integer)
    )
)
{%- endmacro %}

{#- the group a rule's total and parts must share -#}
{% macro dq_scope_key(scope, m) -%}
case {{ scope }}
    when 'document' then {{ m }}.document_id
    when 'section' then {{ m }}.form_id || '|' || coalesce({{ m }}.section, '')
    when 'row' then {{ m }}.row_id
    else {{ m }}.form_id
end
{%- endmacro %}

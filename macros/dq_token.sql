{#- Reconciliation rule tokens: `[+|-]item[|item…][~label regex][@stage][?|*]` (see seeds/_seeds.yml).
    `item` names an item_key of an amount or a header field, or a measure type (share, weight, score, field). -#}
{% macro dq_token_pattern() -%}
'^([+-]?)([a-z_|]+)(?:~([^@?*]+))?(?:@([^?*]+))?([?*]?)$'
{%- endmacro %}

{% macro dq_parse_token(column) -%}
regexp_extract({{ column }}, {{ dq_token_pattern() }}, ['sign', 'item', 'label', 'stage', 'mult'])
{%- endmacro %}

{#- does measure `m` match parsed token `t`? amounts match by item_key, the other measures by their type -#}
{% macro dq_token_matches(m, t) -%}
(
    (
        list_contains(string_split({{ t }}.item, '|'), {{ m }}.measure_type)
        or (
            list_contains(string_split({{ t }}.item, '|'), {{ m }}.item_key)
            and {{ m }}.measure_type in ('amount', 'field')
        )
    )
    and ({{ t }}.label = '' or regexp_matches(coalesce({{ m }}.label_printed, ''), {{ t }}.label))
    and ({{ t }}.stage = '' or {{ m }}.stage_key = {{ t }}.stage)
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

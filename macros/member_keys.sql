{#- The keys of the dimensions' explicit members, so a fact row never carries a NULL foreign key: the project
    member of amounts and indicators that belong to a whole department, and the unknown spending direction. -#}
{% macro no_project_key() -%}
    {{ surrogate_key(["'none'", "'department'"]) }}
{%- endmacro %}

{% macro unknown_direction_key() -%}
    {{ surrogate_key(["'未知'"]) }}
{%- endmacro %}

{% macro unknown_department_key() -%}
    {{ surrogate_key(["'unknown'", "'unknown'", "'未知部门'"]) }}
{%- endmacro %}

{#- A project or item name as a key: without a leading year (2022 年), spaces, punctuation and brackets, so that
    a re-issue that respaces or re-punctuates a name keeps its key. -#}
{% macro project_name_key(expr) -%}
    regexp_replace(
        regexp_replace(coalesce({{ expr }}, ''), '^\s*(?:19|20)\d{2}\s*年度?', ''),
        '[\s　（）()【】\[\]“”"‘’''《》〈〉、，,。.·:：;；\-—_/|+＋]', '', 'g'
    )
{%- endmacro %}

{#- Whom an amount or indicator belongs to, for its key: its project, or for a department form the department
    (a department form's lines belong to no project). -#}
{% macro owner_key(relation=none) -%}
    {%- set at = relation ~ '.' if relation else '' -%}
    case when {{ at }}is_department_form then 'department:' || {{ at }}department_key else {{ at }}project_key end
{%- endmacro %}

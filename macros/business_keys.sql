{#- A project or item name as a key: without a leading year (2022 年), spaces, punctuation and brackets, so that
    a re-issue that respaces or re-punctuates a name keeps its key. -#}
{% macro project_name_key(expr) -%}
    regexp_replace(
        regexp_replace(coalesce({{ expr }}, ''), '^\s*(?:19|20)\d{2}\s*年度?', ''),
        '[\s　（）()【】\[\]“”"‘’''《》〈〉、，,。.·:：;；\-—_/|+＋]', '', 'g'
    )
{%- endmacro %}

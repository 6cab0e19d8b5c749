{#- The form of a printed label that the vocabulary matches: no spaces (half or full width), colons,
    "+" expanders, stars or "(40分)" weights. Mirrors loaders.vocabulary.normalise_label. -#}
{% macro label_key(expr) -%}
    regexp_replace(
        regexp_replace(coalesce({{ expr }}, ''), '[（(]\s*\d+\s*分\s*[）)]', '', 'g'),
        '[\s　:：+＋*＊]', '', 'g'
    )
{%- endmacro %}

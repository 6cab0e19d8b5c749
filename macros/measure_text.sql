{#- A printed target or actual in the form the measure parser reads: LaTeX and ASCII comparators as symbols
    ($\geq$ → ≥, >= → ≥), full-width signs as half-width, no spaces, no thousands separators. -#}
{% macro measure_text(expr) -%}
    regexp_replace(
        regexp_replace(
            replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                coalesce({{ expr }}, ''),
                '$', ''), '\geq', '≥'), '\leq', '≤'), '>=', '≥'), '<=', '≤'), '≧', '≥'), '≦', '≤'),
                '＞', '>'), '＜', '<'), '＝', '='), '％', '%'), '～', '~'),
            '[\s　]', '', 'g'
        ),
        '(\d)[,，](\d{3})', '\1\2', 'g'
    )
{%- endmacro %}

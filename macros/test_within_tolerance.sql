{#- A tolerance-aware equality test: the rows where `column_name` differs from `expected` by more than
    `tolerance` (a column or a number). Used for every documented total, e.g. printed total vs Σ parts.
    With null_fails, a value that could not be computed (a rate over 0) is a failure too. -#}
{% test within_tolerance(model, column_name, expected, tolerance=0, null_fails=false) %}

select *
from {{ model }}
where
    (
        {{ column_name }} is not null
        and {{ expected }} is not null
        and abs({{ column_name }} - {{ expected }}) > {{ tolerance }}
    )
    {%- if null_fails %}
        or {{ column_name }} is null
    {%- endif %}

{% endtest %}

{#- A tolerance-aware equality test: the rows where `column_name` differs from `expected` by more than
    `tolerance` (a column or a number). Used for every documented total, e.g. printed total vs Σ parts. -#}
{% test within_tolerance(model, column_name, expected, tolerance=0) %}

select *
from {{ model }}
where
    {{ column_name }} is not null
    and {{ expected }} is not null
    and abs({{ column_name }} - {{ expected }}) > {{ tolerance }}

{% endtest %}

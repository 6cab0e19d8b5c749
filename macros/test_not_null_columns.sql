{#- The rows of `model` where any of `column_names` is null: one test, and one scan, for all of a model's required
    columns. dbt's not_null is one test per column, and on a night a test costs more in dbt's start-up of it than
    in its scan (about 90 ms each, 150 of them). A column whose null is only a warning, or allowed in some rows,
    keeps its own not_null with that config. -#}
{% test not_null_columns(model, column_names) %}

select *
from {{ model }}
where
    {%- for column in column_names %}
        {{ 'or ' if not loop.first }}{{ column }} is null
    {%- endfor %}

{% endtest %}

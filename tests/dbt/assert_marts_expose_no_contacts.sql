-- No mart column carries contact names or phone numbers (项目负责人, 联系电话); they stay in landing. A column
-- named like one would publish personal data to every dashboard.
-- runs after every mart is built:
-- depends_on: {{ ref('dim_document') }}, {{ ref('dim_project') }}, {{ ref('dim_department') }}, {{ ref('dim_region') }}
-- depends_on: {{ ref('fct_funding') }}, {{ ref('fct_indicator') }}, {{ ref('fct_indicator_actual') }}
-- depends_on: {{ ref('rpt_budget_execution') }}, {{ ref('dim_year') }}, {{ ref('dim_spending_direction') }}
select
    table_name,
    column_name,
from information_schema.columns
where
    table_schema = '{{ target.schema }}'
    and (
        column_name like '%phone%'
        or column_name like '%responsible_person%'
        or column_name like '%contact%'
        or column_name like '%filled_by%'
    )

-- A project's indicators with their parsed targets: level 1 → level 2 → level 3, the target as printed and
-- as typed (comparator, min, max, unit, measure type). Filter on project_name to read one project.
with

indicators as (
    select * from {{ ref('fct_indicator') }}
),

projects as (
    select * from {{ ref('dim_project') }}
),

documents as (
    select * from {{ ref('dim_document') }}
),

final as (
    select
        documents.file_name,
        projects.project_name,
        indicators.level1_name,
        indicators.level2_name,
        indicators.level3_name,
        indicators.target_text,
        indicators.comparator,
        indicators.target_min,
        indicators.target_max,
        indicators.target_unit,
        indicators.measure_type,
        indicators.target_parse_status,
        indicators.weight,
        indicators.line_start,
    from indicators
    inner join projects
        on indicators.project_key = projects.project_key
    inner join documents
        on indicators.document_key = documents.document_key
)

select * from final
order by file_name, project_name, line_start

-- Every document and department resolves to a region; warn (stored) lists those left on the unknown member,
-- whose funding would otherwise vanish from regional totals without notice.
{{ config(severity='warn') }}

select
    'document' as subject,
    documents.file_name as subject_name,
from {{ ref('dim_document') }} as documents
inner join {{ ref('dim_region') }} as regions
    on documents.region_key = regions.region_key
where regions.is_unknown and documents.load_status != 'failed'
union all
select
    'department' as subject,
    departments.department_name as subject_name,
from {{ ref('dim_department') }} as departments
inner join {{ ref('dim_region') }} as regions
    on departments.region_key = regions.region_key
where regions.is_unknown

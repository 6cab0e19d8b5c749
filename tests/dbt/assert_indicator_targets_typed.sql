-- Every indicator target is typed or explicitly unparseable; warn (stored) lists the unparseable ones, so an
-- analyst sees which printed targets (sentences, several values in one cell) stay text only.
{{ config(severity='warn') }}

select
    indicator_key,
    document_key,
    level3_name,
    target_text,
    line_start,
from {{ ref('fct_indicator') }}
where target_parse_status = 'unparseable'

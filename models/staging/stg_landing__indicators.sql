with

indicators as (
    select * from {{ source('landing', 'indicators') }}
),

-- only the current version of each document: superseded and removed files stay in landing as history;
-- a quarantined document (failed, e.g. by the landing checkpoint) keeps its rows in landing only
current_documents as (
    select document_id from {{ ref('stg_landing__documents') }}
    where load_status <> 'failed'
),

final as (
    select
        indicator_id,
        form_id,
        document_id,
        landing_seq,
        indicator_seq,
        line_start,
        line_end,
        placement,
        -- the printed levels as the loader mapped them through label_vocabulary (text is normalised once,
        -- in the loader, so a traditional-character or annotated label maps the same here)
        level1_key as level1_vocab_key,
        level2_key as level2_vocab_key,
        nullif(trim(level1_printed), '') as level1_printed,
        nullif(trim(level2_printed), '') as level2_printed,
        nullif(trim(level3), '') as level3_name,
        nullif(trim(target_text), '') as target_text,
        nullif(trim(target_content), '') as target_content,
        nullif(trim(scoring_rule), '') as scoring_rule,
        nullif(trim(unit_printed), '') as unit_printed,
        nullif(trim(value_type_printed), '') as value_type_printed,
        nullif(trim(weight_text), '') as weight_text,
        nullif(trim(actual_text), '') as actual_text,
        nullif(trim(score_text), '') as score_text,
        nullif(trim(deviation_note), '') as deviation_note,
        nullif(trim(remark), '') as remark,
    from indicators
    where document_id in (select current_documents.document_id from current_documents)
)

select * from final

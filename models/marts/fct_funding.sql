-- One row per amount line: which document, project and department, which funding item, which stage and
-- year, how much in 万元 (DECIMAL), the amount it is part of (其中 / 合计 structure), and what an analyst needs
-- before summing it: its role, its period, its kind of money and whether it is counted (int_funding_roles). Its
-- keys and roles are int_funding_keys': here every amount's printed texts meet one narrow table.
with

duplicates as (
    select * from {{ ref('int_document_duplicates') }}
    where is_duplicate
),

-- a duplicate of another document's content (the same report in another format) is counted once, as the original
amounts as (
    select * from {{ ref('int_amounts_classified') }}
    where document_id not in (select duplicates.document_id from duplicates)
),

funding_keys as (
    select * from {{ ref('int_funding_keys') }}
),

{% if is_incremental() -%}
-- a night builds again only the rows that are new or whose keys, roles or owner changed (a new document of the
-- project, a project's other form arriving); a row's printed texts are its document's and never change under its
-- id. Rows no longer counted (their document gone, or now a duplicate) leave in the post-hook.
changed as (
    select
        amounts.amount_id,
    from amounts
    left join funding_keys
        on amounts.amount_id = funding_keys.amount_id
    left join {{ this }} as built
        on amounts.amount_id = built.amount_id
    where
        {{ differs_from_built('amount_id', [
            ('funding_keys', ['funding_key', 'project_key', 'department_key', 'spending_direction_key', 'stage_key',
                'parent_funding_key', 'stage_source', 'amount_role', 'breakdown_name', 'period_kind', 'money_kind',
                'is_countable', 'exclusion_reason']),
        ]) }}
),

{% endif -%}

final as (
    select
        funding_keys.funding_key,
        {{ surrogate_key(['amounts.document_id']) }} as document_key,
        funding_keys.project_key,
        funding_keys.department_key,
        funding_keys.spending_direction_key,
        amounts.item_key,
        funding_keys.stage_key,
        cast(amounts.fiscal_year as integer) as fiscal_year,
        cast(amounts.amount_wan as decimal(20, 6)) as amount_wan,
        cast(amounts.share_pct as decimal(9, 4)) as share_pct,
        amounts.text_printed,
        amounts.item_label_printed,
        amounts.stage_printed,
        amounts.section,
        amounts.form_kind,
        funding_keys.parent_funding_key,
        amounts.line_no,
        amounts.amount_id,
        funding_keys.stage_source,
        funding_keys.amount_role,
        funding_keys.breakdown_name,
        funding_keys.period_kind,
        funding_keys.money_kind,
        funding_keys.is_countable,
        funding_keys.exclusion_reason,
    from amounts
    left join funding_keys
        on amounts.amount_id = funding_keys.amount_id
    {%- if is_incremental() %}
    where amounts.amount_id in (select changed.amount_id from changed)
    {%- endif %}
)

select * from final

-- The printed structure of every landing amount, read within its document: its kind of money (this subject's
-- funds, a derived figure, a control figure, income or a share), its stage (printed, else the amount it is part
-- of, else the form kind's), the breakdown it belongs to and, for a total, the breakdown counted for it and whether
-- its parts add up. Nothing here depends on another document, so the model is built for new documents only;
-- int_funding_roles adds what does (projects, duplicates, the form that states a subject's money).
with

amounts as (
    select * exclude (landing_seq) from {{ ref('int_amounts_classified') }}
    {{ new_documents_only(landing=true) }}
),

-- only the lines that print an amount (about one in ten): the join below then holds those in its hash table, not
-- every line of the batch with its text
amount_lines as (
    select
        amounts.document_id,
        amounts.line_no,
    from amounts
),

source_lines as (
    select
        batch_lines.document_id,
        batch_lines.line_no,
        batch_lines.line_text,
    from {{ ref('stg_landing__source_lines') }} as batch_lines
    semi join amount_lines
        on batch_lines.document_id = amount_lines.document_id and batch_lines.line_no = amount_lines.line_no
    where {{ is_new_document('batch_lines.document_id', landing=true) }}
),

money_kinds as (
    select * from {{ ref('funding_money_kinds') }}
),

form_kinds as (
    select * from {{ ref('funding_form_kinds') }}
),

-- the words printed just before the amount on its line (送上慰问物资，共计74560元 → 送上慰问物资，共计)
contexted as (
    select
        amounts.*,
        case
            when strpos(source_lines.line_text, amounts.text_printed) > 0
                then right(
                    substr(source_lines.line_text, 1, strpos(source_lines.line_text, amounts.text_printed) - 1), 30
                )
        end as context_before,
    from amounts
    left join source_lines
        on amounts.document_id = source_lines.document_id and amounts.line_no = source_lines.line_no
),

-- the seed's patterns run once per distinct (item, label, words before), not once per amount: the join with
-- the seed then costs what the distinct texts cost
distinct_contexts as (
    select distinct
        coalesce(item_key, '') as item_text,
        coalesce(item_label_printed, '') as label_text,
        coalesce(context_before, '') as context_text,
    from contexted
),

-- each pattern of the seed is tried once on each distinct text of its own column (macros/pattern_matches.sql):
-- trying every pattern on every distinct (item, label, words before) compiled each one once per distinct words
-- before, of which the corpus prints thousands (they name places)
item_hits as (
    {{ pattern_hits('distinct_contexts', 'item_text', 'money_kinds', 'item_pattern') }}
),

label_hits as (
    {{ pattern_hits('distinct_contexts', 'label_text', 'money_kinds', 'label_pattern') }}
),

context_hits as (
    {{ pattern_hits('distinct_contexts', 'context_text', 'money_kinds', 'context_pattern') }}
),

context_kinds as (
    select
        distinct_contexts.item_text,
        distinct_contexts.label_text,
        distinct_contexts.context_text,
        money_kinds.money_kind,
        money_kinds.reason_en,
    from distinct_contexts
    cross join money_kinds
    left join item_hits
        on distinct_contexts.item_text = item_hits.item_text and money_kinds.item_pattern = item_hits.item_pattern
    left join label_hits
        on distinct_contexts.label_text = label_hits.label_text and money_kinds.label_pattern = label_hits.label_pattern
    left join context_hits
        on
            distinct_contexts.context_text = context_hits.context_text
            and money_kinds.context_pattern = context_hits.context_pattern
    where
        (money_kinds.item_pattern is null or item_hits.item_pattern is not null)
        and (money_kinds.label_pattern is null or label_hits.label_pattern is not null)
        and (money_kinds.context_pattern is null or context_hits.context_pattern is not null)
    qualify row_number() over (
        partition by distinct_contexts.item_text, distinct_contexts.label_text, distinct_contexts.context_text
        order by money_kinds.priority
    ) = 1
),

kind_matches as (
    select
        contexted.amount_id,
        context_kinds.money_kind,
        context_kinds.reason_en,
    from contexted
    inner join context_kinds
        on
            coalesce(contexted.item_key, '') = context_kinds.item_text
            and coalesce(contexted.item_label_printed, '') = context_kinds.label_text
            and coalesce(contexted.context_before, '') = context_kinds.context_text
),

typed as (
    select
        contexted.*,
        case
            when contexted.amount_wan is null and contexted.share_pct is not null then 'share'
            when contexted.amount_wan is null then 'no_amount'
            else coalesce(kind_matches.money_kind, 'funds')
        end as money_kind,
        case
            when contexted.amount_wan is null and contexted.share_pct is not null then 'a share printed as a percent'
            when contexted.amount_wan is null then 'no amount printed'
            else coalesce(kind_matches.reason_en, 'money of this project or department')
        end as money_kind_reason,
    from contexted
    left join kind_matches
        on contexted.amount_id = kind_matches.amount_id
),

-- the stage: printed, else the one of the amount it is part of, else the one its form kind states
staged as (
    select
        typed.* exclude (stage_key),
        coalesce(typed.stage_key, parent.stage_key, grandparent.stage_key, form_kinds.default_stage_key, '未注明')
            as stage_key,
        case
            when typed.stage_key is not null then 'printed'
            when coalesce(parent.stage_key, grandparent.stage_key) is not null then 'parent'
            when form_kinds.default_stage_key is not null then 'form_kind'
            else 'unknown'
        end as stage_source,
        coalesce(form_kinds.statement_priority, 99) as statement_priority,
    from typed
    left join typed as parent
        on typed.parent_amount_id = parent.amount_id
    left join typed as grandparent
        on parent.parent_amount_id = grandparent.amount_id
    left join form_kinds
        on typed.form_kind = form_kinds.form_kind
),

-- a part's breakdown is the heading it is printed under when that differs from its total's (按收入性质分 /
-- 按支出性质分), else the total's 其中
parts as (
    select
        child.amount_id,
        child.parent_amount_id,
        child.amount_wan,
        child.money_kind,
        child.line_no,
        case
            when child.section is not null and child.section != coalesce(parent.section, '') then child.section
            else '其中'
        end as breakdown_name,
    from staged as child
    inner join staged as parent
        on child.parent_amount_id = parent.amount_id
),

breakdowns as (
    select
        parent_amount_id,
        breakdown_name,
        sum(amount_wan) filter (where money_kind = 'funds') as parts_wan,
        count(*) filter (where money_kind = 'funds') as money_part_count,
        min(line_no) as first_line,
    from parts
    group by parent_amount_id, breakdown_name
),

-- parts add up when they are within a cent per part of their total; a total printed without an amount (a
-- heading such as 项目支出：) is made of its parts
fitted as (
    select
        breakdowns.*,
        staged.amount_wan as total_wan,
        abs(staged.amount_wan - breakdowns.parts_wan) as gap_wan,
        breakdowns.money_part_count > 0
        and (
            staged.amount_wan is null
            or abs(staged.amount_wan - breakdowns.parts_wan) <= 0.01 * breakdowns.money_part_count
        ) as adds_up,
    from breakdowns
    inner join staged
        on breakdowns.parent_amount_id = staged.amount_id
),

-- of several breakdowns of one total, the one that adds up (else the closest, else the first printed) is counted
primary_breakdowns as (
    select * from fitted
    where money_part_count > 0
    qualify row_number() over (
        partition by parent_amount_id order by adds_up desc, gap_wan asc nulls last, first_line asc
    ) = 1
),

final as (
    select
        staged.*,
        parts.breakdown_name,
        primary_breakdowns.breakdown_name as primary_breakdown_name,
        primary_breakdowns.adds_up as parts_add_up,
        primary_breakdowns.parts_wan,
    from staged
    left join parts
        on staged.amount_id = parts.amount_id
    left join primary_breakdowns
        on staged.amount_id = primary_breakdowns.parent_amount_id
)

select * from final

-- One row per (check, part): every rule of seeds/reconciliation_rules.csv applied to every total it
-- finds, plus every printed 其中 / 合计 / 构成 structure the loaders captured (parent_measure_id).
-- A required part that was not found is kept as a row with is_missing, so the check says incomplete.
with

rules as (
    select * from {{ ref('reconciliation_rules') }}
),

measures as (
    select * from {{ ref('int_dq_measures') }}
    {{ new_documents_only(landing=true) }}
),

declared_rules as (
    select
        *,
        {{ dq_token_columns('total_item', 'total_token') }}
    from rules
    where check_kind in ('sum', 'equal', 'ratio', 'le')
),

structure_rules as (
    select
        *,
        {{ dq_token_columns('total_item', 'total_token') }}
    from rules
    where check_kind in ('structure', 'structure_le', 'structure_shares')
),

split_tokens as (
    select
        declared_rules.rule_id,
        unnest(string_split(trim(declared_rules.part_items), ' ')) as token,
        unnest(range(1, len(string_split(trim(declared_rules.part_items), ' ')) + 1)) as token_ord,
    from declared_rules
),

parsed_part_tokens as (
    select
        split_tokens.rule_id,
        split_tokens.token_ord,
        split_tokens.token,
        {{ dq_token_columns('split_tokens.token', 'part') }}
    from split_tokens
    where split_tokens.token <> ''
),

-- the distinct labels of the numbers tested, each matched once against every label pattern a token prints
measure_labels as (
    select distinct coalesce(measures.label_printed, '') as label_printed
    from measures
),

label_hits as (
    select
        patterns.pattern,
        list(measure_labels.label_printed) as labels,
    from (
        select declared_rules.total_token_label as pattern from declared_rules
        union
        select structure_rules.total_token_label as pattern from structure_rules
        union
        select parsed_part_tokens.part_label as pattern from parsed_part_tokens
    ) as patterns
    inner join measure_labels
        on regexp_matches(measure_labels.label_printed, patterns.pattern)
    where patterns.pattern <> ''
    group by patterns.pattern
),

-- the rules and part tokens with the labels their pattern matches (dq_token_matches looks a number's label up)
structure_rule_labels as (
    select
        structure_rules.*,
        label_hits.labels as total_token_label_hits,
    from structure_rules
    left join label_hits on structure_rules.total_token_label = label_hits.pattern
),

part_tokens as (
    select
        parsed_part_tokens.*,
        label_hits.labels as part_label_hits,
    from parsed_part_tokens
    left join label_hits on parsed_part_tokens.part_label = label_hits.pattern
),

-- each part token once per name it lists (`item|item`), to join the numbers by name
part_token_names as (
    select
        part_tokens.*,
        unnest(string_split(part_tokens.part_item, '|')) as match_item,
    from part_tokens
),

-- every printed number under each name a token can call it by: its type (amount, share, field, weight, score)
-- and, for amounts and fields, its item; a rule's totals and parts are then found by an equality join on the name
-- instead of testing every rule against every number
named_measures as (
    select
        measures.*,
        unnest(
            case
                when measures.measure_type in ('amount', 'field') and measures.item_key <> measures.measure_type
                    then [measures.measure_type, measures.item_key]
                else [measures.measure_type]
            end
        ) as match_item,
    from measures
),

-- every name some part token uses, once per scope a rule can name, with the number's key in that scope: the parts
-- of a check are found by an equality join on (scope, key, name), which keeps the join within one document and to
-- the numbers a token names (joined on the scope alone, every total's tokens met every number of its form or
-- document)
scoped_measures as (
    select
        named_measures.measure_id,
        named_measures.form_id,
        named_measures.section,
        named_measures.stage_key,
        named_measures.fiscal_year,
        named_measures.line_no,
        named_measures.measure_type,
        named_measures.item_key,
        named_measures.label_printed,
        named_measures.match_item,
        scopes.scope,
        {{ dq_scope_key('scopes.scope', 'named_measures') }} as scope_key,
    from named_measures
    cross join (values ('document'), ('section'), ('row'), ('form')) as scopes (scope)
    where named_measures.match_item in (select part_token_names.match_item from part_token_names)
),

-- the numbers a rule may take as its total: those with a value
measure_names as (
    select * from named_measures
    where measure_value is not null
),

rule_total_items as (
    select
        declared_rules.*,
        label_hits.labels as total_token_label_hits,
        unnest(string_split(declared_rules.total_token_item, '|')) as match_item,
    from declared_rules
    left join label_hits on declared_rules.total_token_label = label_hits.pattern
),

-- every printed number that a rule names as its total (once, though it may answer to two of its names)
totals as (
    select
        -- the name the join used is not a column of the check (sqlfluff reads an exclude list as a select)
        measure_names.* exclude (match_item),  -- noqa: RF02
        rule_total_items.rule_id,
        rule_total_items.scope,
        rule_total_items.stage as rule_stage,
        {{ dq_scope_key('rule_total_items.scope', 'measure_names') }} as scope_key,
        md5(rule_total_items.rule_id || '|' || measure_names.measure_id) as check_key,
    from rule_total_items
    inner join measure_names
        on
            rule_total_items.match_item = measure_names.match_item
            and {{ dq_token_matches('measure_names', 'rule_total_items', 'total_token') }}
            and (rule_total_items.form_kind is null or measure_names.form_kind = rule_total_items.form_kind)
            and (rule_total_items.stage in ('same', 'any') or measure_names.stage_key = rule_total_items.stage)
    qualify row_number() over (partition by rule_total_items.rule_id, measure_names.measure_id) = 1
),

candidates as (
    select
        totals.check_key,
        part_tokens.token_ord,
        part_tokens.token,
        part_tokens.part_mult,
        parts.measure_id as part_measure_id,
        parts.form_id as part_form_id,
        parts.section as part_section,
        -- the best candidate: same stage, same section, then the nearest line
        row_number() over (
            partition by totals.check_key, part_tokens.token_ord
            order by
                (parts.stage_key is not distinct from totals.stage_key) desc,
                (parts.form_id = totals.form_id and parts.section is not distinct from totals.section) desc,
                abs(parts.line_no - totals.line_no),
                parts.measure_id
        ) as candidate_rank,
    from totals
    inner join part_token_names as part_tokens on totals.rule_id = part_tokens.rule_id
    inner join scoped_measures as parts
        on
            parts.scope = case when totals.scope in ('document', 'section', 'row') then totals.scope else 'form' end
            and totals.scope_key = parts.scope_key
            and part_tokens.match_item = parts.match_item
            -- a number the token names both by its type and by its item is met once, by its type
            and (
                parts.match_item = parts.measure_type
                or not list_contains(string_split(part_tokens.part_item, '|'), parts.measure_type)
            )
            and totals.measure_id <> parts.measure_id
            and {{ dq_token_matches('parts', 'part_tokens', 'part', 'totals.fiscal_year') }}
            and (
                part_tokens.part_stage <> ''
                or totals.rule_stage = 'any'
                or (totals.rule_stage = 'same' and parts.stage_key is not distinct from totals.stage_key)
                or parts.stage_key = totals.rule_stage
            )
),

-- a single part takes its best candidate; a Σ part (`*`) takes every candidate in the scope
chosen as (
    select * from candidates
    where candidate_rank = 1 or part_mult = '*'
),

-- a check is evaluated when all its required parts were found, or when at least one is printed in the
-- total's own section (then the missing ones make it incomplete); far-fetched partial matches are not checks
token_counts as (
    select
        part_tokens.rule_id,
        count(*) filter (where part_tokens.part_mult <> '?') as required_tokens,
    from part_tokens
    group by part_tokens.rule_id
),

evaluated_checks as (
    select chosen.check_key
    from chosen
    inner join totals on chosen.check_key = totals.check_key
    inner join token_counts on totals.rule_id = token_counts.rule_id
    group by chosen.check_key, token_counts.required_tokens
    having
        count(distinct chosen.token_ord) filter (where chosen.part_mult <> '?') = token_counts.required_tokens
        or bool_or(chosen.part_form_id = totals.form_id and chosen.part_section is not distinct from totals.section)
),

declared_parts as (
    select
        totals.check_key,
        totals.document_id,
        totals.landing_seq,
        'declared' as origin,
        totals.rule_id,
        totals.measure_id as total_measure_id,
        part_tokens.token_ord,
        part_tokens.token,
        chosen.part_measure_id,
        case when part_tokens.part_sign = '-' then -1 else 1 end as part_sign,
        chosen.part_measure_id is null and part_tokens.part_mult <> '?' as is_missing,
    from totals
    inner join evaluated_checks on totals.check_key = evaluated_checks.check_key
    inner join part_tokens on totals.rule_id = part_tokens.rule_id
    left join chosen
        on totals.check_key = chosen.check_key and part_tokens.token_ord = chosen.token_ord
),

-- printed structure: a parent amount and the amounts the loaders hung under it. Children printed under
-- different headings (按收入性质分 / 按支出性质分) are separate breakdowns of the same total; children
-- that each sit alone under their own heading (one paragraph per project) form one list together. The rows
-- under a table's 合计 row are other forms: they are a breakdown of their own, however few are printed.
child_rows as (
    select
        children.*,
        parents.measure_id as parent_id,
        children.form_id <> parents.form_id as is_other_row,
        count(*) over (partition by parents.measure_id, children.section) as siblings_in_section,
    from measures as parents
    inner join measures as children on parents.measure_id = children.parent_measure_id
    where parents.measure_value is not null and parents.measure_type = 'amount'
),

children as (
    select
        * exclude (siblings_in_section, is_other_row),
        case when siblings_in_section >= 2 or is_other_row then coalesce(section, '') else '' end as breakdown,
    from child_rows
),

-- the same item printed twice in one sentence (公务接待费支出决算为0.13万元，公务接待费0.13万元) counts once;
-- equal rows of a table (two villages given 8 each) are separate forms and both count
repeated_children as (
    select later.measure_id
    from children as later
    inner join children as earlier
        on
            later.parent_id = earlier.parent_id
            and later.form_id = earlier.form_id
            and later.breakdown = earlier.breakdown
            and later.item_key = earlier.item_key
            and later.measure_value = earlier.measure_value
            and (later.line_no, later.measure_id) > (earlier.line_no, earlier.measure_id)
            and (
                contains(later.label_printed, earlier.label_printed)
                or contains(earlier.label_printed, later.label_printed)
            )
),

breakdowns as (
    select
        children.parent_id,
        children.breakdown,
        count(*) filter (where children.measure_type = 'share') as share_count,
        count(*) filter (where children.measure_type = 'amount') as amount_count,
    from children
    where children.measure_id not in (select repeated_children.measure_id from repeated_children)
    group by children.parent_id, children.breakdown
),

-- an all-share breakdown of two or more parts is checked against 100; otherwise the amounts are summed
-- (a lone rate such as 增长100% is not a breakdown). The most specific rule wins: one naming the
-- parent's item over the generic one.
structure_choice as (
    select
        breakdowns.parent_id,
        breakdowns.breakdown,
        structure_rule_labels.rule_id,
        structure_rule_labels.check_kind,
        row_number() over (
            partition by breakdowns.parent_id, breakdowns.breakdown
            order by (structure_rule_labels.total_item is null), structure_rule_labels.rule_id
        ) as rule_rank,
    from breakdowns
    inner join measures as parents on breakdowns.parent_id = parents.measure_id
    inner join structure_rule_labels
        on
            (
                (
                    structure_rule_labels.check_kind = 'structure_shares'
                    and breakdowns.amount_count = 0
                    and breakdowns.share_count >= 2
                )
                or (
                    structure_rule_labels.check_kind <> 'structure_shares'
                    and breakdowns.amount_count > 0
                    -- a single 其中 part is a detail, not the whole (公用经费50万元，其中公务接待费2万元): only
                    -- the generic ≤ rule checks it, and only the generic sum checks two or more
                    and (
                        structure_rule_labels.total_item is not null
                        or (structure_rule_labels.check_kind = 'structure_le') = (breakdowns.amount_count = 1)
                    )
                )
            )
            and (
                structure_rule_labels.total_item is null
                or {{ dq_token_matches('parents', 'structure_rule_labels', 'total_token') }}
            )
),

structural_parts as (
    select
        md5(structure_choice.rule_id || '|' || structure_choice.parent_id || '|' || structure_choice.breakdown)
            as check_key,
        'structural' as origin,
        children.document_id,
        children.landing_seq,
        structure_choice.rule_id,
        structure_choice.parent_id as total_measure_id,
        row_number() over (
            partition by structure_choice.parent_id, structure_choice.breakdown
            order by children.line_no, children.measure_id
        ) as token_ord,
        null as token,
        children.measure_id as part_measure_id,
        1 as part_sign,
        false as is_missing,
    from structure_choice
    inner join children
        on structure_choice.parent_id = children.parent_id and structure_choice.breakdown = children.breakdown
    where
        structure_choice.rule_rank = 1
        and children.measure_id not in (select repeated_children.measure_id from repeated_children)
        and (children.measure_type = 'share') = (structure_choice.check_kind = 'structure_shares')
),

final as (
    select * from declared_parts
    union all by name
    select * from structural_parts
)

select * from final

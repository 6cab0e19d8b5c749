-- One row per (check, part): every rule of seeds/reconciliation_rules.csv applied to every total it
-- finds, plus every printed 其中 / 合计 / 构成 structure the loaders captured (parent_measure_id).
-- A required part that was not found is kept as a row with is_missing, so the check says incomplete.
with

rules as (
    select * from {{ ref('reconciliation_rules') }}
),

measures as (
    select * from {{ ref('int_dq_measures') }}
),

declared_rules as (
    select
        *,
        {{ dq_parse_token('total_item') }} as total_token,
    from rules
    where check_kind in ('sum', 'equal', 'ratio', 'le')
),

part_tokens as (
    select
        rule_id,
        token_ord,
        token,
        {{ dq_parse_token('token') }} as part_token,
    from (
        select
            rule_id,
            unnest(string_split(trim(part_items), ' ')) as token,
            unnest(range(1, len(string_split(trim(part_items), ' ')) + 1)) as token_ord,
        from declared_rules
    )
    where token <> ''
),

-- every printed number that a rule names as its total
totals as (
    select
        declared_rules.rule_id,
        declared_rules.scope,
        declared_rules.stage as rule_stage,
        measures.*,
        {{ dq_scope_key('declared_rules.scope', 'measures') }} as scope_key,
        md5(declared_rules.rule_id || '|' || measures.measure_id) as check_key,
    from declared_rules
    inner join measures
        on
            {{ dq_token_matches('measures', 'declared_rules.total_token') }}
            and (declared_rules.form_kind is null or measures.form_kind = declared_rules.form_kind)
            and (declared_rules.stage in ('same', 'any') or measures.stage_key = declared_rules.stage)
    where measures.measure_value is not null
),

candidates as (
    select
        totals.check_key,
        part_tokens.token_ord,
        part_tokens.token,
        part_tokens.part_token,
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
    inner join part_tokens on totals.rule_id = part_tokens.rule_id
    inner join measures as parts
        on
            {{ dq_scope_key('totals.scope', 'parts') }} = totals.scope_key
            and parts.measure_id <> totals.measure_id
            and {{ dq_token_matches('parts', 'part_tokens.part_token') }}
            and (
                part_tokens.part_token.stage <> ''
                or totals.rule_stage = 'any'
                or (totals.rule_stage = 'same' and parts.stage_key is not distinct from totals.stage_key)
                or parts.stage_key = totals.rule_stage
            )
),

-- a single part takes its best candidate; a Σ part (`*`) takes every candidate printed in the
-- section of its best one, so a list is summed where it is printed and not across the document
best as (
    select * from candidates where candidate_rank = 1
),

chosen as (
    select candidates.*
    from candidates
    inner join best
        on candidates.check_key = best.check_key and candidates.token_ord = best.token_ord
    where
        candidates.candidate_rank = 1
        or (
            candidates.part_token.mult = '*'
            and candidates.part_form_id = best.part_form_id
            and candidates.part_section is not distinct from best.part_section
        )
),

evaluated_checks as (
    select distinct check_key from chosen
),

declared_parts as (
    select
        totals.check_key,
        'declared' as origin,
        totals.rule_id,
        totals.measure_id as total_measure_id,
        part_tokens.token_ord,
        part_tokens.token,
        chosen.part_measure_id,
        case when part_tokens.part_token.sign = '-' then -1 else 1 end as part_sign,
        chosen.part_measure_id is null and part_tokens.part_token.mult <> '?' as is_missing,
    from totals
    inner join evaluated_checks on totals.check_key = evaluated_checks.check_key
    inner join part_tokens on totals.rule_id = part_tokens.rule_id
    left join chosen
        on totals.check_key = chosen.check_key and part_tokens.token_ord = chosen.token_ord
),

-- printed structure: a parent amount and the amounts the loaders hung under it
parents as (
    select
        parents.measure_id,
        parents.measure_type,
        parents.item_key,
        parents.label_printed,
        parents.stage_key,
        bool_and(children.measure_type = 'share') as all_shares,
    from measures as parents
    inner join measures as children on parents.measure_id = children.parent_measure_id
    group by all
),

structure_rules as (
    select
        *,
        {{ dq_parse_token('total_item') }} as total_token,
    from rules
    where check_kind in ('structure', 'structure_le', 'structure_shares')
),

-- the most specific structural rule: one naming the parent's item wins over the generic one
structure_choice as (
    select
        parents.measure_id,
        structure_rules.rule_id,
        row_number() over (
            partition by parents.measure_id order by (structure_rules.total_item is null), structure_rules.rule_id
        ) as rule_rank,
    from parents
    inner join structure_rules
        on
            (structure_rules.check_kind = 'structure_shares') = parents.all_shares
            and (
                structure_rules.total_item is null
                or {{ dq_token_matches('parents', 'structure_rules.total_token') }}
            )
),

structural_parts as (
    select
        md5(structure_choice.rule_id || '|' || structure_choice.measure_id) as check_key,
        'structural' as origin,
        structure_choice.rule_id,
        structure_choice.measure_id as total_measure_id,
        row_number() over (partition by structure_choice.measure_id order by children.line_no, children.measure_id)
            as token_ord,
        null as token,
        children.measure_id as part_measure_id,
        1 as part_sign,
        false as is_missing,
    from structure_choice
    inner join measures as children on structure_choice.measure_id = children.parent_measure_id
    where structure_choice.rule_rank = 1
),

final as (
    select * from declared_parts
    union all by name
    select * from structural_parts
)

select * from final

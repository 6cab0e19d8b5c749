-- One row per evaluated check: a printed total against its printed parts (or a printed rate against
-- its operands), with the lines of both, the difference, the tolerance and a status. Incremental by document;
-- dq_reconciliation adds the file each document is at tonight (a file moved or renamed keeps its checks).
with

check_parts as (
    select * from {{ ref('int_dq_check_parts') }}
    {{ new_documents_only(landing=true) }}
),

measures as (
    select * from {{ ref('int_dq_measures') }}
    {{ new_documents_only(landing=true) }}
),

rules as (
    select * from {{ ref('reconciliation_rules') }}
),

-- a printed 其中 is dropped when declared rules already checked the same total with all of its parts:
-- the rules know more (e.g. that 人员经费 and 公用经费 are only part of 一般公共预算支出)
declared_pairs as (
    select distinct
        total_measure_id,
        part_measure_id,
    from check_parts
    where origin = 'declared' and part_measure_id is not null
),

covered_structures as (
    select structural.check_key
    from check_parts as structural
    left join declared_pairs
        on
            structural.total_measure_id = declared_pairs.total_measure_id
            and structural.part_measure_id = declared_pairs.part_measure_id
    where structural.origin = 'structural'
    group by structural.check_key
    having count(declared_pairs.part_measure_id) = count(*)
),

kept_parts as (
    select * from check_parts
    where check_key not in (select covered_structures.check_key from covered_structures)
),

joined as (
    select
        kept_parts.*,
        parts.label_printed as part_label,
        parts.text_printed as part_text,
        parts.measure_value as part_value,
        parts.line_no as part_line,
    from kept_parts
    left join measures as parts on kept_parts.part_measure_id = parts.measure_id
),

aggregated as (
    select
        check_key,
        any_value(origin) as origin,
        any_value(rule_id) as rule_id,
        any_value(total_measure_id) as total_measure_id,
        count(part_measure_id) as part_count,
        sum(part_sign * coalesce(part_value, 0)) as parts_sum,
        max(part_value) filter (where token_ord = 1) as first_value,
        max(part_value) filter (where token_ord = 2) as second_value,
        max(part_measure_id) filter (where token_ord = 1) as first_measure_id,
        list(
            struct_pack(
                label := part_label,
                text_printed := part_text,
                amount := part_value,
                line_no := part_line,
                sign := part_sign
            )
            order by token_ord, part_line, part_measure_id
        ) filter (where part_measure_id is not null) as parts,
        -- the distinct lines in order: a sort of each check's few lines, not an ordered aggregate's sort of the rows
        list_sort(list_distinct(list(part_line) filter (where part_line is not null))) as part_lines,
        list(token order by token_ord) filter (where is_missing) as missing_parts,
    from joined
    group by check_key
),

-- the parts as text, in the order of the parts list they are read from (one sort of a check's parts, not two)
aggregated_text as (
    select
        aggregated.*,
        array_to_string(
            list_transform(
                aggregated.parts,
                lambda part: case when part.sign < 0 then '− ' else '+ ' end
                || coalesce(part.label, '?') || ' ' || coalesce(part.text_printed, '(空 blank)')
                || ' (L' || coalesce(part.line_no::varchar, '?') || ')'
            ),
            ' '
        ) as parts_text,
    from aggregated
),

with_total as (
    select
        aggregated.*,
        rules.check_kind,
        rules.category,
        rules.severity,
        rules.message_zh as rule_zh,
        rules.message_en as rule_en,
        rules.abs_tolerance,
        rules.rel_tolerance,
        rules.rounding_per_part,
        totals.document_id,
        totals.form_id,
        totals.form_kind,
        totals.subject_name as entity_name,
        totals.section,
        totals.stage_key,
        totals.label_printed as total_label,
        totals.text_printed as total_text,
        totals.line_no as total_line,
        case
            when rules.check_kind = 'structure_shares' then 100 else totals.measure_value
        end::decimal(20, 6) as total_value,
        case
            when rules.check_kind = 'ratio'
                then (100 * aggregated.first_value / nullif(aggregated.second_value, 0))::decimal(20, 6)
            else aggregated.parts_sum::decimal(20, 6)
        end as computed_value,
        -- a printed rate is right when it is the computed rate rounded to the digits printed
        (0.5 / pow(10, length(regexp_extract(totals.text_printed, '\.([0-9]+)', 1))))::decimal(20, 6) as rate_tolerance,
    from aggregated_text as aggregated
    inner join rules on aggregated.rule_id = rules.rule_id
    inner join measures as totals on aggregated.total_measure_id = totals.measure_id
),

statused as (
    select
        *,
        total_value - computed_value as difference,
        case
            when check_kind = 'ratio' then rate_tolerance
            else greatest(abs_tolerance, rel_tolerance * abs(total_value))
        end as ok_tolerance,
        rounding_per_part * part_count as rounding_tolerance,
        case
            when len(coalesce(missing_parts, [])) > 0 then 'incomplete'
            when computed_value is null then 'mismatch'
            when check_kind in ('le', 'structure_le')
                then
                    case
                        when computed_value <= total_value + rounding_per_part * part_count then 'ok' else 'mismatch'
                    end
            when check_kind = 'ratio'
                then case when abs(total_value - computed_value) <= rate_tolerance then 'ok' else 'mismatch' end
            when
                abs(total_value - computed_value) <= greatest(abs_tolerance, rel_tolerance * abs(total_value))
                then 'ok'
            when abs(total_value - computed_value) <= rounding_per_part * part_count then 'rounding'
            else 'mismatch'
        end as status,
    from with_total
),

-- every number a check uses, to find the checks that share a number with it
check_measures as (
    select
        check_key,
        total_measure_id as measure_id,
        true as is_total
    from kept_parts
    union
    select
        check_key,
        part_measure_id as measure_id,
        false as is_total
    from kept_parts
    where part_measure_id is not null
),

related as (
    select
        own.check_key,
        list(
            distinct other_check.rule_id || ':' || other_check.status
            order by other_check.rule_id || ':' || other_check.status
        ) as related_checks,
        -- the same printed total agrees in another check: the parts are the likelier culprits
        bool_or(own.is_total and other.is_total and other_check.status in ('ok', 'rounding')) as total_confirmed,
    from check_measures as own
    inner join check_measures as other
        on own.measure_id = other.measure_id and own.check_key <> other.check_key
    inner join statused as other_check on other.check_key = other_check.check_key
    group by own.check_key
),

-- for a rate that does not match, the denominator it does match, if any (e.g. 年初预算数 for 全年预算数)
alternative_denominators as (
    select
        statused.check_key,
        arg_min(
            coalesce(alt.label_printed, '') || coalesce('（' || alt.stage_key || '）', '') || ' ' || alt.text_printed,
            -- ties broken by the measure id, so a rebuild gives the same text
            (abs(alt.line_no - statused.total_line), alt.measure_id)
        ) as alternative,
    from statused
    inner join measures as alt
        on
            statused.document_id = alt.document_id
            and alt.measure_type = 'amount'
            and statused.first_measure_id <> alt.measure_id
            and alt.measure_value > 0
            and abs(statused.total_value - 100 * statused.first_value / alt.measure_value) <= statused.rate_tolerance
    where statused.check_kind = 'ratio' and statused.status = 'mismatch'
    group by statused.check_key
),

final as (
    select
        statused.check_key,
        statused.rule_id,
        statused.origin,
        statused.check_kind,
        statused.category,
        statused.severity,
        statused.document_id,
        statused.form_id,
        statused.form_kind,
        statused.entity_name,
        statused.section,
        statused.stage_key,
        statused.total_label,
        statused.total_text,
        statused.total_value,
        statused.total_line,
        statused.parts,
        statused.parts_text,
        statused.part_lines,
        statused.part_count,
        statused.missing_parts,
        statused.computed_value,
        statused.difference,
        statused.ok_tolerance,
        statused.rounding_tolerance,
        statused.status,
        related.related_checks,
        statused.rule_zh
        || case statused.status
            when 'ok' then '：相符。'
            when 'rounding' then '：差额 ' || statused.difference::decimal(20, 2) || ' 在舍入范围内（每个分项一分钱）。'
            when 'incomplete' then '：缺少分项 ' || array_to_string(statused.missing_parts, '、') || '，无法核对。'
            else
                '：印出的 ' || coalesce(statused.total_text, '') || '（第' || coalesce(statused.total_line::varchar, '?')
                || '行）与计算值 ' || coalesce(statused.computed_value::decimal(20, 2)::varchar, '无法计算')
                || ' 相差 ' || coalesce(statused.difference::decimal(20, 2)::varchar, '—') || '。'
                || case
                    when statused.computed_value is null then '分母为 0，比率无法由印出的运算数得出。'
                    when alternative_denominators.alternative is not null
                        then '印出的比率等于以 ' || alternative_denominators.alternative || ' 为分母的比率。'
                    when related.total_confirmed then '同一总数在其他检查中相符，差异更可能出在分项。'
                    else '无法判断是总数还是分项有误。'
                end
                || coalesce('相关检查：' || array_to_string(related.related_checks, '，') || '。', '')
        end as message_zh,
        statused.rule_en
        || case statused.status
            when 'ok' then ': reconciles.'
            when 'rounding'
                then ': difference ' || statused.difference::decimal(20, 2) || ' is within rounding (a cent per part).'
            when 'incomplete'
                then ': part(s) ' || array_to_string(statused.missing_parts, ', ') || ' not found; cannot check.'
            else
                ': printed '
                || coalesce(statused.total_text, '')
                || ' (line '
                || coalesce(statused.total_line::varchar, '?')
                || ') vs computed ' || coalesce(statused.computed_value::decimal(20, 2)::varchar, 'undefined')
                || ', difference ' || coalesce(statused.difference::decimal(20, 2)::varchar, '—') || '. '
                || case
                    when statused.computed_value is null then 'The denominator is 0: the rate is undefined. '
                    when alternative_denominators.alternative is not null
                        then 'The printed rate equals the rate over ' || alternative_denominators.alternative || '. '
                    when related.total_confirmed
                        then 'The same total agrees in another check, so a part is the likelier error. '
                    else 'Cannot tell whether the total or a part is wrong. '
                end
                || coalesce('Related checks: ' || array_to_string(related.related_checks, ', ') || '.', '')
        end as message_en,
    from statused
    left join related on statused.check_key = related.check_key
    left join alternative_denominators on statused.check_key = alternative_denominators.check_key
)

select * from final

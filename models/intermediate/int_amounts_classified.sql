-- Stand-in for the marts helper's int_amounts_classified (same contract columns) so the quality models
-- build before that model lands on this branch; it is replaced by theirs when the branches meet.
with

amounts as (
    select * from {{ ref('stg_landing__amounts') }}
),

forms as (
    select * from {{ ref('stg_landing__forms') }}
),

keyed as (
    select
        amounts.*,
        forms.form_kind,
        forms.subject_name,
        coalesce(
            amounts.item_key,
            case
                when amounts.item_label_printed similar to '.*(财政拨款|财政资金).*' then 'fiscal_appropriation'
                when amounts.item_label_printed similar to '.*(自有资金|自筹).*' then 'own_funds'
                when amounts.item_label_printed similar to '.*其[他它].*' then 'other_funds'
                when amounts.item_label_printed similar to '.*基本支出.*' then 'basic_expenditure'
                when amounts.item_label_printed similar to '.*人员经费.*' then 'personnel_expenditure'
                when amounts.item_label_printed similar to '.*公用经费.*' then 'public_expenditure'
                when amounts.item_label_printed similar to '.*项目支出.*' then 'project_expenditure'
                when amounts.item_label_printed similar to '.*(资金总额|总额|合计).*' then 'funding_total'
            end
        ) as classified_item_key,
        case
            when amounts.stage_printed similar to '.*(申请|申报).*' then '申请'
            when amounts.stage_printed similar to '.*年初.*' then '年初预算'
            when amounts.stage_printed similar to '.*(全年预算|调整后).*' then '全年预算'
            when amounts.stage_printed similar to '.*决算.*' then '决算'
            when amounts.stage_printed similar to '.*(执行|实际).*' then '执行数'
            when amounts.stage_printed similar to '.*预算.*' then '预算'
        end as stage_key,
    from amounts
    left join forms on amounts.form_id = forms.form_id
),

final as (
    select
        amount_id,
        form_id,
        document_id,
        form_kind,
        subject_name,
        item_label_printed,
        classified_item_key as item_key,
        stage_key,
        fiscal_year,
        text_printed,
        amount_wan,
        share_pct,
        parent_amount_id,
        section,
        line_no,
    from keyed
)

select * from final

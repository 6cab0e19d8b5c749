{#- Incremental models keyed by document: a nightly run adds the rows of documents the model has not seen
    and drops the rows of documents that are no longer current (superseded by a new version, or removed).
    The documents themselves never change under one document_id (it is the content's sha256); when the
    parser or the dbt project changes, `jixiao run` rebuilds the incremental models with --full-refresh. -#}

{#- A night with more new documents than the build's memory holds at once (a first night of a province)
    builds the incremental models in batches of documents: `jixiao run` writes each batch's ids into
    ops.build_batch and runs the models once per batch, then builds the rest over the whole tables. Without
    that table every new document is taken at once. -#}
{% macro build_batch() -%}
    {#- a unit test has no relation of its own, and never a batch -#}
    {%- if execute and this is not none -%}
    {{ return(adapter.get_relation(database=this.database, schema='ops', identifier='build_batch')) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- `landing`: the relation read holds each row's landing_seq (a staging view of a landing table, or a by-document
    model that carries it: its rows were appended batch after batch, night after night, in landing order too) -#}
{% macro new_documents_only(document_id_column='document_id', landing=false) -%}
    {%- set condition = is_new_document(document_id_column, landing) -%}
    {%- if condition != 'true' %}
    where {{ condition }}
    {%- endif %}
{%- endmacro %}

{#- The ids of the current documents (not superseded, removed or quarantined), as a subquery. -#}
{% macro current_document_ids() -%}
    {#- ref outside any condition, so dbt records the dependency when it parses the model or hook -#}
    {%- set documents = ref('stg_landing__documents') -%}
    (select {{ documents }}.document_id from {{ documents }} where {{ documents }}.load_status <> 'failed')
{%- endmacro %}

{#- The rows of the documents no longer current leave. With a record (below), the documents to drop are the
    recorded ones no longer current, found in the record (a row per document), and most nights there are none:
    "not current" tested on every row of the model read a table that grows with the corpus, each night. -#}
{% macro drop_non_current_documents() -%}
    {%- set current_documents = current_document_ids() -%}
    {%- if is_incremental() -%}
    {%- set taken = documents_taken() -%}
    {%- if taken is not none and has_record(taken) -%}
    {%- set leaving = taken_by_this_model(taken) ~ ' and ' ~ taken ~ '.document_id not in ' ~ current_documents -%}
    {%- if run_query('select count(*) from ' ~ taken ~ ' where ' ~ leaving).rows[0][0] > 0 -%}
    delete from {{ this }}
    where document_id in (select {{ taken }}.document_id from {{ taken }} where {{ leaving }})
    {%- endif -%}
    {%- else -%}
    delete from {{ this }}
    where document_id not in {{ current_documents }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- the same test as a condition, for an import CTE that has its own `where`: true on a full build -#}
{% macro is_new_document(document_id_column='document_id', landing=false) -%}
    {%- set conditions = new_document_conditions(document_id_column) -%}
    {%- if landing and conditions -%}
    {%- do conditions.append(landing_stretch(document_id_column)) -%}
    {%- endif -%}
    {{- conditions | join(' and ') if conditions else 'true' -}}
{%- endmacro %}

{#- the conditions on `document_id_column` that take a model's new documents: none on a full build -#}
{% macro new_document_conditions(document_id_column) -%}
    {%- set batch = build_batch() -%}
    {%- set conditions = [] -%}
    {%- if is_incremental() -%}
    {#- (stg_landing__documents is a parent already, by the by_document models' post-hook; a unit test, which
        never runs incrementally, has no such input) -#}
    {%- set current_documents = current_document_ids() -%}
    {#- the current documents the model has not seen (tonight's, and those it holds no row for) as the small side
        of a semi-join: "not in the model" was a mark join above a scan of every upstream row and column, a
        night's cost that grew with the corpus instead of with the change -#}
    {#- the record holds every document the model took since its last full build, written in the same
        transaction as its rows: read it (a row per document) rather than the model (a table that grows with the
        corpus). A model without a record (a warehouse built before there was one) reads its own table too. -#}
    {%- set taken = documents_taken() -%}
    {%- set seen = 'select ' ~ this ~ '.document_id from ' ~ this -%}
    {%- if taken is not none -%}
    {%- set recorded = 'select ' ~ taken ~ '.document_id from ' ~ taken ~ ' where ' ~ taken_by_this_model(taken) -%}
    {%- set seen = recorded if has_record(taken) else seen ~ ' union all ' ~ recorded -%}
    {%- endif -%}
    {%- do conditions.append(
        document_id_column ~ ' in (select unseen.document_id from ' ~ current_documents ~ ' as unseen'
        ~ ' where unseen.document_id not in (' ~ seen ~ '))'
    ) -%}
    {%- endif -%}
    {%- if batch is not none -%}
    {%- do conditions.append(document_id_column ~ ' in (select ' ~ batch ~ '.document_id from ' ~ batch ~ ')') -%}
    {%- endif -%}
    {{ return(conditions) }}
{%- endmacro %}

{#- The documents each by-document model has taken, whether they gave it rows or not (ops.documents_taken,
    kept by the post-hook below). A document that gives a model no row (a target form, for the model of
    reported actuals) would look unseen every night and be read again to yield nothing: three quarters of the
    corpus for that model, whose stretch of the landing order would then span the corpus. -#}
{% macro documents_taken() -%}
    {%- if execute and this is not none -%}
    {{ return(adapter.get_relation(database=this.database, schema='ops', identifier='documents_taken')) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{#- whether the model has a record: asked once per rendering (a model's import CTEs share the answer; its post-hooks,
    rendered apart, ask again) -#}
{% macro has_record(taken) -%}
    {%- if 'has_record' not in model -%}
    {%- do model.update({'has_record': run_query(
        'select count(*) > 0 from ' ~ taken ~ ' where ' ~ taken_by_this_model(taken)
    ).rows[0][0]}) -%}
    {%- endif -%}
    {{ return(model['has_record']) }}
{%- endmacro %}

{#- the rows of the record that are this model's -#}
{% macro taken_by_this_model(taken) -%}
    {{ return(taken ~ ".model_name = '" ~ this.identifier ~ "'") }}
{%- endmacro %}

{#- on-run-start: the record exists before any model runs (two models' post-hooks creating it at once conflict) -#}
{% macro create_documents_taken() -%}
    create schema if not exists ops;
    create table if not exists ops.documents_taken (model_name varchar, document_id varchar)
{%- endmacro %}

{#- Post-hook of the by-document models: note the documents the model took tonight (on a full build, its record
    starts again), and forget the ones no longer current, which a night that brings them back takes again. -#}
{% macro record_documents_taken() -%}
    {%- set current_documents = current_document_ids() -%}
    {%- set batch = build_batch() -%}
    {%- set model_name = "'" ~ this.identifier ~ "'" -%}
    delete from ops.documents_taken
    where
        model_name = {{ model_name }}
        {%- if is_incremental() %}
        and document_id not in {{ current_documents }}
        {%- endif %};
    insert into ops.documents_taken (model_name, document_id)
    select
        {{ model_name }},
        unseen.document_id
    from {{ current_documents }} as unseen
    where
        unseen.document_id not in (
            select taken.document_id from ops.documents_taken as taken
            where taken.model_name = {{ model_name }}
        )
        {%- if batch is not none %}
        and unseen.document_id in (select b.document_id from {{ batch }} as b)
        {%- endif %}
{%- endmacro %}

{#- The stretch of the landing order that holds the documents a model takes, as a condition on the rows of a table
    that holds landing_seq (loaders/landing.py, LANDING_SEQ). A semi-join on document ids reads every row of the
    table first; a range of landing_seq is checked against each row group's bounds, so a scan reads the row groups
    of the stretch only.
    The documents of a batch, or a night's new ones, landed together: their stretch is a small part of a corpus's.
    Any document landed before landing_seq existed (none after its next parse) leaves the range out. -#}
{% macro landing_stretch(document_id_column) -%}
    {%- set documents = ref('stg_landing__documents') -%}
    {%- if not execute -%}
    {{ return('true') }}
    {%- endif -%}
    {%- set taken = new_document_conditions('stretch.document_id') | join(' and ') -%}
    {#- asked once per model: a model reads several landing tables, all of them for the same documents -#}
    {%- if 'landing_stretches' not in model -%}
    {%- do model.update({'landing_stretches': {}}) -%}
    {%- endif -%}
    {%- if taken not in model['landing_stretches'] -%}
    {%- do model['landing_stretches'].update({taken: run_query(
        'select min(stretch.landing_seq), max(stretch.landing_seq), count(*), count(stretch.landing_seq) from '
        ~ documents ~ ' as stretch where ' ~ taken
    ).rows[0]}) -%}
    {%- endif -%}
    {%- set bounds = model['landing_stretches'][taken] -%}
    {%- if bounds[2] == 0 -%}
    {{ return('false') }}
    {%- elif bounds[2] != bounds[3] -%}
    {{ return('true') }}
    {%- endif -%}
    {%- set column = document_id_column | replace('document_id', 'landing_seq') -%}
    {{ return(column ~ ' between ' ~ bounds[0] ~ ' and ' ~ bounds[1]) }}
{%- endmacro %}

{#- An incremental model keyed by a row id: on an incremental night, drop the rows whose id the model's source of
    ids no longer holds (a document gone or superseded, a document now a duplicate of another). -#}
{% macro drop_rows_not_in(relation, id_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ id_column }} not in (select {{ relation }}.{{ id_column }} from {{ relation }})
    {%- endif -%}
{%- endmacro %}

{#- A model whose rows are the amounts or indicators of the documents counted (not a duplicate of another's
    content): drop the rows whose id `source` no longer holds for such a document -#}
{% macro drop_uncounted(source, id_column) -%}
    {%- set duplicates = ref('int_document_duplicates') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ id_column }} not in (
        select {{ source }}.{{ id_column }} from {{ source }}
        where {{ source }}.document_id not in (
            select {{ duplicates }}.document_id from {{ duplicates }} where {{ duplicates }}.is_duplicate
        )
    )
    {%- endif -%}
{%- endmacro %}

{#- A fact's "changed rows" test on an incremental night: the row is new (not in the built table, aliased `built`)
    or one of its cross-document columns differs from what its sources say tonight. `sources` is a list of
    (source alias, [column, ...]); each column has the same name in the source and in the fact. -#}
{% macro differs_from_built(id_column, sources) -%}
    built.{{ id_column }} is null
    {%- for source, columns in sources %}
    {%- for column in columns %}
        or built.{{ column }} is distinct from {{ source }}.{{ column }}
    {%- endfor %}
    {%- endfor %}
{%- endmacro %}

{#- The amounts of fct_funding that rpt_budget_execution sets side by side: a stage and an amount -#}
{% macro is_budget_line(funding=none) -%}
    {%- set at = funding ~ '.' if funding else '' -%}
    {{ at }}stage_key != '未注明' and {{ at }}amount_wan is not null
{%- endmacro %}

{#- rpt_budget_execution's rows are those amounts: a document with none left (gone, now a duplicate, or its amounts
    no longer staged) has no line -#}
{% macro drop_budget_lines_without_funding() -%}
    {%- set funding = ref('fct_funding') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where document_key not in (
        select {{ funding }}.document_key from {{ funding }}
        where {{ is_budget_line(funding) }}
    )
    {%- endif -%}
{%- endmacro %}

{#- dim_project's rows are the projects of the forms counted (int_projects_assembled), and its no-project member -#}
{% macro drop_projects_without_forms() -%}
    {%- set forms = ref('int_projects_assembled') -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where not is_member and project_key not in (select {{ forms }}.project_key from {{ forms }})
    {%- endif -%}
{%- endmacro %}


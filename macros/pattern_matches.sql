{#- Matching a column of texts against a seed's column of patterns (regular expressions, e.g. 社会保险|社保|医保
    or ^(不低于|≥)), the way every model that classifies text by a seed does it.

    DuckDB compiles a pattern that is not a constant (one read from a seed's column) for every row it is tried on,
    so each pattern is tried once on each distinct text, never once per row that prints it. A pattern of plain
    words joined by | (no regex syntax) matches a text that contains one of its words: contains() compiles
    nothing, and gives what the regular expression would (an unanchored search). -#}

{#- One row per (distinct text of `texts`.`text_column`, row of `patterns` whose `pattern_column` it matches): the
    text under its own column name, the pattern and the pattern row's `columns`. `texts` and `patterns` are CTE or
    relation names. -#}
{% macro pattern_hits(texts, text_column, patterns, pattern_column, columns=[]) -%}
    {%- set kept = [pattern_column] + columns -%}
    {#- a character that has a meaning in a regular expression (| excepted: it separates the words) -#}
    {%- set regex_syntax = "'[\\\\.^$*+?()\\[\\]{}]'" -%}
    {%- set is_regex = "regexp_matches(" ~ patterns ~ "." ~ pattern_column ~ ", " ~ regex_syntax ~ ")" -%}
    select distinct
        hit_texts.{{ text_column }},
        {%- for column in kept %}
        hit_patterns.{{ column }},
        {%- endfor %}
    from (select distinct {{ texts }}.{{ text_column }} from {{ texts }}) as hit_texts
    inner join (
        -- a plain-word pattern once per word, a pattern with regex syntax as itself
        select
            {%- for column in kept %}
            {{ patterns }}.{{ column }},
            {%- endfor %}
            {{ is_regex }} as is_regex,
            unnest(
                case when {{ is_regex }} then [{{ patterns }}.{{ pattern_column }}]
                else string_split({{ patterns }}.{{ pattern_column }}, '|') end
            ) as pattern_word,
        from {{ patterns }}
    ) as hit_patterns
        on case
            when hit_patterns.is_regex then regexp_matches(hit_texts.{{ text_column }}, hit_patterns.pattern_word)
            else contains(hit_texts.{{ text_column }}, hit_patterns.pattern_word)
        end
{%- endmacro %}

{#- The first row of `patterns` by `priority_column` (then by pattern, so a tie is decided the same way every night)
    that each distinct text matches: one row per text that matches any, as in pattern_hits. -#}
{% macro first_pattern_match(texts, text_column, patterns, pattern_column, priority_column, columns=[]) -%}
    select * from (
        {{ pattern_hits(texts, text_column, patterns, pattern_column, [priority_column] + columns) }}
    ) as pattern_matches
    qualify row_number() over (
        partition by pattern_matches.{{ text_column }}
        order by pattern_matches.{{ priority_column }}, pattern_matches.{{ pattern_column }}
    ) = 1
{%- endmacro %}

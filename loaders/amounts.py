"""Money and share parsing: printed text → exact Decimal, unit, value in 万元.

Used for table cells ("115.36 万元", "90" under a 单位：万元 header) and for sentences that list an
amount with its 其中 parts ("总额：900万元，其中：…300万元，区财政安排600万元").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from loaders.textnorm import clean, clean_mapped, printed_slice, to_simplified_aligned
from loaders.vocabulary import load_unit_factors, load_vocabulary, normalise_label

# Thousands separators group by three from a one-to-three-digit head (1,234.56万元); any other comma between
# two numbers lists them (12，13万元), it does not group.
_NUMBER = r"-?(?:\d{1,3}(?:[,，]\d{3})+(?![\d])|\d+)(?:\.\d+)?"
# traditional 萬/億 are read as 万/亿; the printed text keeps them
_MONEY_UNITS = r"百万元|亿元|億元|万元|萬元|千元|元|亿|億|万|萬"
# 万 / 亿 without 元 are money only at the end of a clause (1.4万, 约27万余元), not in 11万人次 or 3万户.
# Sentences are matched in simplified characters, so 萬元 reads as 万元.
_SENTENCE_UNITS = r"百万元|亿元|万元|千元|元|(?:亿|万)(?=余?元|[\s,，。；;、）)]|$)"
_AMOUNT = re.compile(rf"(?<![\d.*])(?P<num>{_NUMBER})\s*(?P<unit>{_SENTENCE_UNITS}|%|％)")
_BARE = re.compile(rf"^\s*(?P<num>{_NUMBER})\s*(?P<unit>{_MONEY_UNITS})?\s*$")
# a money unit printed after a label in brackets (资金总额（万元）)
# a table cell that is a bare figure (1,250,000.00 · -3 · 86.5): no unit, no rate
FIGURE = re.compile(r"^[-+]?\d+(?:[,，]\d{3})*(?:\.\d+)?$")
UNIT_IN_LABEL = re.compile(r"[（(]\s*(?P<unit>百万元|亿元|万元|千元|元)\s*[)）]")
_UNIT_HEADER = re.compile(r"单位\s*[:：]\s*(?P<unit>百万元|亿元|万元|千元|元)")
# Words that open a list of parts of the amount just before them (其中：…, 主要为…, 包括…, 分别为…).
_PARTS_MARK = re.compile(r"(?:其中|主要为|包括|分别为|分别是)\s*[:：]?")
# 为 right after an amount opens a list of its parts (省级资金124.23万元，为A25万元，B0.71万元…) when two or more
# amounts follow it in the clause, the last not trailed by 等 (an open list) and none the base of a ratio
# (为预算数300万元的93%).
_IS_LIST = re.compile(r"(?<=元)\s*[,，]\s*为")
_CLAUSE_END = re.compile(r"[；;。]")
# A bracketed note (a document number, an aside) between an amount and its 其中 does not separate them.
_ASIDE = re.compile(r"[(（][^()（）]*[)）]")
# A publisher's mask in place of digits (78.*元, *元, **万元, 预算数*): never a number.
_MASKED = re.compile(rf"(?:\d+\.?\d*)?\*+\d*\s*(?:{_SENTENCE_UNITS})|(?<=[数额])\s*[:：]?\s*\*+(?=\s*[,，。；;、）)]|\s*$)")
# A comparator before an amount makes it a target (≥80万元, 不超过1150元), not money printed as spent.
_COMPARATOR = re.compile(r"(?:[≥≤><＞＜=]|不低于|不少于|不超过|不高于|不大于|不小于|低于|高于|超过|大于|小于|控制在)\s*$")
_LABEL_TRIM = " \t\u3000,，;；、。.:：（）()【】[]“”\"'"


@dataclass
class Money:
    printed: str
    value: Decimal
    unit: str | None  # as printed; None when the caller's default unit applies
    value_wan: Decimal | None


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def to_wan(value: Decimal, unit: str | None) -> Decimal | None:
    if unit is None:
        return None
    factor = load_unit_factors().get(unit.replace("萬", "万").replace("億", "亿"))
    return None if factor is None else value * factor


def unit_from_header(text: str) -> str | None:
    """The money unit a ``单位：元`` / ``单位：万元`` header declares, if any."""
    m = _UNIT_HEADER.search(text or "")
    return m.group("unit") if m else None


def parse_money(printed: str | None, default_unit: str | None = None) -> Money | None:
    """A cell that is one amount ("115.36 万元", "90", "1.4万"); None for anything else.

    A bare number takes ``default_unit`` (from the form's 单位 header or the column label).
    """
    if printed is None:
        return None
    text = clean(printed)
    m = _BARE.match(text)
    if not m:
        return None
    value = to_decimal(m.group("num"))
    if value is None:
        return None
    unit = m.group("unit") or default_unit
    return Money(printed.strip(), value, m.group("unit"), to_wan(value, unit))


# A year printed in a label (2024年度单位…) is the amount's year unless it is the year compared with
# (与2023年决算比较增加…, 比上年…).
_YEAR = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年度?")
_COMPARED = re.compile(r"(与|比|较|同比|对比)\s*$")
_CLAUSE_SPLIT = re.compile(r"[，,。；;]")
_LEADING = re.compile(
    r"^(?:[,，、：:\s]|其中|包括|含|主要为|分别为|分别是|[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[)）]"
    r"|[（(]?\d{1,2}[)）.．、](?=\D|\d{4}\s*年))+"
)
# A date opening a clause (于2022年6月14日下达…) says when, it does not name the item.
_DATE = re.compile(r"^(?:于|在)?\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?")
_TRAILING = re.compile(r"(?<=.)(?:为|达到|合计|共计|约)+$")
# A per-unit rate or standard (每人每月650元, 人均补差531.6元, 1150元/月) is not an amount of money spent.
# words that make an amount a rate, not a sum (每人, 人均, 补助标准): prose and column labels alike
PER_UNIT = re.compile(r"每|人均|户均|月均|亩均|标准")


@dataclass(frozen=True)  # read once per sentence and shared by every caller (memoised): never changed
class SentenceAmount:
    label: str
    printed: str
    value: Decimal
    unit: str
    is_share: bool
    parent: int | None  # index into the returned list
    start: int  # character offset in the cleaned sentence
    text: str = ""  # the clause as printed from its label to its unit (年初预算资金258.07万元)
    stage: str | None = None  # the stage word printed in the label (年初预算, 决算, 调减, 支出 …)
    year: int | None = None  # the year printed in the label or earlier in the sentence
    per_unit: bool = False  # a rate or standard per person / month, not a sum of money
    target: bool = False  # printed after a comparator (≥80万元): a target, not money printed as spent
    money_before: bool = False  # a money amount precedes it in the same sentence (for a rate: its operands)
    listed: bool = False  # in a 其中 list whose total is not printed before it in the sentence (…各市，其中：A市…)


def _trim(label: str) -> str:
    """Punctuation off both ends, but a closing bracket that closes one in the label stays (资金(某行动))."""
    out = label.strip(_LABEL_TRIM)
    closing = label.rstrip(_LABEL_TRIM.replace(")", "").replace("）", ""))
    if out and closing.endswith((")", "）")):
        kept = closing[len(closing) - len(closing.lstrip(_LABEL_TRIM)) :]
        if kept.count("(") + kept.count("（") > kept.count(")") + kept.count("）") - 1:
            out = kept
    return out


def _years(text: str) -> list[tuple[int, int]]:
    """(offset, year) of every year printed in ``text`` that is not the year compared with."""
    return [(m.start(), int(m.group("year"))) for m in _YEAR.finditer(text) if not _COMPARED.search(text[: m.start()])]


@lru_cache(maxsize=16384)  # the same labels recur in every sentence and document
def _stage(label: str) -> str | None:
    """The stage word of a label: of the vocabulary's stage words, the one ending last (longest on a tie)."""
    words = load_vocabulary().labels("stage")
    best: tuple[int, int, str] | None = None
    for word in words:
        for m in re.finditer(re.escape(word), label):
            key = (m.end(), len(word), word)
            if best is None or key > best:
                best = key
    return best[2] if best else None


def _strip_stage(label: str, stage: str | None) -> str:
    return label[: -len(stage)] if stage and label.endswith(stage) and len(label) > len(stage) else label


@lru_cache(maxsize=4096)
def _masked_amounts(sentence: str) -> tuple[str, ...]:
    text, spans = clean_mapped(sentence)
    norm = to_simplified_aligned(text)
    return tuple(printed_slice(sentence, spans, m.start(), m.end()).strip() for m in _MASKED.finditer(norm))


def masked_amounts(sentence: str) -> list[str]:
    """The printed text of every masked amount in a sentence (78.*元, *元, 预算数*): reported, never read."""
    return list(_masked_amounts(sentence))


# An adjustment or a total printed after a 其中 list (…孤儿11万元，调减40万元，全年实际下达71万元) is not one
# of its parts: these stage keys, or these words opening the label, end the list.
_ENDS_PARTS_STAGES = {"reduced", "increased", "change_increase", "change_decrease", "carry_over"}
_ENDS_PARTS_WORDS = re.compile(r"^(?:全年|实际|合计|共计|累计|总计|剩余|结余)")


def _ends_parts(label: str) -> bool:
    if _ENDS_PARTS_WORDS.match(label):
        return True
    stage = _stage(normalise_label(label)) if label else None
    match = load_vocabulary().lookup("stage", stage) if stage else None
    return bool(match and match.field_key in _ENDS_PARTS_STAGES and normalise_label(label).startswith(stage))


def _money_in(text: str) -> list[re.Match]:
    """The amounts of money in ``text`` (not its percentages)."""
    return [a for a in _AMOUNT.finditer(text) if a.group("unit") not in ("%", "％")]


def _list_openers(text: str) -> dict[tuple[int, int], int]:
    """The 为 of every 为-list in ``text``, as (start, end) like a 其中, with where its clause ends."""
    out = {}
    for m in _IS_LIST.finditer(text):
        end = _CLAUSE_END.search(text, m.end())
        clause = text[m.end() : end.start() if end else len(text)]
        money = _money_in(clause)
        if (
            len(money) >= 2
            and not any(clause[a.end() : a.end() + 1] == "的" for a in money)
            and not clause[money[-1].end() :].lstrip().startswith("等")
            and "%" not in clause
        ):
            out[(m.end() - 1, m.end())] = m.end() + len(clause)
    return out


# Between an amount and a 其中 that opens its parts: nothing but punctuation and asides, or a short predicate
# with no figure in it (465.87万元下达给你们，其中：…).
_PREDICATE = re.compile(r"^[^\d。；;]{0,10}$")
_BRACKET = re.compile(r"\s*[（(]([^()（）]*)[)）]")


def _leads_to_parts(between: str, previous: SentenceAmount) -> bool:
    rest = _ASIDE.sub("", between).strip(" ,，。；;：:")
    return not rest or (not previous.is_share and bool(_PREDICATE.match(rest)))


def _bracketed_parts(text: str) -> list[tuple[int, int]]:
    """Brackets opened right after an amount and holding two or more amounts: that amount's parts."""
    out = []
    for m in _AMOUNT.finditer(text):
        b = _BRACKET.match(text, m.end())
        if b and len(_money_in(b.group(1))) >= 2:
            out.append((b.start(1) - 1, b.end()))
    return out


def amounts_in_sentence(sentence: str) -> list[SentenceAmount]:
    """Every labelled amount or percentage in a sentence (see :func:`_amounts_in_sentence`)."""
    return list(_amounts_in_sentence(sentence))


@lru_cache(maxsize=4096)  # a report's paragraph is read to find the report and again to extract it
def _amounts_in_sentence(sentence: str) -> tuple[SentenceAmount, ...]:
    """Every labelled amount or percentage in a sentence, with 其中 parts pointing at their total.

    The label of an amount is the clause between the previous amount (or the clause start) and its
    number. Amounts after a 其中 (主要为, 包括, 分别为) that follows an amount directly are its parts. A label
    that is only a stage word (…三公经费预算0.3万元，决算0.13万元) names the item of the amount before it.
    Traditional characters and converter noise read as simplified text; labels and texts keep the printed
    characters.
    """
    printed_text, spans = clean_mapped(sentence)
    text = to_simplified_aligned(printed_text)
    found: list[SentenceAmount] = []
    parent_for_parts: int | None = None
    listed = False
    cursor = 0
    is_lists = _list_openers(text)
    parts_marks = sorted([(m.start(), m.end()) for m in _PARTS_MARK.finditer(text)] + list(is_lists))
    list_until = len(text)  # a 为-list ends with its clause
    bracket_parts = _bracketed_parts(text)
    bracket_owner: dict[tuple[int, int], int] = {}
    years = _years(text)
    for m in _AMOUNT.finditer(text):
        value = to_decimal(m.group("num"))
        if value is None:
            continue
        between = text[cursor : m.start()]
        between_start = cursor
        # a 其中 right after the previous amount (a bracketed aside between them aside) opens a parts list
        # under it; a 其中 further on does not
        marks = [(a, b) for a, b in parts_marks if cursor <= a and b <= m.start()]
        opens = [b for a, b in marks if found and _leads_to_parts(text[cursor:a], found[-1])]
        inside = next((g for g in bracket_parts if g[0] < m.start() < g[1]), None)
        if inside is not None:
            # a part printed in brackets after its total (40.27万元（A12.72万元、B27.55万元）): the list
            # around the brackets goes on after them
            owner = bracket_owner.setdefault(inside, len(found) - 1)
        elif m.start() >= list_until:
            parent_for_parts, list_until = None, len(text)
        if opens and inside is not None:
            between, between_start = text[opens[-1] : m.start()], opens[-1]  # （其中：A…、B…）
        elif opens:
            list_until = next((until for (a, b), until in is_lists.items() if b == opens[-1]), len(text))
            # under the amount just before, a part itself when the 其中 is nested (…补助471.23元，其中中央…);
            # a share just before (占预算的93%，其中…) is of the money its 其中 divides
            parent_for_parts = len(found) - 1
            while found[parent_for_parts].is_share and found[parent_for_parts].parent is not None:
                parent_for_parts = found[parent_for_parts].parent
            between, between_start = text[opens[-1] : m.start()], opens[-1]
            listed = False
        elif "。" in between:
            parent_for_parts = None
            listed = bool(marks) and "。" not in text[marks[-1][0] : m.start()]
        elif marks:
            listed = True
        raw = _CLAUSE_SPLIT.split(between)[-1]
        raw = [p for p in re.split(r"[:：]", raw) if p.strip()][-1:] or [""]
        raw_label = raw[0]
        label_start = m.start() - len(raw_label)
        own_years = [y for off, y in _years(raw_label)]
        # numbering and a leading year (1.2024年度…) are not part of the item's name
        label = _LEADING.sub("", raw_label.strip())
        label = _LEADING.sub("", _YEAR.sub("", label, count=1)) if _YEAR.match(label) else label
        label = _LEADING.sub("", _DATE.sub("", label, count=1)) if _DATE.match(label) else label
        # a comparator is not part of the item's name (产值≥80万元), unless it is all the label there is
        label = _trim(_TRAILING.sub("", _COMPARATOR.sub("", label))) or _trim(label)
        # the label as printed (traditional characters kept), at the same place in the printed text
        at = text.rfind(label, between_start, m.start()) if label else -1
        printed_label = printed_text[at : at + len(label)] if at >= 0 else label
        unit = m.group("unit").replace("％", "%")
        stage = _stage(normalise_label(label)) if label else None
        if stage and normalise_label(label) == stage:
            # only a stage word: the item is the one named just before (预算0.3万元，决算0.13万元)
            previous = next((a for a in reversed(found) if not a.is_share), None)
            base = _strip_stage(previous.label, previous.stage) if previous is not None else ""
            # …but not when the item before is itself only a stage phrase (年中执行调减…，实际支出…)
            if base and "。" not in between and base != previous.label and _stage(normalise_label(base)) is None:
                printed_label = base
        if parent_for_parts is not None and unit != "%" and _ends_parts(label) and inside is None:
            parent_for_parts = None
        parent = owner if inside is not None else parent_for_parts
        money_before = any(not a.is_share and not a.per_unit for a in found)
        if unit == "%" and parent is None:
            # a share printed after a money amount is a share of it (共需1300万元，上级补助40%…)
            money = [i for i, a in enumerate(found) if not a.is_share and a.parent is None]
            parent = money[-1] if money else None
        if stage is None and parent is not None and unit != "%":
            stage = found[parent].stage
        year_before = [y for off, y in years if off < m.start()]
        clause = _CLAUSE_SPLIT.split(text[: m.start()])[-1]
        after = text[m.end() : m.end() + 1]
        per_unit = after in ("/", "／") or (unit in ("元", "千元") and bool(PER_UNIT.search(clause)))
        printed_unit = printed_text[m.start("unit") : m.end("unit")].replace("％", "%")
        text_start = label_start
        while text_start < m.start() and text[text_start] in _LABEL_TRIM:
            text_start += 1
        found.append(
            SentenceAmount(
                label=printed_label,
                printed=printed_slice(sentence, spans, m.start(), m.end()),
                value=value,
                unit=printed_unit,
                is_share=unit == "%",
                parent=parent,
                start=m.start(),
                text=printed_slice(sentence, spans, text_start, m.end()),
                stage=stage,
                year=own_years[-1] if own_years else (year_before[-1] if year_before else None),
                per_unit=per_unit,
                target=bool(_COMPARATOR.search(text[: m.start()])),
                money_before=money_before,
                listed=listed and parent is None and unit != "%",
            )
        )
        cursor = m.end()
    return tuple(found)

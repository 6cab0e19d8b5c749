"""The label vocabulary: printed labels and their variants mapped to field keys, read from seeds/.

A new province's wording is a row in ``seeds/label_vocabulary.csv``, not code. dbt joins the same CSV.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, KeysView
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from loaders.textnorm import to_simplified

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Printed labels carry decoration that does not change their meaning: spaces inside words
# (产出 指示), a trailing colon, a "+" expander from PDF exports, numbering (一、), weights "(40分)".
_DECORATION = re.compile(r"[\s\u3000:：+＋*＊]|^[一二三四五六七八九十\d]+[、.．]|[（(]\d+分[）)]$")


_ANNOTATION = re.compile(r"\s*[（(]\s*(?:[A-Za-z][A-Za-z/+\-*×÷ ]*|必填[^）)]*|选填[^）)]*)\s*[）)]\s*$")


# a unit printed after a label (资金总额(万元), 金额（单位：元）, 补助人数（人）, 补助标准（元/人）) says how its
# values are counted or scaled, not what they are
_UNIT_NOTE = re.compile(
    r"\s*[（(]\s*(?:单位\s*[:：]?\s*)?(?:百万元|亿元|万元|千元|元|分|%|人次|万人|人|户|个|亩|公里|吨|元/[^（()）]{1,4})\s*[）)]\s*$"
)


_PART_PREFIX = re.compile(r"^其中\s*[:：]?\s*(?=\S)")


# pure and asked of the same cell texts by every recogniser (its OpenCC conversion once dominated ingest time)
@lru_cache(maxsize=65536)
def normalise_label(printed: str) -> str:
    # full-width brackets and colons (（）：) and their ASCII forms are one label
    text = unicodedata.normalize("NFKC", to_simplified(printed or ""))
    text = re.sub(r"[（(]\s*\d+\s*分\s*[）)]", "", text)
    # template annotations after a label: a column formula (全年预算数(A), 执行率(B/A)) or a fill-in
    # note (数量指标 (必填硬性指标), 经济效益指标 (选填))
    text = _ANNOTATION.sub("", text)
    text = _UNIT_NOTE.sub("", text)
    # 其中：财政拨款 is the label 财政拨款 printed as a part; the part structure is read from the rows
    text = _PART_PREFIX.sub("", text.strip())
    # OCR reads the stroke 一 of 一级指标 as a dash
    text = _OCR_DASH.sub("一", text)
    return _DECORATION.sub("", text.strip())


_LEADING_YEAR = re.compile(r"^\s*(?:19|20)\d{2}\s*年度?")
# field keys of money in the seeds: a total, and any part of one (funding_part_central, funding_part_advance …)
MONEY_KEYS = ("funding_total", "annual_funding")


def is_money_key(key: str | None) -> bool:
    return key in MONEY_KEYS or bool(key and key.startswith("funding_part"))


def without_year(text: str) -> str:
    return _LEADING_YEAR.sub("", text)


_LOOKUP_MEMO = 200_000
_NONE: dict[str, str] = {}
_MISSING = object()  # not looked up yet (None is an answer: no label)
_OCR_DASH = re.compile(r"^[—－\-_ー一]+(?=级)")


@dataclass(frozen=True)
class Match:
    field_key: str
    standard_label: str
    placement: str  # exact | alias


class Vocabulary:
    def __init__(self, rows: list[dict[str, str]]):
        self._by_context: dict[str, dict[str, tuple[str, str]]] = {}
        # every context a normalised label is known in, with its key: one look-up answers them all
        self._contexts: dict[str, dict[str, str]] = {}
        # the same cells are looked up again by every recogniser and table test: a bounded memo
        self._looked_up: dict[tuple, Match | str | None] = {}
        # a recogniser's yes / no per printed text (texts_where): kept here, as the answers depend on it
        self._answers: dict[str, tuple[set[str], set[str]]] = {}
        for row in rows:
            ctx = self._by_context.setdefault(row["context"], {})
            norm = normalise_label(row["label"])
            ctx[norm] = (row["field_key"], row["standard_label"])
            self._contexts.setdefault(norm, {})[row["context"]] = row["field_key"]

    def lookup(self, context: str, printed: str | None) -> Match | None:
        if not printed:
            return None
        key = (context, printed)
        found = self._looked_up.get(key, _MISSING)
        if found is not _MISSING:
            return found
        if len(self._looked_up) > _LOOKUP_MEMO:
            self._looked_up.clear()
        found = self._lookup(context, printed)
        self._looked_up[key] = found
        return found

    def texts_where(self, question: str, test: Callable[[str], object], texts: KeysView[str] | set[str]) -> set[str]:
        """Those of ``texts`` for which ``test`` holds, ``test`` being a question about a printed text whose answer
        depends on this vocabulary only (named ``question``). A corpus prints the same labels in document after
        document: each text is tested once, and a document's texts are sorted by set operations."""
        yes, no = self._answers.setdefault(question, (set(), set()))
        if len(yes) + len(no) > _LOOKUP_MEMO:
            yes.clear()
            no.clear()
        for text in texts - yes - no:
            (yes if test(text) else no).add(text)
        return texts & yes

    def _lookup(self, context: str, printed: str) -> Match | None:
        norm = normalise_label(printed)
        labels = self._by_context.get(context, {})
        hit = labels.get(norm)
        if hit is None:
            return None
        placement = "exact" if norm == normalise_label(hit[1]) else "alias"
        return Match(hit[0], hit[1], placement)

    def contexts_of(self, printed: str | None) -> dict[str, str]:
        """Every context the printed label is known in, with its field key ({} for no label)."""
        return self._contexts.get(normalise_label(printed), _NONE) if printed else _NONE

    def labels(self, context: str) -> set[str]:
        return set(self._by_context.get(context, {}))

    def lookup_column(self, context: str, printed: str | None) -> Match | None:
        """A column label, also when printed after its year (2021年决算数, 2021年实际在职人数)."""
        return self.lookup(context, printed) or self.lookup(context, without_year(printed or ""))

    def ending(self, context: str, printed: str | None) -> str | None:
        """The field key of the longest label of ``context`` that ``printed`` ends with and is longer than (a
        known label qualified in front: 本次下达 + 资金金额)."""
        norm = normalise_label(printed or "")
        key = (context, "ending", norm)
        if key not in self._looked_up:
            self._looked_up[key] = self._longest_ending(context, norm, qualified=True)
        return self._looked_up[key]

    def _longest_ending(self, context: str, norm: str, qualified: bool) -> str | None:
        """The field key of the longest label of ``context`` that ``norm`` ends with (and, ``qualified``, is
        longer than)."""
        labels = self._by_context.get(context, {})
        fits = (t for t in labels if norm.endswith(t) and (len(norm) > len(t) or not qualified))
        best = max(fits, key=len, default=None)
        return labels[best][0] if best else None

    def title_kind(self, printed: str | None) -> str | None:
        """The form kind whose title words end ``printed`` (…整体支出绩效自评表 → department_self_evaluation);
        a title is more than its kind's words."""
        return self._longest_ending("form_title", normalise_label(printed or ""), qualified=False)

    def is_label(self, printed: str | None) -> bool:
        """A label of any context (a field, a column, a level): how a reader tells a table row from prose."""
        norm = normalise_label(printed or "")
        # a column label printed after its year (2021年预算数, 2020年决算数) is that label
        bare = _LEADING_YEAR.sub("", norm)
        return bool(norm) and any(norm in labels or (bare and bare in labels) for labels in self._by_context.values())


def _read_csv(name: str, seeds: Path) -> list[dict[str, str]]:
    with open(seeds / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=4)
def load_vocabulary(seeds: Path = SEEDS) -> Vocabulary:
    return Vocabulary(_read_csv("label_vocabulary.csv", seeds))


@lru_cache(maxsize=4)
def load_unit_factors(seeds: Path = SEEDS) -> dict[str, Decimal]:
    return {r["unit"]: Decimal(r["factor_to_wan"]) for r in _read_csv("unit_factors.csv", seeds)}

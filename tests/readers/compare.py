"""Compare what the extractors get from a rendition with what they get from its text sample.

The text sample is the reference: a rendition must give the same forms, indicators and amounts (as
multisets of their printed values, whitespace ignored). Robust while the extractors evolve, because both
sides run through the same extractors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from loaders.errors import NotAPerformanceDocument, ReadError
from loaders.extract import parse_document
from loaders.model import ParsedDocument
from loaders.readers import read_file
from loaders.textnorm import compact


def signature(parsed: ParsedDocument) -> dict[str, Counter]:
    forms, indicators, amounts = Counter(), Counter(), Counter()
    for f in parsed.forms:
        forms[(f.form_kind, compact(f.subject_name))] += 1
        for i in f.indicators:
            indicators[(f.form_kind, compact(i.level3), compact(i.target_text), compact(i.actual_text))] += 1
        for a in f.amounts:
            amounts[(f.form_kind, str(a.value_wan), str(a.share_pct), compact(a.stage_printed))] += 1
    return {"forms": forms, "indicators": indicators, "amounts": amounts}


@dataclass
class Comparison:
    name: str
    gold_text: float = 0.0  # gold score of the text sample
    gold_rendition: float = 0.0
    counts: dict[str, tuple[int, int]] = None  # category -> (text count, rendition count)
    matched: dict[str, int] = None
    error: str | None = None

    def score(self, category: str) -> float:
        ref, got = self.counts[category]
        return 100.0 if max(ref, got) == 0 else 100.0 * self.matched[category] / max(ref, got)

    @property
    def overall(self) -> float:
        total = sum(max(r, g) for r, g in self.counts.values())
        return 100.0 if total == 0 else 100.0 * sum(self.matched.values()) / total


def parse_path(path: Path) -> ParsedDocument:
    return parse_document(read_file(path, path.read_bytes()))


def _parse_or_none(path: Path) -> ParsedDocument | None:
    try:
        return parse_path(path)
    except NotAPerformanceDocument:  # the extractors of this branch may know no form of this sample yet
        return None


def _signature(parsed: ParsedDocument | None) -> dict[str, Counter]:
    return signature(parsed) if parsed else {"forms": Counter(), "indicators": Counter(), "amounts": Counter()}


def compare(text_path: Path, rendition: Path, gold_doc: dict | None = None) -> Comparison:
    ref_parsed = _parse_or_none(text_path)
    ref = _signature(ref_parsed)
    gold_text = gold_score(gold_doc, ref_parsed) if gold_doc else 0.0
    try:
        parsed = _parse_or_none(rendition)
    except ReadError as exc:
        counts = {k: (sum(v.values()), 0) for k, v in ref.items()}
        return Comparison(rendition.name, gold_text, 0.0, counts, {k: 0 for k in ref}, str(exc))
    got = _signature(parsed)
    counts = {k: (sum(ref[k].values()), sum(got[k].values())) for k in ref}
    matched = {k: sum((ref[k] & got[k]).values()) for k in ref}
    gold_rendition = gold_score(gold_doc, parsed) if gold_doc else 0.0
    return Comparison(rendition.name, gold_text, gold_rendition, counts, matched)


def table(rows: list[Comparison]) -> str:
    head = f"{'rendition':38} {'forms':>9} {'indicators':>11} {'amounts':>9} {'same':>7}"
    out = [head + f" {'gold text':>9} {'gold here':>9}"]
    for c in rows:
        cells = [f"{c.counts[k][1]}/{c.counts[k][0]}" for k in ("forms", "indicators", "amounts")]
        out.append(
            f"{c.name:38} {cells[0]:>9} {cells[1]:>11} {cells[2]:>9} {c.overall:6.1f}%"
            + f" {c.gold_text:8.1f}% {c.gold_rendition:8.1f}%"
            + (f"  {c.error}" if c.error else "")
        )
    return "\n".join(out)


def gold_items(gold_doc: dict) -> Counter:
    """What the gold says a parser must get: project names, indicator counts per project, amounts."""
    items: Counter = Counter()
    for p in gold_doc.get("projects") or []:
        items[("project", compact(p.get("name")))] += 1
        items[("indicator_count", compact(p.get("name")), p.get("indicator_count"))] += 1
        for f in p.get("funding") or []:
            if f.get("amount") is not None:
                items[("amount", Decimal(str(f["amount"])).normalize())] += 1
    for d in gold_doc.get("department_forms") or []:
        items[("department_indicator_count", d.get("indicator_count"))] += 1
        for f in d.get("funding") or []:
            if f.get("amount") is not None:
                items[("amount", Decimal(str(f["amount"])).normalize())] += 1
    return items


def parsed_items(parsed: ParsedDocument | None) -> Counter:
    items: Counter = Counter()
    for f in parsed.forms if parsed else []:
        if f.form_kind == "project_target" or f.form_kind == "spending_direction_target":
            items[("project", compact(f.subject_name))] += 1
            items[("indicator_count", compact(f.subject_name), len(f.indicators))] += 1
        elif f.form_kind.startswith("department"):
            items[("department_indicator_count", len(f.indicators))] += 1
        for a in f.amounts:
            if a.value is not None:
                items[("amount", a.value.normalize())] += 1
    return items


def gold_score(gold_doc: dict, parsed: ParsedDocument | None) -> float:
    """Share (%) of the gold's items that the parse reproduces."""
    gold = gold_items(gold_doc)
    return 100.0 * sum((gold & parsed_items(parsed)).values()) / max(1, sum(gold.values()))

"""Recognise the forms in a read document and extract them.

Every module in this package that defines ``FORM_KIND``, ``find(doc, vocab)`` and
``extract(doc, span, vocab)`` is a recogniser; adding a form kind is adding a module. Spans found by
several recognisers are resolved first-come by position, the earlier-listed module winning ties.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from loaders.amounts import amounts_in_sentence
from loaders.errors import NotAPerformanceDocument
from loaders.extract.common import unplaced
from loaders.model import FormSpan, IssueRecord, ParsedDocument, ReadDocument
from loaders.vocabulary import Vocabulary, load_vocabulary


def recognisers() -> list[ModuleType]:
    mods = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(mod, a) for a in ("FORM_KIND", "find", "extract")):
            mods.append(mod)
    # a module may ask to run before others (PRIORITY, lower first; default 100)
    return sorted(mods, key=lambda m: getattr(m, "PRIORITY", 100))


def _resolve(spans: list[tuple[ModuleType, FormSpan]], doc_blocks: list) -> list[tuple[ModuleType, FormSpan]]:
    chosen: list[tuple[ModuleType, FormSpan]] = []
    taken: set[int] = set()
    for mod, span in spans:
        own = set(range(span.block_start, span.block_end))
        if own & taken:
            free = sorted(own - taken)
            if not free:
                continue
            # what is left of a table form after others took its rows is prose, not that form
            if any(b.kind == "row" for b in doc_blocks[span.block_start : span.block_end]) and not any(
                doc_blocks[k].kind == "row" for k in free
            ):
                continue
            span = FormSpan(span.form_kind, free[0], free[-1] + 1, span.title)
            own = set(range(span.block_start, span.block_end))
        taken |= own
        chosen.append((mod, span))
    return sorted(chosen, key=lambda t: t[1].block_start)


def parse_document(doc: ReadDocument, vocab: Vocabulary | None = None) -> ParsedDocument:
    vocab = vocab or load_vocabulary()
    spans: list[tuple[ModuleType, FormSpan]] = []
    for mod in recognisers():
        spans.extend((mod, s) for s in mod.find(doc, vocab))
    chosen = _resolve(spans, doc.blocks)
    if not chosen:
        raise NotAPerformanceDocument("no performance form recognised (not a budget-performance document?)")
    forms = [mod.extract(doc, span, vocab) for mod, span in chosen]
    covered = {i for _, s in chosen for i in range(s.block_start, s.block_end)}
    issues: list[IssueRecord] = [
        unplaced(b, "row_outside_forms", "info")
        for i, b in enumerate(doc.blocks)
        if i not in covered and b.kind == "row" and not all(c.is_empty for c in b.cells)
    ]
    if not any(f.amounts for f in forms):
        issues.extend(_money_not_read(doc))
    title = next((b.text.lstrip("#").strip() for b in doc.blocks if b.kind == "paragraph" and b.text.strip()), None)
    if forms and forms[0].title:
        title = forms[0].title
    return ParsedDocument(read=doc, title=title, forms=forms, issues=issues)


def _money_not_read(doc: ReadDocument) -> list[IssueRecord]:
    """A document that prints sums of money of which no form read one is only partly understood: one warning
    with the first such line, so its status says so (a rate per person or a share is not a sum of money)."""
    lines = [
        line
        for line in doc.lines
        if any(not a.is_share and not a.per_unit and a.value is not None for a in amounts_in_sentence(line.text))
    ]
    if not lines:
        return []
    first = lines[0]
    return [
        IssueRecord(
            "warning",
            "amounts_not_read",
            f"sums of money printed on {len(lines)} line(s), none read: {first.text.strip()[:60]}",
            first.no,
            first.text.strip()[:200],
        )
    ]

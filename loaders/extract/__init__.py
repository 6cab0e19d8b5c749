"""Recognise the forms in a read document and extract them.

Every module in this package that defines ``FORM_KIND``, ``find(doc, vocab)`` and
``extract(doc, span, vocab)`` is a recogniser; adding a form kind is adding a module. Spans found by
several recognisers are resolved first-come by position, the earlier-listed module winning ties.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import ModuleType

from loaders.amounts import amounts_in_sentence, unit_from_header
from loaders.errors import NotAPerformanceDocument
from loaders.extract import table_totals
from loaders.extract.common import mark_labels, unplaced
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
    doc.freeze()
    mark_labels(doc, vocab)
    spans: list[tuple[ModuleType, FormSpan]] = []
    for mod in recognisers():
        spans.extend((mod, s) for s in mod.find(doc, vocab))
    chosen = _resolve(spans, doc.blocks)
    if not chosen:
        raise NotAPerformanceDocument("no performance form recognised (not a budget-performance document?)")
    forms = [mod.extract(doc, span, vocab) for mod, span in chosen]
    table_totals.link(forms)
    covered = {i for _, s in chosen for i in range(s.block_start, s.block_end)}
    issues: list[IssueRecord] = [
        unplaced(b, "row_outside_forms", "info")
        for i, b in enumerate(doc.blocks)
        if i not in covered and b.kind == "row" and not all(c.is_empty for c in b.cells)
    ]
    if not any(f.amounts for f in forms):
        issues.extend(_money_not_read(doc))
    issues.extend(_figures_not_read(doc, covered))
    title = next((b.text.lstrip("#").strip() for b in doc.blocks if b.kind == "paragraph" and b.text.strip()), None)
    if forms and forms[0].title:
        title = forms[0].title
    return ParsedDocument(read=doc, title=title, forms=forms, issues=issues)


_FIGURE = re.compile(r"^[-+]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$|^[-+]?\d+\.\d+$|^[-+]?\d{2,}$")
_MIN_FIGURE_ROWS = 2
_WIDE_ROW_FIGURES = 3
# a figure, not a year (2024年) nor a list number (1、)
_BARE_FIGURE = re.compile(r"(?<![\d.])\d+(?:[,，]\d{3})*(?:\.\d+)?(?![\d.]|\s*[年、])")


def _figures_not_read(doc: ReadDocument, covered: set[int]) -> list[IssueRecord]:
    """Table rows of figures outside every form (an allocation table whose header no vocabulary names): the
    document is only partly read, and its status says so with the first such row."""
    figures = {
        i: sum(1 for c in b.cells if _FIGURE.match(c.text.strip()))
        for i, b in enumerate(doc.blocks)
        if i not in covered and b.kind == "row"
    }
    rows = [doc.blocks[i] for i, n in figures.items() if n >= 1]
    # two rows of figures, or one wide one (a table whose rows the layout could not cut)
    if len(rows) < _MIN_FIGURE_ROWS and not any(n >= _WIDE_ROW_FIGURES for n in figures.values()):
        return []
    text = " | ".join(t for t in rows[0].texts if t)
    return [
        IssueRecord(
            "warning",
            "figures_not_read",
            f"{len(rows)} table row(s) of figures outside every form: {text[:60]}",
            rows[0].line_start,
            text[:200],
        )
    ]


def _money_not_read(doc: ReadDocument) -> list[IssueRecord]:
    """A document that prints sums of money of which no form read one is only partly understood: one warning
    with the first such line, so its status says so (a rate per person or a share is not a sum of money)."""
    lines = [
        line
        for line in doc.lines
        if any(not a.is_share and not a.per_unit and a.value is not None for a in amounts_in_sentence(line.text))
    ]
    # a table in 万元 or 元 prints its sums bare: the lines of figures after its unit line
    unit_at = next((k for k, line in enumerate(doc.lines) if unit_from_header(line.text)), None)
    if not lines and unit_at is not None:
        lines = [line for line in doc.lines[unit_at + 1 :] if len(_BARE_FIGURE.findall(line.text)) >= 2]
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

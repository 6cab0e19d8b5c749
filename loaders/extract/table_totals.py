"""The 合计 and 小计 rows of an allocation table: totals of other rows, not projects.

An allocation table prints one row per recipient or project and, among them, rows that add some of them up:
a 合计 (or 总计) over the whole table, and 小计 rows over groups. A group's 小计 is printed after its rows
or, in tables that lead each group with its sum (一、省本级小计, then (一)省自然资源厅小计, then the units),
before them; an ordinal prefix (一、 above (一)) says which 小计 a smaller one is part of.

Each such row becomes a form of its own kind, and the money in it a total whose parts are the same
column's money in the rows it covers, so the warehouse checks the sum and counts each yuan once. Only a
row's own total is linked: the parts inside a row (its spending directions) keep their row as parent.
"""

from __future__ import annotations

import re

from loaders.model import AmountRecord, ExtractedForm
from loaders.textnorm import compact

FORM_KIND = "table_total"

_TOTAL = re.compile(r"(?:合计|总计)$")
_SUBTOTAL = re.compile(r"^(?P<ordinal>[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])?.*小计$")
GRAND, _FIRST, _SECOND, _GROUP, _ROW = 0, 1, 2, 3, 4
# a 合计 label may name its scope (全县合计, 省级资金合计); a longer text ending in 合计 is not a total row
_TOTAL_LABEL_MAX = 12


def rank(texts: list[str]) -> int:
    """How much of the table a row adds up, by the label among its cells: 0 the whole table, 1–3 a group
    (一、… 小计 above （一）… 小计 above a bare 小计), 4 a row of its own."""
    for text in texts:
        label = compact(text)
        if _TOTAL.search(label) and len(label) <= _TOTAL_LABEL_MAX:
            return GRAND
        m = _SUBTOTAL.match(label)
        if m:
            ordinal = m.group("ordinal") or ""
            return _FIRST if ordinal.endswith("、") else _SECOND if ordinal else _GROUP
    return _ROW


def link(forms: list[ExtractedForm]) -> None:
    """Mark the total rows of each table and hang every row's own amounts under the total that covers it."""
    tables: dict[tuple, list[ExtractedForm]] = {}
    for form in forms:
        if form.table_row is not None:
            tables.setdefault(form.table_row[0], []).append(form)
    for rows in tables.values():
        rows.sort(key=lambda f: f.table_row[1])
        ranks = [f.table_row[2] for f in rows]
        if all(r == _ROW for r in ranks):
            continue
        for f, r in zip(rows, ranks, strict=True):
            if r != _ROW:
                f.form_kind = FORM_KIND
        # groups lead with their 小计 when the first row after any grand total is one
        body = [r for r in ranks if r != GRAND]
        leading = bool(body) and body[0] not in (GRAND, _ROW)
        for k, r in enumerate(ranks):
            if r == _ROW:
                continue
            covered = _covered(ranks, k, leading)
            _hang(rows[k], [rows[i] for i in _direct_parts(ranks, covered, r)])


def _covered(ranks: list[int], k: int, leading: bool) -> list[int]:
    """The rows a total at ``k`` adds up: all others for a grand total, else its group up to the next (or
    back to the previous) total of the same or a higher level."""
    r = ranks[k]
    if r == GRAND:
        return [i for i in range(len(ranks)) if ranks[i] != GRAND]
    step = 1 if leading else -1
    out = []
    i = k + step
    while 0 <= i < len(ranks) and ranks[i] > r:
        out.append(i)
        i += step
    return out


def _direct_parts(ranks: list[int], covered: list[int], r: int) -> list[int]:
    """Of the rows covered, the next level down: the 小计 of the highest level below ``r``, else the rows."""
    below = [ranks[i] for i in covered if r < ranks[i] < _ROW]
    level = min(below) if below else _ROW
    return [i for i in covered if ranks[i] == level]


def _root_amounts(form: ExtractedForm, unlinked: bool = False) -> dict[str, tuple[int, AmountRecord]]:
    """A row's amounts that are no part of another in the row, by column label (``unlinked``: nor yet
    a part of another row's total)."""
    out: dict[str, tuple[int, AmountRecord]] = {}
    for seq, a in enumerate(form.amounts):
        own = a.parent_seq is None if unlinked else a.parent_seq is None or a.parent_form is not None
        if own and a.value_wan is not None:
            out.setdefault(a.item_label_printed, (seq, a))
    return out


def _hang(total: ExtractedForm, parts: list[ExtractedForm]) -> None:
    if not parts:
        return
    for label, (seq, _) in _root_amounts(total).items():
        for part in parts:
            own = _root_amounts(part, unlinked=True).get(label)
            if own is not None:
                own[1].parent_form = total
                own[1].parent_seq = seq
                # the rows are a breakdown of their own, apart from the total row's parts inside it
                own[1].section = own[1].section or total.subject_name or FORM_KIND

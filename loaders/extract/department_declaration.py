"""部门整体支出绩效申报表 / 目标表: a department's whole budget, its overall goal and its indicators.

Recognised by a 部门名称 row followed, in the same run of table rows, by an 整体绩效目标 or a 绩效指标
row (self-evaluation forms of a department print neither). The form is label/value rows, some under
a group label printed once in a vertically merged first cell (年度预算申请, 部门整体支出年度绩效指标,
财政部门审核意见) that holds for the rows below it until another label starts a row.

- Budget rows give amounts: 资金总额 is the total; rows under a 按…性质分 heading or after 其中 are its
  parts (``parent_seq``), with the heading as their section. The group label is their stage as printed.
- Indicator rows give one indicator each (一级 label, optional 二级 / 三级, and the target text), or a
  whole indicator table when a header row of indicator columns is printed. Money amounts named in an
  indicator sentence (民政管理事务支出839万元；…) are amounts of that section; when a sentence lists two
  or more, they are taken as a breakdown of the form's total (placement ``inferred``: nothing printed
  links them), so dbt can check them against it.
"""

from __future__ import annotations

from functools import lru_cache

from loaders.amounts import amounts_in_sentence, parse_money, to_wan
from loaders.extract.common import (
    PARTS_MARK,
    PLACEHOLDERS,
    is_header_row,
    row_has_label,
    rows_where,
    title_before,
    unit_in_label,
    unplaced,
)
from loaders.extract.funding_rows import strip_unit
from loaders.extract.indicator_table import read_indicator_table
from loaders.model import (
    AmountRecord,
    Block,
    Cell,
    ExtractedForm,
    FieldRecord,
    FormSpan,
    IndicatorRecord,
    IssueRecord,
    ReadDocument,
    form_over,
)
from loaders.vocabulary import Vocabulary

FORM_KIND = "department_declaration"
CONTEXT = "department_declaration"
PRIORITY = 60  # a label form, but one whose 部门名称 row a project form must not swallow
_GROUPS = {"budget_group", "indicator_group", "review_group", "task_group"}
_PARTS_HEADINGS = {"by_expenditure_nature", "by_income_nature"}
_TOTALS = {"funding_total"}
_LABEL_TRIM = " \t\u3000:：,，;；。"


@lru_cache(maxsize=65536)  # asked of every cell of every row
def _key(vocab: Vocabulary, text: str) -> str | None:
    m = vocab.lookup(CONTEXT, PARTS_MARK.sub("", text))
    return m.field_key if m else None


def _row_key(block: Block, vocab: Vocabulary, key: str) -> bool:
    return block.kind == "row" and any(_key(vocab, c.text) == key for c in block.cells)


def find(doc: ReadDocument, vocab: Vocabulary) -> list[FormSpan]:
    spans: list[FormSpan] = []
    blocks = doc.blocks
    # the texts that print these labels (``_row_key`` of every row at once)
    names = rows_where(doc, vocab, f"{CONTEXT}:name", lambda text: _key(vocab, text) == "department_name")
    goals = rows_where(doc, vocab, f"{CONTEXT}:goal", lambda text: _key(vocab, text) in ("overall_goal", "indicator_group"))
    i = 0
    while i < len(blocks):
        if i not in names or blocks[i].kind != "row":
            i += 1
            continue
        end = i + 1
        while end < len(blocks) and blocks[end].kind == "row" and end not in names:
            end += 1
        own = blocks[i:end]
        # a 项目名称 row makes it a project's form that prints its department above (专项转移支付绩效目标表)
        is_project = any(row_has_label(b, vocab, "project_header", "project_name") for b in own)
        if not is_project and not goals.isdisjoint(range(i, end)):
            first, title = title_before(doc, i)
            spans.append(FormSpan(FORM_KIND, first, end, title))
        i = end
    return spans


def _label(text: str) -> str:
    return PARTS_MARK.sub("", text).strip(_LABEL_TRIM)


class _Reader:
    """Walks the rows of one form, keeping the group, section and 其中 state between them."""

    def __init__(self, form: ExtractedForm, vocab: Vocabulary):
        self.form = form
        self.vocab = vocab
        self.group: str | None = None
        self.stage: str | None = None
        self.section: str | None = None
        self.total: int | None = None  # index of the last total amount
        self.parts_of: int | None = None  # parent of the amounts that follow (其中 / 按…分)
        self.level1: str | None = None
        self.unit: str | None = None  # a unit printed in a group label (年度部门整体支出预算（万元）)
        self.tasks: list[str | None] | None = None  # column keys of the 年度主要任务 table
        self.task_group: str | None = None
        self.bare_group = False  # the group label was printed on a row of its own

    def row(self, block: Block) -> None:
        cells = list(block.cells)
        first = cells[0] if cells else None
        if first is not None and not first.is_empty:
            key = _key(self.vocab, first.text)
            if key in _GROUPS:
                self.group, self.section, self.level1, self.tasks = key, None, None, None
                self.unit = unit_in_label(first.text)
                if key == "budget_group":
                    self.stage = _label(first.text)
                if key == "task_group":
                    self.task_group = _label(strip_unit(first.text))
                cells = cells[1:]
                # a group label on a row of its own (a cell stream keeps no merged cells) heads the rows
                # that follow until the next group
                self.bare_group = not any(not c.is_empty for c in cells)
            elif (self.group != "task_group" or key is not None) and not self.bare_group:
                self.group, self.unit = None, None
        rest = [c for c in cells if not c.is_empty]
        if not rest:
            return
        if self.group == "indicator_group":
            self._indicator(block, rest)
        elif self.group == "task_group":
            self._task(block, rest)
        else:
            self._label_values(block, rest)

    def _task(self, block: Block, rest: list[Cell]) -> None:
        """The 年度主要任务 table: a header (任务名称 | 主要内容 | 预算金额), then a row per task."""
        keys = [_key(self.vocab, c.text) for c in rest]
        if "task_name" in keys:
            self.tasks = keys
            self.unit = next((u for c in rest if (u := unit_in_label(c.text))), self.unit)
            return
        if not self.tasks or "task_amount" not in self.tasks:
            self.form.issues.append(unplaced(block))
            return
        cells = rest[-len(self.tasks) :] if len(rest) >= len(self.tasks) else rest
        placed = dict(zip(self.tasks[len(self.tasks) - len(cells) :], cells, strict=True))
        name, value = placed.get("task_name"), placed.get("task_amount")
        money = parse_money(value.text, self.unit) if value is not None else None
        for key in ("task_name", "task_content"):
            if placed.get(key) is not None:
                cell = placed[key]
                self.form.fields.append(FieldRecord(key, key, cell.text, cell.line))
        if money is None or money.value_wan is None:
            self.form.issues.append(unplaced(block, "unreadable_amount"))
            return
        self.form.amounts.append(
            AmountRecord(
                item_label_printed=name.text if name is not None else "",
                text_printed=money.printed,
                value=money.value,
                unit_printed=money.unit or self.unit,
                value_wan=money.value_wan,
                line_no=value.line,
                stage_printed=self.stage,
                section=self.task_group,
            )
        )

    def _label_values(self, block: Block, rest: list[Cell]) -> None:
        placed = False
        i = 0
        while i < len(rest):
            cell = rest[i]
            key = _key(self.vocab, cell.text)
            value = rest[i + 1] if i + 1 < len(rest) and _key(self.vocab, rest[i + 1].text) is None else None
            unit = unit_in_label(cell.text) or self.unit
            money = parse_money(value.text, unit) if value is not None else None
            if key in _PARTS_HEADINGS and value is None:
                self.section, self.parts_of = _label(cell.text), self.total
                placed = True
                i += 1
                continue
            if money is not None and money.value_wan is not None:
                self._amount(cell, value, money.value, money.unit or unit, money.printed, key)
                placed = True
                i += 2
                continue
            if key is not None:
                self.form.fields.append(
                    FieldRecord(cell.text, key, value.text if value else "", value.line if value else cell.line)
                )
                if key == "department_name" and value is not None and self.form.subject_name is None:
                    self.form.subject_name = value.text
                placed = True
                i += 2 if value is not None else 1
                continue
            i += 1
        if not placed:
            self.form.issues.append(unplaced(block))

    def _amount(self, label: Cell, value: Cell, amount, unit: str, printed: str, key: str | None) -> None:
        is_part = bool(PARTS_MARK.match(label.text))
        if is_part and self.parts_of is None:
            self.parts_of = self.total
        parent = None if key in _TOTALS else self.parts_of
        self.form.amounts.append(
            AmountRecord(
                item_label_printed=_label(label.text),
                text_printed=printed,
                value=amount,
                unit_printed=unit,
                value_wan=to_wan(amount, unit),
                line_no=value.line,
                item_key=key if key in _TOTALS else None,
                stage_printed=self.stage,
                parent_seq=parent,
                section=self.section if parent is not None else None,
            )
        )
        if key in _TOTALS:
            self.total, self.parts_of, self.section = len(self.form.amounts) - 1, None, None

    def _indicator(self, block: Block, rest: list[Cell]) -> None:
        level2 = None
        first_line = rest[0].line
        if self.vocab.lookup("level1", rest[0].text) and len(rest) > 1:
            self.level1 = rest[0].text
            rest = rest[1:]
        if len(rest) > 1 and self.vocab.lookup("level2", rest[0].text):
            level2 = rest[0].text
            rest = rest[1:]
        level3 = rest[0].text if len(rest) > 1 else None
        target = rest[-1]
        if target.text.strip() in PLACEHOLDERS:
            return
        self.form.indicators.append(IndicatorRecord(self.level1, level2, level3, target.text, first_line, target.line_end))
        self._sentence_amounts(target)

    def _sentence_amounts(self, cell: Cell) -> None:
        found = [a for a in amounts_in_sentence(cell.text) if not a.is_share]
        if not found:
            return
        base = len(self.form.amounts)
        linked = len(found) >= 2 and self.total is not None
        for a in found:
            # a 其中 inside the sentence points into ``found``; shares were left out, so map by identity
            own_parent = None if a.parent is None else base + _index_without_shares(cell.text, a.parent)
            parent = own_parent if own_parent is not None else (self.total if linked else None)
            self.form.amounts.append(
                AmountRecord(
                    item_label_printed=a.label,
                    text_printed=a.printed,
                    value=a.value,
                    unit_printed=a.unit,
                    value_wan=to_wan(a.value, a.unit),
                    line_no=cell.line,
                    stage_printed=self.stage,
                    parent_seq=parent,
                    section=self.level1,
                    placement="inferred" if parent is not None and own_parent is None else "exact",
                )
            )


def _index_without_shares(sentence: str, index: int) -> int:
    """Position of the ``index``-th sentence amount among the money amounts (shares dropped)."""
    all_found = amounts_in_sentence(sentence)
    return sum(1 for a in all_found[:index] if not a.is_share)


def extract(doc: ReadDocument, span: FormSpan, vocab: Vocabulary) -> ExtractedForm:
    blocks, form = form_over(doc, span, FORM_KIND)
    reader = _Reader(form, vocab)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind != "row":
            i += 1
            continue
        if is_header_row(block, vocab):
            table = read_indicator_table(blocks, i, vocab, positional=False, stop=lambda b: _row_key(b, vocab, "review_group"))
            form.indicators.extend(table.indicators)
            form.fields.extend(table.fields)
            form.issues.extend(table.issues)
            i = max(table.end, i + 1)
            continue
        reader.row(block)
        i += 1
    if form.subject_name is None:
        form.issues.append(IssueRecord("warning", "missing_field", "form has no department_name", form.line_start))
    return form

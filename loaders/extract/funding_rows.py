"""The funding rows of a project form: 资金总额 and the parts printed under it (一、财政拨款 / 二、自有资金 / 三、其他).

The section label in front of 资金总额 (``项目资金申请 (万元)``) gives the stage (申请) and the unit of bare
numbers. A part left blank is not an amount; a part printed as a dash (——) is kept with no value; an
amount inside a sentence ("根据…而定（奖励资金 1000 万元）", "4000 万元(中央和省级转移支付)") is taken
from it when the sentence holds exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.amounts import amounts_in_sentence, parse_money, to_wan
from loaders.extract.common import UNIT_IN_LABEL
from loaders.model import AmountRecord, Block, ExtractedForm, FieldRecord, IssueRecord
from loaders.textnorm import compact
from loaders.vocabulary import Vocabulary

_DASHES = {"—", "——", "-", "--", "/", "－"}


def strip_unit(text: str) -> str:
    """A label without its unit in brackets (项目资金申请 (万元) → 项目资金申请)."""
    return UNIT_IN_LABEL.sub("", text).strip()


def funding_part(block: Block, vocab: Vocabulary) -> tuple[str, str, int] | None:
    """(label, value as printed, line) when the row's first printed cell is a funding-part label."""
    cells = [c for c in block.cells if not c.is_empty]
    if not cells:
        return None
    m = vocab.lookup("section", cells[0].text)
    if m is None or not m.field_key.startswith("funding_part"):
        return None
    rest = cells[1:]
    value = " ".join(c.text for c in rest)
    return cells[0].text, value, rest[0].line if rest else cells[0].line


@dataclass
class FundingBlock:
    section: str | None  # the section label as printed (项目资金申请 (万元))
    default_unit: str | None  # the unit of bare numbers, from that label
    stage: str | None
    year: int | None
    total_seq: int | None = None
    # columns of one amount each (中期资金总额 | 年度资金总额): a row's values are cut one per column, each
    # with its column label as its stage and the same column's total as its parent
    columns: list[str] | None = None
    column_totals: dict[int, int] | None = None

    @classmethod
    def open(cls, leading: list[str], vocab: Vocabulary, year: int | None, form_unit: str | None = None) -> FundingBlock:
        section = " ".join(leading) or None
        unit = next((m.group("unit") for t in leading if (m := UNIT_IN_LABEL.search(t))), form_unit)
        stage = None
        for text in leading:
            m = vocab.lookup("section", strip_unit(text))
            # the stage word as printed inside the label (项目资金申请 → 申请)
            if m is not None and m.field_key == "funding_application" and m.standard_label in text:
                stage = m.standard_label
        return cls(section, unit, stage, year)

    def _record(self, label: str, printed: str, line: int, item_key: str | None) -> AmountRecord | IssueRecord:
        text = printed.strip()
        base = {"stage_printed": self.stage, "year": self.year, "section": self.section}
        if compact(text) in _DASHES:
            return AmountRecord(label, text, None, None, None, line, item_key, **base)
        money = parse_money(text, self.default_unit)
        if money is not None:
            return AmountRecord(label, money.printed, money.value, money.unit, money.value_wan, line, item_key, **base)
        found = amounts_in_sentence(text)
        if len(found) == 1 and not found[0].is_share:
            a = found[0]
            return AmountRecord(
                label, text, a.value, a.unit, to_wan(a.value, a.unit), line, item_key, placement="inferred", **base
            )
        return IssueRecord("warning", "unparsed_amount", f"{label}: no single amount in {text[:60]}", line, text)

    def _by_column(self, form: ExtractedForm, label: str, printed: str, line: int, item_key: str | None) -> bool:
        """One amount per column when the row prints one value per column; False when it does not."""
        pieces = printed.split()
        if not self.columns or len(pieces) != len(self.columns):
            return False
        records = []
        for column, piece in zip(self.columns, pieces, strict=True):
            record = self._record(label, piece, line, item_key)
            if isinstance(record, IssueRecord):
                return False
            record.stage_printed = column
            records.append(record)
        totals = self.column_totals if self.column_totals is not None else {}
        for k, record in enumerate(records):
            if item_key == "funding_total":
                totals[k] = len(form.amounts)
            else:
                record.parent_seq = totals.get(k)
            form.amounts.append(record)
        self.column_totals = totals
        if item_key == "funding_total":
            self.total_seq = totals.get(len(records) - 1)
        return True

    def add_total(self, form: ExtractedForm, field: FieldRecord) -> None:
        if self._by_column(form, field.label_printed, field.value_printed, field.line_no, "funding_total"):
            return
        record = self._record(field.label_printed, field.value_printed, field.line_no, "funding_total")
        if isinstance(record, AmountRecord):
            self.total_seq = len(form.amounts)
            form.amounts.append(record)
            return
        # a sentence with a total and its 其中 parts, or shares (002: 总额：900万元，其中：…)
        offset = len(form.amounts)
        found = amounts_in_sentence(field.value_printed)
        if not found:
            form.issues.append(record)
            return
        for a in found:
            form.amounts.append(
                AmountRecord(
                    item_label_printed=a.label or field.label_printed,
                    text_printed=a.printed,
                    value=None if a.is_share else a.value,
                    unit_printed=a.unit,
                    value_wan=None if a.is_share else to_wan(a.value, a.unit),
                    line_no=field.line_no,
                    item_key="funding_total" if a.parent is None and not a.is_share else None,
                    share_pct=a.value if a.is_share else None,
                    parent_seq=None if a.parent is None else a.parent + offset,
                    section=field.label_printed,
                    stage_printed=self.stage,
                    year=self.year,
                )
            )
        self.total_seq = offset

    def add_part(self, form: ExtractedForm, label: str, value: str, line: int, vocab: Vocabulary) -> None:
        if not value.strip():
            return  # a blank part is not an amount
        m = vocab.lookup("section", label)
        if self._by_column(form, label, value, line, m.field_key if m else None):
            return
        record = self._record(label, value, line, m.field_key if m else None)
        if isinstance(record, IssueRecord):
            form.issues.append(record)
            return
        record.parent_seq = self.total_seq
        form.amounts.append(record)

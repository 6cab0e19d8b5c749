"""Glued forms: a whole form on one line, its cells run together with no separator at all.

Document-sharing sites and some converters print a table as one string (``项目名称镇域内基础设施建设项目属性
新增项目…``, ``年度资金总额194.9194.9100%``). The cell boundaries are found from the vocabulary itself:

* labels the vocabulary knows cut the line (longest first; a label may be printed with spaces inside,
  as a wrapped cell leaves them: ``产 出 指 标``); a short label (单位, 项目, 金额) counts only inside a
  run of three or more labels, which is a header row;
* the text between two labels is the first label's value; under a header of money columns, a run of
  digits is cut into as many numbers as the header has columns, the cut that makes 执行率 = 执行数 / 预算数
  winning (``202010100.00%10`` is 20 · 20 · 10 · 100.00% · 10);
* under a header with a 序号 column, each amount closes a row, and a row opens with its sequence number
  and, in a 单位 column, the region whose name starts the text.

A form title (…分配表, …绩效目标表) starts a new block; the text before the first title is a paragraph.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from loaders.layout import flagged_rows
from loaders.model import Block, Cell
from loaders.textnorm import to_simplified
from loaders.vocabulary import SEEDS, Vocabulary, is_money_key, normalise_label

_MIN_LENGTH = 150  # a glued form is long; a short line without separators is a sentence or a cell
_MAX_ROW = 200  # one glued row of a form printed row by row
_SENTENCE_INSIDE = re.compile(r"。\s*\S")
_MIN_LABELS = 4
_MIN_SHORT = 60
_SEPARATORS = re.compile(r"[\t|]")
_LABEL_CONTEXTS = (
    "project_header",
    "evaluation_header",
    "funding_column",
    "indicator_column",
    "level1",
    "level2",
    "summary_column",
    "funding_group",
    "funding_group_part",
    "period_column",
)
_HEADER_CONTEXTS = ("funding_column", "indicator_column", "summary_column")
_ROW_CONTEXTS = ("project_header", "evaluation_header", "level1", "level2", "funding_group")
# a part of a funding group (一般公共预算, 基本支出) is a label only with its amount after a colon: the same
# words run through titles and prose (项目支出绩效自评表)
_GROUP_PART_VALUE = re.compile(r"\s*[:：]?\s*\d")
_SHORT_LABEL = 3  # labels shorter than this cut only inside a header run …
_SHORT_CONTEXTS = ("project_header",)  # … except the header fields of a project form (区域)
_DASHES = frozenset("—－")
_PART_MARK_BEFORE = re.compile(r"其中\s*[:：]?\s*$")
_PARTS_TAIL = re.compile(r"其中\s*[:：]?\s*$")
_PAGE_MARK = re.compile(r"^\s*\d{1,3}\s*、")  # a viewer's page number at the start of a page
_VALUE = re.compile(r"[≥≤><=＞＜]{0,2}(?:\d+(?:\.\d+)?%|\d+(?:\.\d+)?(?![\d.]|[\u4e00-\u9fff]))")
# what a label carries after it: a column formula (A), (B/A), a weight (50分), a unit (万元), a colon
_ANNOTATION = re.compile(
    r"^\s*[(（](?:[A-Za-z/]{1,5}|\d+(?:\.\d+)?分|分|%|(?:单位[:：])?(?:百万元|亿元|万元|千元|元)"
    r"|人次|万人|人|户|个|亩|公里|吨|元/[^()（）]{1,4})[)）]|^\s*[:：]"
)
_TITLE = re.compile(r"(分配表|绩效目标表|目标申报表|申报表|自评表|汇总表|基础数据表)")
# 附件12023年…分配表: the attachment number, then the title (whose year is four digits)
_TITLE_START = re.compile(r"(?:附件|附表)\s*\d{1,2}(?=(?:19|20)\d{2}年)|(?:附件|附表)\s*\d*\s*[:：]?|[。；;：:]")
_TITLE_WORD_AFTER = re.compile(r"\s*(?:表|自评表|申报表|审核表|分配表|汇总表)(?![\u4e00-\u9fff]{0,1}[:：])")
_UNIT_LINE = re.compile(r"^\s*单位\s*[:：]\s*(?:万元|元|亿元|千元)")
_NUMBER_RUN = re.compile(r"\d[\d.,%]*")
_TOTAL_WORDS = ("合计", "小计", "总计")
_MEASURE_KEYS = ("count", "standard")  # numbers of an item table that are not money
_PART_PREFIX = re.compile(r"^其中\s*[:：]?")


@dataclass
class _Token:
    kind: str  # label | text
    text: str
    start: int
    context: str | None = None
    key: str | None = None


@dataclass
class _State:
    header: list[_Token] = field(default_factory=list)
    seq_next: int | None = None
    total: list[Decimal | None] | None = None  # the funding total's values, which bound its parts'
    items: bool = False  # an item table (序号, or money columns an amount closes a row under)

    @property
    def in_items(self) -> bool:
        return self.seq_next is not None or self.items


class _NoKey:
    field_key = ""


_NOKEY = _NoKey()


@lru_cache(maxsize=4)
def _label_pattern(vocab: Vocabulary) -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    labels: dict[str, tuple[str, str]] = {}
    # an item table's column words (合计, 中央补助) name funding parts first when a form prints them as rows
    contexts = [c for c in _LABEL_CONTEXTS if c != "summary_column"] + ["section", "summary_column"]
    for ctx in contexts:
        for label in vocab.labels(ctx):
            if ctx == "section" and not (vocab.lookup(ctx, label) or _NOKEY).field_key.startswith("funding_part"):
                continue
            if len(label) >= 2 and label not in labels:
                m = vocab.lookup(ctx, label)
                if m is not None:
                    labels[label] = (ctx, m.field_key)
    for word in _TOTAL_WORDS:
        if labels.get(word, ("summary_column",))[0] == "summary_column":
            labels[word] = ("summary_column", "total_row")  # a row of totals, wherever the seed lists the word
    # each character may be followed by spaces (a wrapped cell), the longest label wins
    alternatives = sorted(labels, key=len, reverse=True)
    pattern = "|".join(r"\s*".join(re.escape(ch) for ch in label) for label in alternatives)
    return re.compile(f"(?:{pattern})"), labels


def _column_label(vocab: Vocabulary, text: str) -> tuple[str, str] | None:
    for ctx in _HEADER_CONTEXTS:
        m = vocab.lookup(ctx, text)
        if m is not None:
            return ctx, m.field_key
    return None


@lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    with open(SEEDS / "admin_divisions.csv", encoding="utf-8", newline="") as fh:
        names = {r["division_name"] for r in csv.DictReader(fh) if r["division_level"] in ("city", "county")}
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=8192)  # asked of a line by the header-run test and the glued-form test
def _matchable(raw: str) -> str:
    norm = unicodedata.normalize("NFKC", raw)
    return norm if len(norm) == len(raw) else raw


@lru_cache(maxsize=8192)
def _labels(text: str, vocab: Vocabulary) -> tuple[_Token, ...]:
    # the layout step asks of every line twice or three times (a header run? a glued form?): found once
    return tuple(_find_labels(text, vocab))


def _find_labels(text: str, vocab: Vocabulary) -> list[_Token]:
    pattern, labels = _label_pattern(vocab)
    found = []
    # labels are found in the simplified text (繁體 forms print 項目名稱); cells keep the text as printed
    simplified = to_simplified(text)
    matched = simplified if len(simplified) == len(text) else text
    for m in pattern.finditer(matched):
        key = normalise_label(m.group(0))
        hit = labels.get(key) or labels.get(re.sub(r"\s+", "", m.group(0)))
        if hit is None or (hit[0] == "funding_group_part" and not _GROUP_PART_VALUE.match(matched, m.end())):
            continue
        end = m.end()
        tail = _ANNOTATION.match(matched[end:])
        if tail:
            end += tail.end()
        begin = m.start()
        mark = _PART_MARK_BEFORE.search(text[max(0, begin - 4) : begin])
        # 其中：财政拨款 is one label, printed as a part
        if mark and (hit[1].startswith("funding_part") or hit[0] == "funding_group_part"):
            begin -= len(mark.group(0))
        found.append(_Token("label", text[begin:end], begin, hit[0], hit[1]))
    # 单位：万元 is the table's unit line, not a 单位 column
    found = [t for t in found if not _UNIT_LINE.match(text[t.start :])]
    # a label that a title's last word follows (…项目绩效目标自评表) is part of the title
    found = [t for t in found if not _TITLE_WORD_AFTER.match(text, t.start + len(t.text))]
    # a name printed right before 项目实施单位 ends in 项目 when 实施单位 is a label too (…推广项目实施单位);
    # a two-character rest (单位) is too common a word to cut at
    for k, tok in enumerate(found):
        rest = labels.get(normalise_label(tok.text[2:])) if tok.text.startswith("项目") and len(tok.text) >= 5 else None
        if k and rest and found[k - 1].key == "project_name" and found[k - 1].start + len(found[k - 1].text) < tok.start:
            found[k] = _Token("label", tok.text[2:], tok.start + 2, *rest)
    # a column label glued inside a word (严格执行率, 按期完成情况) outside a header run is part of that word
    found = [
        t
        for k, t in enumerate(found)
        if t.context not in ("funding_column", "indicator_column")
        or (k > 0 and found[k - 1].start + len(found[k - 1].text) == t.start)
        or (k + 1 < len(found) and t.start + len(t.text) == found[k + 1].start)
        or t.start == 0
        or not "\u4e00" <= text[t.start - 1] <= "\u9fff"
    ]
    # three or more adjacent labels that can all name columns are a header row, whatever else they name
    # (中央资金 is a funding row's label in a self-evaluation and a column of an allocation table)
    readings = [_column_label(vocab, t.text) for t in found]
    k = 0
    while k < len(found):
        j = k
        while (
            j + 1 < len(found)
            and readings[j]
            and readings[j + 1]
            and found[j].start + len(found[j].text) == found[j + 1].start
            and found[j + 1].text not in {t.text for t in found[k : j + 1]}  # a header names a column once
        ):
            j += 1
        if readings[k] and j - k >= 2:
            for m in range(k, j + 1):
                if found[m].context not in _HEADER_CONTEXTS:
                    found[m] = _Token(found[m].kind, found[m].text, found[m].start, *readings[m])
        k = j + 1
    # a field label that is also a column label (项目名称, 单位) glued between column labels is a column
    for _ in range(2):
        for k, tok in enumerate(found):
            if tok.context in _HEADER_CONTEXTS:
                continue
            column = _column_label(vocab, tok.text)
            neighbours = [
                n
                for n in (found[j] for j in (k - 1, k + 1) if 0 <= j < len(found))
                if n.context in _HEADER_CONTEXTS and (n.start + len(n.text) == tok.start or tok.start + len(tok.text) == n.start)
            ]
            # one short neighbour (…工程项目|项目单位) is a word of a name, not a header run
            if column and (len(neighbours) == 2 or any(len(re.sub(r"\s+", "", n.text)) >= _SHORT_LABEL for n in neighbours)):
                found[k] = _Token(tok.kind, tok.text, tok.start, *column)
    # a short label counts only inside a run of adjacent labels (a header row)
    keep = []
    for k, tok in enumerate(found):
        # column labels of item tables (下达资金, 单位) are ordinary words in prose: only a header run counts
        long_enough = len(re.sub(r"\s+", "", tok.text)) >= _SHORT_LABEL and tok.context != "summary_column"
        # a source of money printed as a funding row (其中：中央财政资金150150148) is a row label
        money_row = (tok.key or "").startswith("funding_part") and text[
            tok.start + len(tok.text) : tok.start + len(tok.text) + 1
        ].isdigit()
        if long_enough or money_row or tok.context in _SHORT_CONTEXTS:
            keep.append(tok)
            continue
        run = 1
        j = k
        while j > 0 and found[j - 1].start + len(found[j - 1].text) == found[j].start:
            run, j = run + 1, j - 1
        j = k
        while j + 1 < len(found) and found[j].start + len(found[j].text) == found[j + 1].start:
            run, j = run + 1, j + 1
        if run >= 3 or tok.key == "total_row":
            keep.append(tok)
    return keep


def new_state() -> _State:
    return _State()


def has_header_run(raw: str, vocab: Vocabulary) -> bool:
    """Three or more column labels glued together (一级指标二级指标三级指标…): a form printed row by row
    with its cells run together."""
    if _SEPARATORS.search(raw):
        return False
    tokens = [t for t in _labels(_matchable(raw), vocab) if t.context in _HEADER_CONTEXTS]
    run = 1
    for a, b in zip(tokens, tokens[1:], strict=False):
        run = run + 1 if a.start + len(a.text) == b.start else 1
        if run >= 3:
            return True
    return False


def is_glued(raw: str, vocab: Vocabulary, continuing: _State | None = None, rows_glued: bool = False) -> bool:
    """A glued form on one line; or, in a document printed row by row with glued cells (``rows_glued``),
    a row that starts with a label; or (``continuing``) the next row or page of an open glued table."""
    if _SEPARATORS.search(raw):
        return False
    # one glued row holds no sentence (a whole glued form may follow a notice's prose)
    row_like = not _SENTENCE_INSIDE.search(raw)
    if continuing is None and not (rows_glued and row_like) and len(raw) < _MIN_SHORT:
        return False  # too short for a glued form of its own, and no open table it could go on
    text = _matchable(raw)
    tokens = _labels(text, vocab)
    if continuing is not None and (row_like or len(raw) >= _MIN_LENGTH):
        if tokens:
            return True
        if continuing.seq_next is not None and re.match(r"\s*\d", raw):
            return True  # the next item row of a glued 序号 table (1某县林业局森林抚育120)
        if continuing.items and row_like and _ITEM_LINE.fullmatch(raw.strip()):
            return True  # the next row of a glued item table without 序号 (甲县800600200)
        if _is_indicator_header(continuing) and REGIONS_ONLY.fullmatch(raw.strip()):
            return True  # the region names under 区域目标值: a second header line
        # an indicator row under a glued header: a name and its values, no label of its own
        return _is_indicator_header(continuing) and len(raw) <= _MAX_ROW and bool(re.search(r"\d", raw))
    if rows_glued and row_like and tokens and not text[: tokens[0].start].strip() and len(raw) <= _MAX_ROW:
        return True
    if raw.count(" ") * 10 > len(raw):
        return False
    if continuing is None and len(raw) >= _MIN_SHORT and has_header_run(raw, vocab):
        return True  # a run of glued column labels is never prose, however short the table
    labels = len({t.key for t in tokens})
    # a short page of a glued form still packs more labels than any sentence does
    return labels >= _MIN_LABELS if len(raw) >= _MIN_LENGTH else len(raw) >= _MIN_SHORT and labels >= 2 * _MIN_LABELS


# ---------------------------------------------------------------- numbers


_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def _number(text: str) -> Decimal | None:
    if "," in text:
        # thousands separators (3,200,000) are read only where every group has its three digits
        if not _GROUPED.match(text):
            return None
        text = text.replace(",", "")
    if not text or (len(text) > 1 and text[0] == "0" and text[1] != "."):
        return None
    if text.count(".") > 1 or text.endswith(".") or ("." in text and len(text.split(".")[1]) > 4):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def split_numbers(run: str, columns: list[str | None], bounds: list[Decimal | None] | None = None) -> list[str] | None:
    """Cut a run of glued digits into one number per column; the cut whose 执行率 fits wins.

    ``bounds`` are the total row's values above a part row: a part never exceeds its total, which
    confirms a cut where no rate is printed."""
    width = len(columns)
    best: tuple[int, list[str]] | None = None

    def walk(rest: str, acc: list[str]) -> None:
        nonlocal best
        k = len(acc)
        if k == width:
            if not rest:
                score = _fit(acc, columns)
                if best is None or score > best[0]:
                    best = (score, list(acc))
            return
        if rest[:1] in _DASHES:  # a placeholder (—) holds its column's place
            walk(rest[1:], acc + [rest[0]])
            return
        for end in range(1, len(rest) + 1):
            piece = rest[:end]
            if any(ch in _DASHES for ch in piece):
                break
            is_pct = piece.endswith("%")
            if is_pct != (columns[k] == "execution_rate"):
                if not (is_pct and columns[k] is None):
                    continue
            number = _number(piece.rstrip("%"))
            if number is None:
                continue
            if bounds and k < len(bounds) and bounds[k] is not None and not is_pct and number > bounds[k]:
                continue
            walk(rest[end:], acc + [piece])

    if width and len(run) <= 40:
        walk(run, [])
    if best is None:
        return None
    # with 预算数, 执行数 and 执行率 all printed, only a cut that the rate confirms is taken
    checkable = {"executed", "execution_rate"} <= set(columns) and any(c and c.startswith("budget") for c in columns)
    # a 合计 column beside two or more source columns: only a cut whose sources add up to it is taken
    checkable = checkable or ("funding_total" in columns and sum(1 for c in columns if c and c.startswith("funding_part")) >= 2)
    # with no rate printed, the total's values above confirm a part's cut instead
    rate_printed = any(c == "execution_rate" and p not in _DASHES for c, p in zip(columns, best[1], strict=True))
    bounded = bool(bounds) and any(b is not None for b in bounds) and not rate_printed
    return best[1] if best[0] >= _RATE_FITS or not checkable or bounded else None


_RATE_FITS = 100


def _fit(pieces: list[str], columns: list[str | None]) -> int:
    values = {c: _number(p.rstrip("%")) for c, p in zip(columns, pieces, strict=True) if c and p not in _DASHES}
    score = -sum(len(p.split(".")[1]) if "." in p else 0 for p in pieces)  # fewer decimals
    score -= 30 * sum(1 for p in pieces if p.rstrip("%") == "0")  # a bare 0 is a likelier mis-cut than an amount
    budget = values.get("budget_full_year") or values.get("budget_initial") or values.get("budget")
    executed, rate = values.get("executed"), values.get("execution_rate")
    if budget and executed is not None and rate is not None and budget != 0:
        printed = next(p for c, p in zip(columns, pieces, strict=True) if c == "execution_rate").rstrip("%")
        digits = len(printed.split(".")[1]) if "." in printed else 0
        # the printed rate, rounded as printed, equals 执行数 / 预算数 (and is 0 only when nothing was spent)
        if abs(executed / budget * 100 - rate) <= Decimal("0.5") * Decimal(10) ** -digits + Decimal("0.001"):
            # nothing spent at a 0% rate fits any budget, so it confirms little
            score += _RATE_FITS + 60 if rate > 0 else _RATE_FITS // 2
    if values.get("weight") is not None and values.get("score") is not None and values["score"] <= values["weight"]:
        score += 10
    if values.get("budget_initial") is not None and values.get("budget_initial") == values.get("budget_full_year"):
        score += 5
    # an allocation row: its 合计 is the sum of its sources (中央 + 省级 + 市级)
    parts = [v for c, v in values.items() if c and c.startswith("funding_part") and v is not None]
    total = values.get("funding_total")
    if total is not None and len(parts) >= 2 and sum(parts) == total:
        score += _RATE_FITS + 60
    # a budget revised during the year stays of its order of magnitude
    initial, full = values.get("budget_initial"), values.get("budget_full_year")
    if initial and full and Decimal("0.1") <= initial / full <= 10:
        score += 20
    return score


# ---------------------------------------------------------------- rows


def _cells(texts: list[str], no: int) -> list[Cell]:
    return [Cell([(no, t)], col=j) for j, t in enumerate(texts)]


def _header_keys(header: list[_Token]) -> list[str | None]:
    return [t.key for t in header]


def _row_values(value: str, state: _State) -> list[str]:
    """The cells a label's value holds: numbers cut under a money header, else the text whole."""
    money = [k for k in _header_keys(state.header)]
    run = value.strip()
    if money and re.fullmatch(r"[\d.,%]+", run) and any(t.context == "funding_column" for t in state.header):
        cut = split_numbers(run, money)
        if cut:
            return cut
    return [run] if run else []


def _table_rows(text: str, state: _State) -> list[list[str]]:
    """Rows of a one-row-per-item table (序号 | 单位 | 项目 | 金额): each amount closes a row."""
    keys = _header_keys(state.header)
    width = len(keys)
    rows: list[list[str]] = []
    pos = 0
    for m in _NUMBER_RUN.finditer(text):
        before, run = text[pos : m.start()], m.group(0)
        after = text[m.end() : m.end() + 1]
        # digits inside a name (二期, 2号楼, 2023年) are part of it
        if not before.strip() or (after and not _starts_row(text[m.end() :], state)):
            if not (after == "" and before.strip()):
                continue
        end = m.end()
        money = [k for k, key in enumerate(keys) if is_money_key(key)]
        measures = [k for k, key in enumerate(keys) if key in _MEASURE_KEYS]
        if measures and money:
            # counts and rates glued to the money (120050060: 1200 人 · 500 元/人 · 60 万元) cannot be cut
            # safely: the run stays whole under the first count, so no false amount lands
            cells = _item_row(before, "", state, keys)
            cells[measures[0]] = run
            rows.append(cells)
            pos = end
            continue
        if len(money) > 1:
            cut = _money_cells(before, run, text[end:], state, [keys[k] for k in money])
            if cut is not None:
                amounts, used = cut
                cells = _item_row(before, amounts[0], state, keys)
                for k, piece in zip(money, amounts, strict=True):
                    cells[k] = piece
                rows.append(cells)
                pos = m.start() + used
                continue
        if state.seq_next is not None and _starts_row(text[end:], state):
            # the next row's 序号 glued after this row's amount (1202某县… is 120 · 2某县…)
            opening = re.match(r"^(\d{1,3})(?=\D)", before.strip())
            upcoming = state.seq_next + (1 if opening and int(opening.group(1)) == state.seq_next else 0)
            amount, _ = _cut_sequence(run, "", _State(seq_next=upcoming))
            end -= len(run) - len(amount)
            run = amount
        rows.append(_item_row(before, run, state, keys))
        pos = end
    if pos < len(text) and text[pos:].strip():
        if rows and not rows[-1][-1] and not is_money_key(keys[-1]):
            rows[-1][-1] = text[pos:].strip()  # words after the last amount: that row's last column (备注)
        else:
            rows.append([""] * (width - 1) + [text[pos:].strip()])
    return rows


def _money_cells(before: str, run: str, rest: str, state: _State, columns: list[str | None]) -> tuple[list[str], int] | None:
    """An item row's glued money columns (合计 and its sources), with the next row's 序号 cut off the end:
    the cut whose sources add up to the 合计 wins. Returns the pieces and how much of ``run`` they use."""
    candidates = [run]
    if state.seq_next is not None and _starts_row(rest, state):
        opening = re.match(r"^(\d{1,3})(?=\D)", before.strip())
        upcoming = str(state.seq_next + (1 if opening and int(opening.group(1)) == state.seq_next else 0))
        if run.endswith(upcoming) and len(run) > len(upcoming):
            candidates.insert(0, run[: -len(upcoming)])
    for candidate in candidates:
        cut = split_numbers(candidate, columns)
        if cut is not None:
            return cut, len(candidate)
    return None


# one row of an item table: its name, its amounts run together, a short note (乙区550400150含结算)
_ITEM_LINE = re.compile(r"\D{1,30}?[\d.,]+\D{0,10}")


def _starts_row(rest: str, state: _State) -> bool:
    return bool(rest) and not rest[0].isdigit() and rest[0] not in ".%年月日号个万元吨人期批次"


def _item_row(before: str, amount: str, state: _State, keys: list[str | None]) -> list[str]:
    width = len(keys)
    cells = [""] * width
    text = before.strip()
    if "seq" in keys and state.seq_next is not None:
        # a sequence number glued to the amount before it (小计50 + 2漳平市 → 502漳平市) was cut off already
        pass
    seq = re.match(r"^(\d{1,3})(?=\D)", text)
    if "seq" in keys and seq and state.seq_next is not None and int(seq.group(1)) == state.seq_next:
        cells[keys.index("seq")] = seq.group(1)
        text = text[seq.end() :]
        state.seq_next += 1
        unit_col = next((k for k, key in enumerate(keys) if key in ("implementing_unit", "supervising_department")), None)
        region = next((r for r in _regions() if text.startswith(r) and len(text) > len(r)), None)
        if unit_col is not None and region:
            cells[unit_col] = region
            text = text[len(region) :]
    money_col = next((k for k, key in enumerate(keys) if key == "funding_total"), width - 1)
    name_col = next(
        (
            k
            for want in ("project_name", "region", "implementing_unit")
            for k, key in enumerate(keys)
            if key == want and not cells[k]
        ),
        max(0, money_col - 1),
    )
    cells[name_col] = text
    cells[money_col] = amount
    return cells


def _cut_sequence(amount: str, rest: str, state: _State) -> tuple[str, str]:
    """``502漳平市``: the amount 50 and the next row's sequence number 2."""
    if state.seq_next is None:
        return amount, rest
    tail = str(state.seq_next)
    if amount.endswith(tail) and len(amount) > len(tail) and _number(amount[: -len(tail)]) is not None:
        return amount[: -len(tail)], tail + rest
    return amount, rest


# names of regions run together (上杭县武平县), or between spaces: the sub-header of per-region columns
REGION_NAME = r"[\u4e00-\u9fff]{1,6}?(?:县|区|市|旗)"
REGIONS_ONLY = re.compile(rf"(?:{REGION_NAME}\s*){{2,}}")
# short words between spaces with no digit, at the end of a glued line that has none: a site's chrome
_CHROME_TAIL = re.compile(r"(?:[ \u3000]+[^\s\d]{1,8}){1,5}[ \u3000]*$")


def blocks_of_line(raw: str, no: int, page: int | None, vocab: Vocabulary, state: _State | None = None) -> list[Block]:
    """The blocks of one glued line; ``state`` carries the open table header into the next page's line.

    The line is cut in its NFKC form (full-width digits and brackets read as ASCII); every cell and
    paragraph then takes back the text as printed, found in order at the same place of the line."""
    blocks = _blocks_of_line(raw, no, page, vocab, state)
    if _matchable(raw) != raw:
        _as_printed(blocks, raw)
    return blocks


def _as_printed(blocks: list[Block], raw: str) -> None:
    text = _matchable(raw)  # the same length as ``raw``: a position in one is the position in the other
    cursor = 0
    for block in blocks:
        pieces = list(block.cells) if block.kind == "row" else [block]
        for piece in pieces:
            cut = piece.text
            if not cut:
                continue
            at = text.find(cut, cursor)
            if at < 0:
                continue  # a cell put together from pieces: it keeps the normalised text
            printed = raw[at : at + len(cut)]
            if block.kind == "row":
                piece.fragments = [(line, printed) for line, _ in piece.fragments[:1]]
            else:
                piece.text = printed
            cursor = at + len(cut)


def _blocks_of_line(raw: str, no: int, page: int | None, vocab: Vocabulary, state: _State | None = None) -> list[Block]:
    chrome = _CHROME_TAIL.search(raw)
    if chrome and not _labels(_matchable(chrome.group(0)), vocab):
        # a site's buttons after the form (打印 关闭): the form ends before them
        blocks = _blocks_of_line(raw[: chrome.start()], no, page, vocab, state)
        blocks.append(Block("paragraph", no, no, text=chrome.group(0).strip(), page=page))
        return blocks
    text = _matchable(raw)
    if state is not None and state.header:
        text = _PAGE_MARK.sub(lambda m: " " * len(m.group(0)), text, count=1)
    blocks: list[Block] = []
    if state is not None and flagged_rows.applies(_header_keys(state.header)) and not _labels(text[:_MAX_ROW], vocab):
        # a page or a line that goes on with rows closed by a flag: they are read before any label after them
        rest = _flagged(
            text.strip(), state, lambda cells: blocks.append(Block("row", no, no, cells=_cells(cells, no), page=page))
        )
        if rest is not None:
            return blocks + (_blocks_of_line(rest, no, page, vocab, state) if rest else [])
    tokens = _labels(text, vocab)
    # under an indicator header, a funding label that runs on into words (项目资金到位率) is part of a name, and
    # so are labels right after a 二级 label that are not a header run (数量指标项目完成率…, 数量指标预算执行率≥95%)
    in_table = _is_indicator_header(state) if state is not None else False
    kept: list[_Token] = []
    n = 0
    while n < len(tokens):
        tok = tokens[n]
        in_table = in_table or tok.context == "indicator_column"
        run = 1
        while n + run < len(tokens) and tokens[n + run].start == tokens[n + run - 1].start + len(tokens[n + run - 1].text):
            run += 1
        after = tokens[n + run - 1].start + len(tokens[n + run - 1].text)
        words_after = after < len(text) and "\u4e00" <= text[after] <= "\u9fff"
        opens_name = (
            bool(kept)
            and kept[-1].context in ("level1", "level2")
            and kept[-1].start + len(kept[-1].text) == tok.start
            and all(t.context not in ("level1", "level2") for t in tokens[n : n + run])
            and run < 3
            and (words_after or any(t.context in _HEADER_CONTEXTS for t in tokens[n : n + run]))
        )
        # two 二级 labels never follow each other: the second (服务对象满意度 after 服务对象满意度指标) names the indicator
        second_level2 = (
            bool(kept)
            and kept[-1].context == "level2"
            and tok.context == "level2"
            and kept[-1].start + len(kept[-1].text) == tok.start
        )
        if in_table and (opens_name or second_level2 or (run == 1 and _runs_into_words(tok, text, after))):
            n += run
            continue
        kept.append(tok)
        n += 1
    tokens = kept

    def para(t: str) -> None:
        t = t.strip()
        if t:
            blocks.append(Block("paragraph", no, no, text=t, page=page))

    def row(cells: list[str]) -> None:
        if any(c.strip() for c in cells):
            blocks.append(Block("row", no, no, cells=_cells(cells, no), page=page))

    # the text before the first label: prose, then the form's title and unit line
    first = tokens[0].start if tokens else len(text)
    state = state if state is not None else _State()
    if not tokens and _is_indicator_header(state) and REGIONS_ONLY.fullmatch(text.strip()):
        para(text)
        return blocks
    if not tokens and _is_indicator_header(state):
        for cells in _explained(_indicator_rows("", text, state), state, vocab):
            row(cells)
        return blocks
    if not tokens and state.in_items:
        for cells in _table_rows_with_totals(text, state):
            row(cells)
        return blocks
    if state.header and tokens and first > 0 and _is_indicator_header(state):
        # a page that goes on with the indicator table: its first text ends the last row
        row(["", text[:first].strip()])
    else:
        _lead(text[:first], para)
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        # a header row: adjacent column labels
        run = [tok]
        while (
            tok.context in _HEADER_CONTEXTS
            and k + len(run) < len(tokens)
            and tokens[k + len(run)].context in _HEADER_CONTEXTS
            and run[-1].start + len(run[-1].text) == tokens[k + len(run)].start
            and tokens[k + len(run)].text not in {t.text for t in run}  # 合计 met again opens the first row
        ):
            run.append(tokens[k + len(run)])
        if len(run) >= 3 and all(t.context in _HEADER_CONTEXTS for t in run):
            run = _across_misread(run, tokens, k, text)
        taken = sum(1 for t in run if t.kind != "misread")
        end = tokens[k + taken].start if k + taken < len(tokens) else len(text)
        periods = _period_run(tokens, k, vocab)
        if periods:
            # a funding block's columns by period (中期资金总额 | 年度资金总额): its rows' digits are cut per column
            state.header = [_Token("label", t.text, t.start, "funding_column", key) for t, key in periods]
            state.seq_next, state.total, state.items = None, None, False
            row([t.text for t, _ in periods])
            k += len(periods)
            continue
        if len(run) >= 3 and all(t.context in _HEADER_CONTEXTS for t in run):
            group = next((n for n, t in enumerate(state.header) if t.key == "source_group"), None)
            if group is not None and all((t.key or "").startswith("funding_part") for t in run):
                # the second line of a two-level header (资金来源 over 中央资金 | 省级资金): its labels take the group's place
                state.header = [*state.header[:group], *run, *state.header[group + 1 :]]
            else:
                state.header = run
                state.seq_next = 1 if any(t.key == "seq" for t in run) else None
                state.items = any(t.context == "summary_column" and is_money_key(t.key) for t in run) and not any(
                    t.key == "level3" for t in run
                )
            row([t.text for t in run])
            value = text[run[-1].start + len(run[-1].text) : end]
            regions = REGIONS_ONLY.match(value.strip()) if any(t.key == "region_target" for t in run) else None
            if regions:
                # the regions' names under 区域目标值: a second header row, whose values a row keeps whole
                para(regions.group(0))
                value = value.strip()[regions.end() :]
            if state.in_items:
                for cells in _table_rows_with_totals(value, state):
                    row(cells)
            else:
                _tail(value, state, row, para)
            k += taken
            continue
        value = text[tok.start + len(tok.text) : end]
        if tok.key == "total_row" and state.in_items:
            m = _NUMBER_RUN.match(value.strip())
            if m:
                amount, rest = _cut_sequence(m.group(0), value.strip()[m.end() :], state)
                keys = _header_keys(state.header)
                cells = [""] * len(keys)
                cells[0] = tok.text
                measures = [j for j, key in enumerate(keys) if key in _MEASURE_KEYS]
                at = measures[0] if measures else next((j for j, key in enumerate(keys) if key == "funding_total"), len(keys) - 1)
                cells[at] = m.group(0) if measures else amount
                money = [j for j, key in enumerate(keys) if key and (key == "funding_total" or key.startswith("funding_part"))]
                cut = _money_cells("", m.group(0), value.strip()[m.end() :], state, [keys[j] for j in money])
                if len(money) > 1 and cut is not None and not measures:
                    for j, piece in zip(money, cut[0], strict=True):
                        cells[j] = piece
                    rest = m.group(0)[cut[1] :] + value.strip()[m.end() :]
                row(cells)
                if _TITLE.search(rest):  # the table ends; the next form's title follows
                    _lead(rest, para)
                    state.header, state.seq_next, state.items = [], None, False
                else:
                    for cells in _table_rows_with_totals(rest, state):
                        row(cells)
                k += 1
                continue
        title = _TITLE.search(value)
        if title and tok.context in _ROW_CONTEXTS and title.end() < len(value):
            # a new form's title inside the value: the value ends before it
            start = max((m.end() for m in _TITLE_START.finditer(value[: title.start()])), default=0)
            row([tok.text, *_row_values(value[:start], state)])
            _lead(value[start:], para)
            state.header, state.seq_next, state.items = [], None, False
            k += 1
            continue
        if _is_money_header(state) and (tok.key == "funding_total" or tok.context in ("section", "funding_group_part")):
            for cells in _money_rows(tok.text, value, state, tok.key):
                row(cells)
        elif _is_indicator_header(state) and (tok.context == "level2" or (tok.context == "level1" and value.strip())):
            for cells in _explained(_indicator_rows(tok.text, value, state), state, vocab):
                row(cells)
        elif tok.context in _ROW_CONTEXTS or tok.key in ("funding_total",):
            state_values = _row_values(_PARTS_TAIL.sub("", value), state)
            row([tok.text, *state_values])
        else:
            row([tok.text, *([value.strip()] if value.strip() else [])])
        k += 1
    return blocks or [Block("paragraph", no, no, text=raw.strip(), page=page)]


def _period_run(tokens: list[_Token], k: int, vocab: Vocabulary) -> list[tuple[_Token, str]]:
    """Two or more adjacent labels of a funding block's period columns from ``tokens[k]``, with their keys."""
    run: list[tuple[_Token, str]] = []
    while k + len(run) < len(tokens):
        tok = tokens[k + len(run)]
        hit = vocab.lookup("period_column", tok.text)
        if hit is None or (run and run[-1][0].start + len(run[-1][0].text) != tok.start):
            break
        run.append((tok, hit.field_key))
    return run if len(run) >= 2 else []


def _runs_into_words(tok: _Token, text: str, after: int) -> bool:
    """A funding field label printed bare (no unit, no colon) and followed by more words."""
    return (
        tok.context in ("project_header", "evaluation_header", "section")
        and (tok.key or "").startswith("funding")
        and not re.search(r"[(（:：]", tok.text)
        and after < len(text)
        and "\u4e00" <= text[after] <= "\u9fff"
    )


def _is_money_header(state: _State) -> bool:
    return any(t.context == "funding_column" for t in state.header)


def _is_indicator_header(state: _State) -> bool:
    return any(t.key == "level3" for t in state.header)


_MONEY_RUN = re.compile(r"(?:[\d.,]+(?:万元|亿元|千元|元))*[\d.,%—－]+|(?:[\d.,]+(?:万元|亿元|千元|元))+")


def _money_rows(label: str, value: str, state: _State, key: str | None = None) -> list[list[str]]:
    """``194.9194.9100%其中:中央补助194.9194.9100%其他资金``: a row per label, its digits cut per column."""
    keys = _header_keys(state.header)
    rows: list[list[str]] = []
    pos = 0
    current = label
    is_total = key == "funding_total"
    for m in _MONEY_RUN.finditer(value):
        text = value[pos : m.start()].strip()
        if text:
            if current is not None:
                rows.append([current])
            current = text
            is_total = False
        # amounts that print their unit (300万元320万元) are cells already; the digits after the last are cut
        whole = re.findall(r"[\d.,]+(?:万元|亿元|千元|元)", m.group(0))
        rest = m.group(0)[sum(map(len, whole)) :]
        bounds = None if is_total or state.total is None else state.total[len(whole) :]
        cut = whole + (_cut_row(rest, keys[len(whole) :], bounds) if rest else [])
        if is_total and len(cut) == len(keys):
            state.total = [_number(re.sub("[万亿千]?元$", "", c)) if c and not c.endswith("%") else None for c in cut]
        is_total = False
        rows.append([current or "", *cut])
        current = None
        pos = m.end()
    tail = value[pos:].strip()
    if current is not None:
        rows.append([current])
    if tail:
        rows.append([tail])
    return rows


def _cut_row(run: str, keys: list[str | None], bounds: list[Decimal | None] | None = None) -> list[str]:
    """The run cut under every money column, or under the last ones (年初预算数 is often left blank)."""
    for skip in range(0, max(1, len(keys) - 1)):
        cut = split_numbers(run, keys[skip:], bounds[skip:] if bounds else None)
        if cut:
            return [""] * skip + cut
    # a part row leaves 分值 and 得分 blank: its digits fill the money and rate columns only
    kept = [j for j, k in enumerate(keys) if k not in _SCORED]
    if len(kept) < len(keys):
        sub = [keys[j] for j in kept]
        sub_bounds = [bounds[j] for j in kept] if bounds else None
        for skip in range(0, max(1, len(sub) - 1)):
            cut = split_numbers(run, sub[skip:], sub_bounds[skip:] if sub_bounds else None)
            if cut:
                out = [""] * len(keys)
                for j, piece in zip(kept[skip:], cut, strict=True):
                    out[j] = piece
                return out
    return [run]


_SCORED = ("weight", "score")
# columns of values: 中期指标值, 年度指标值, 实际完成值, a region's 区域目标值
_VALUE_KEYS = ("period_target", "target", "actual", "region_target")


def _indicator_rows(level2: str, value: str, state: _State) -> list[list[str]]:
    """``到位率100%100%真实率100%``: a row per indicator name, its values the numbers after it."""
    keys = _header_keys(state.header)
    after = keys[keys.index("level3") + 1 :] if "level3" in keys else []
    sequence = _indicator_sequence(value, after)
    if sequence:
        return [[level2 if n == 0 else "", *cells] for n, cells in enumerate(sequence)]
    rows: list[list[str]] = []
    pos = 0
    name: str | None = None
    values: list[str] = []
    for m in _VALUE.finditer(value):
        text = value[pos : m.start()]
        if text.strip():
            if name is not None:
                rows.append(_indicator_cells(level2 if not rows else "", name, values, after))
            elif pos > 0:
                # values straight after the level label: a row that left its name empty
                rows.append([level2, value[:pos].strip()])
            name, values = text.strip(), []
        if name is not None:
            values.append(m.group(0))
        pos = m.end()
    if name is None and pos > 0 and value[pos:].strip():
        rows.append([level2, value[:pos].strip()])
    if name is not None:
        rows.append(_indicator_cells(level2 if not rows else "", name, values, after))
    tail = value[pos:].strip()
    if len(rows) <= 1 and (one := _one_indicator(value, after)) is not None:
        return [[level2, *one]]  # a row printed on its own line: one indicator, its values glued
    if tail:
        rows.append(["" if rows else level2, tail])
    return rows or [[level2, value.strip()]]


@lru_cache(maxsize=4)
def _explanation_leads(vocab: Vocabulary) -> re.Pattern | None:
    words = sorted(vocab.labels("explanation_lead"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


_MIN_EXPLANATION = 4  # an explanation is a phrase (反映…情况), not a word inside a name


def _explained(rows: list[list[str]], state: _State, vocab: Vocabulary) -> list[list[str]]:
    """Under a 指标解释 column, a name glued to its explanation is cut where the explanation's lead word
    (反映, 考察 …) starts: the template words every explanation this way."""
    keys = _header_keys(state.header)
    leads = _explanation_leads(vocab)
    if leads is None or "level3" not in keys or "explanation" not in keys:
        return rows
    at = keys.index("explanation") - keys.index("level3")  # the explanation's cell after the name's
    if at <= 0:
        return rows
    out = []
    for cells in rows:
        name = cells[1] if len(cells) > 1 else ""
        lead = next((m for m in leads.finditer(name) if m.start() >= 2 and len(name) - m.start() >= _MIN_EXPLANATION), None)
        if lead is not None and len(cells) > 1 + at:
            # the explanation takes its cell; when the values had moved into it, they move back right
            rest = cells[1 + at :]
            if not rest[0].strip():
                rest = rest[1:]
            elif not rest[-1].strip():
                rest = rest[:-1]
            cells = [cells[0], name[: lead.start()], *cells[2 : 1 + at], name[lead.start() :], *rest]
        out.append(cells)
    return out


_VALUE_START = re.compile(r"[≥≤><=＞＜]|(?<=[^\d.])\d")
_SCORES = re.compile(r"(?P<run>\d+(?:\.\d+)?)(?P<note>[^\d%]*)$")


def _one_indicator(value: str, after: list[str | None]) -> list[str] | None:
    """``养护里程≥120公里125公里2020无``: name, target, actual, then 分值 and 得分 glued, then a note.

    The scores are the digits at the end, cut so that 得分 ≤ 分值. The name ends where the first value
    starts (a comparator, or the first number after the name's words); the target and the actual value
    each start with a comparator or a number. A qualitative target met as printed is printed twice
    (``…负担减轻有效减轻有效减轻``): the repeated ending is the target and the actual.
    """
    text = value.strip()
    cells = {}
    scored = [k for k in after if k in ("weight", "score")]
    if scored:
        m = _SCORES.search(text)
        if m is None:
            return None
        cut = split_numbers(m.group("run"), scored)
        if cut is None:
            return None
        cells.update(zip(scored, cut, strict=True))
        if m.group("note").strip():
            cells["deviation_note"] = m.group("note").strip()
        text = text[: m.start()]
    values = [k for k in after if k in ("target", "actual")]
    if not values:
        return None  # targets only under region or period columns: the values are cut one by one
    start = _VALUE_START.search(text)
    if start is None or start.start() == 0:
        twice = _said_twice(text) if len(values) == 2 else None
        if twice is None:
            return None
        name, word = twice
        cells.update(level3=name, target=word, actual=word)
        return [name] + [cells.get(k) or "" for k in after]
    name, rest = text[: start.start()], text[start.start() :]
    cells["level3"] = name
    starts = [m.start() for m in _VALUE_START.finditer(rest) if m.start() == 0 or not rest[m.start() - 1].isdigit()]
    # a comparator starts a value, and so does a number that follows a unit (公里125 → 125) or a
    # percentage (100%95%)
    bounds = sorted({0, *(b for b in starts if b == 0 or not _COMPARATOR.match(rest[b - 1]))})
    if len(values) == 2 and len(bounds) >= 2:
        cells["target"], cells["actual"] = rest[: bounds[1]], rest[bounds[1] :]
    elif values:
        cells[values[0]] = rest
    return [name] + [cells.get(k) or "" for k in after]


# a digit inside a range, a decimal or an enumeration continues its text (1-3月, 0.5, 稻谷、500吨), and
# so does one inside a date (2024年12月底前, 3月15日)
_CONTINUES = "至-—~～.、"
# the template's 指标N numbering, also before a name that starts with a year (指标12021年底前完成…)
_INDICATOR_NUMBER = re.compile(r"\d{1,2}(?=\D|(?:19|20)\d{2}年)")
_DATE_GOES_ON = {"年": re.compile(r"\d{1,2}月"), "月": re.compile(r"\d{1,2}[日号]")}


_WORD_VALUE = re.compile(
    r"(?:不低于|不少于|不小于|不超过|不高于|不多于|大于或等于|小于或等于|大于等于|小于等于|至少|控制在|达到"
    r"|(?:较上年|比上年|同比)(?:提高|增长|增加|下降|减少|降低)?)(?=\d)"
)


_BRACKET_NUMBER = re.compile(r"\d{1,2}[)）](?=[\u4e00-\u9fff])")


def _value_starts(text: str, typed: bool = False) -> list[int]:
    """Where values start in glued indicator text: a comparator, or a number after words or a unit,
    never a number right after a comparator or inside a date; with a 指标性质 column (``typed``), also
    定性 / 定量."""
    out = [m.start() for m in re.finditer("定性|定量", text)] if typed else []
    # a comparator in words opens its value (不低于45处, 较上年提高5个百分点): its number does not
    words = [(m.start(), m.end()) for m in _WORD_VALUE.finditer(text)]
    out += [a for a, _ in words]
    for m in _VALUE_START.finditer(text):
        b = m.start()
        if any(a < b <= z for a, z in words):
            continue
        before = text[b - 1] if b else ""
        if before and (before.isdigit() or before in _CONTINUES or _COMPARATOR.match(before)):
            continue
        if before in _DATE_GOES_ON and _DATE_GOES_ON[before].match(text, b):
            continue
        if text[max(0, b - 2) : b] == "指标" and _INDICATOR_NUMBER.match(text, b):
            continue  # the template's numbering of an indicator (指标1免费发放…)
        if before in "（(" and _BRACKET_NUMBER.match(text, b):
            continue  # a bracketed list number before a name ((1)维修…)
        out.append(b)
    return sorted(set(out))


def _indicator_sequence(value: str, after: list[str | None]) -> list[list[str]] | None:
    """Several indicators glued in a row (``救助人次≥1200人次1350人次2020资助参保人数≥800人…``).

    Each is a name, then its cells in the header's order: a target or actual value starts with a
    comparator or a number and runs to the next value; 分值 / 得分 are a run of digits (cut so that
    得分 ≤ 分值); a 指标性质 is a comparator or 定性 / 定量, a 度量单位 the words after a number; the words up
    to the next value are the next indicator's name, or at the very end the deviation note. Read only
    when every indicator fits: anything else is :func:`_one_indicator`'s.
    """
    if not any(k in _VALUE_KEYS for k in after):
        return None
    typed = "value_type" in after
    text = value.strip()
    rows: list[list[str]] = []
    while text:
        starts = [b for b in _value_starts(text, typed) if b > 0]
        if not starts:
            break
        cells = _read_cells(text[starts[0] :], after)
        if cells is None:
            break  # a row cut off (a page or the text ends): what is left is kept as printed
        read, used = cells
        read["level3"] = text[: starts[0]]
        text = text[starts[0] + used :]
        if not [b for b in _value_starts(text, typed) if b > 0] and text.strip() and "deviation_note" in after:
            read["deviation_note"] = text.strip()
            text = ""
        rows.append([read["level3"], *[read.get(k) or "" for k in after]])
    if not rows:
        return None
    if text.strip():
        rows.append(["", text.strip()])
    return rows


_VALUE_TYPE = re.compile(r"定性|定量|[≥≤><=＞＜]{1,2}")
_NUMBER_AND_UNIT = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<unit>\D*)$")


def _read_cells(rest: str, after: list[str | None]) -> tuple[dict[str, str], int] | None:
    """The cells at the start of ``rest`` in the header's order, and where they end: of every way the
    row can be cut, the likeliest (see :func:`_likely`)."""
    parses = list(_parses(rest, after, 0, 0))
    if not parses:
        return None
    return max(parses, key=lambda p: _likely(p[0]))


def _parses(rest: str, after: list[str | None], k: int, pos: int):
    """Every cut of ``rest[pos:]`` into the cells of columns ``after[k:]``: (cells, end) pairs.

    A run of digits under 分值 may have swallowed the number that starts the next value (15 · 100% printed
    as 15100%, 8 · 550万粒 as 8550万粒): each cut of it is a candidate.
    """
    if k >= len(after):
        yield {}, pos
        return
    key = after[k]
    if key in _SCORED:
        group = [key]
        while k + len(group) < len(after) and after[k + len(group)] in _SCORED:
            group.append(after[k + len(group)])
        run = re.match(r"\d+(?:\.\d+)?", rest[pos:])
        if run is None:
            return
        # only a value column after the scores can have taken their last digits
        takes = k + len(group) < len(after) and after[k + len(group)] in (*_VALUE_KEYS, "value_type")
        for length in range(len(run.group(0)), 0, -1):
            if length < len(run.group(0)) and not (takes and re.match(r"[≥≤><=＞＜\d]", rest[pos + length :])):
                continue
            cut = split_numbers(run.group(0)[:length], group)
            if cut is None or any((_number(c) or 0) > 100 for c in cut):
                continue
            for cells, end in _parses(rest, after, k + len(group), pos + length):
                yield {**cells, **dict(zip(group, cut, strict=True))}, end
        return
    if key == "region_target":
        # one value per region after the overall target (12个8个): the rest of the row, when it is values only
        tail = rest[pos:]
        opens = bool(re.match(r"[≥≤><=＞＜\d]", tail))
        bounds = sorted({0, *_value_starts(tail), len(tail)}) if opens else []
        if len(bounds) >= 2 and all(
            len(re.sub(r"^[≥≤><=＞＜]*[\d.]+%?", "", tail[a:b])) <= 3 for a, b in zip(bounds, bounds[1:], strict=False)
        ):
            for cells, end in _parses(rest, after, k + 1, len(rest)):
                yield {**cells, "region_target": tail}, end
            return
        yield from _parses(rest, after, k + 1, pos)
        return
    if key == "value_type":
        m = _VALUE_TYPE.match(rest[pos:])
        for cells, end in _parses(rest, after, k + 1, pos + (m.end() if m else 0)):
            yield ({**cells, "value_type": m.group(0)} if m else cells), end
        return
    if key in _VALUE_KEYS:
        if pos >= len(rest):
            yield {}, pos  # the text ends inside the row (a cut-off page): its last cells are missing
            return
        nxt = [b for b in _value_starts(rest[pos:]) if b > 0]
        end = pos + nxt[0] if nxt else len(rest)
        # a percentage ends its value: words after it are the next indicator's name
        percent = _PERCENT_VALUE.match(rest, pos, end)
        if percent and percent.end() < end:
            end = percent.end()
        piece = rest[pos:end]
        if not piece:
            return
        half = len(piece) // 2
        word = piece[:half]
        twice = half and piece == word * 2 and (half >= 2 or not word.isdigit())
        if key == "target" and "actual" in after[k + 1 : k + 2] and twice:
            # a qualitative target met as printed: the same words twice (是是, 有效减轻有效减轻)
            for cells, stop in _parses(rest, after, k + 2, end):
                yield {**cells, "target": word, "actual": word}, stop
            return
        numeric_next = [c for c in after[k + 1 :] if c in (*_VALUE_KEYS, *_SCORED)]
        run = re.match(r"\d+(?:\.\d+)?", piece)
        # only a run that no later value starts after (the row's last numbers, then at most a note)
        if numeric_next and run and run.end() > 1 and not nxt and not re.search(r"\d", piece[run.end() :]):
            # digits of this value and the next columns' run together (60 · 62 · 20 · 20 as 60622020,
            # when the unit has a column of its own): each cut is a candidate, the likeliest wins
            for length in range(1, run.end() + 1):
                head = piece[:length]
                if _number(head) is None:
                    continue
                for cells, stop in _parses(rest, after, k + 1, pos + length):
                    yield {**cells, key: head}, stop
            return
        unit = _NUMBER_AND_UNIT.match(piece) if "unit" in after[k + 1 : k + 2] else None
        own = {key: unit.group("number"), "unit": unit.group("unit")} if unit else {key: piece}
        for cells, stop in _parses(rest, after, k + 1, end):
            yield {**cells, **own}, stop
        return
    if key == "unit" and after[k + 1 : k + 2] and after[k + 1] in _VALUE_KEYS:
        # a unit column before the value (指标方向 | 计量单位 | 年度指标值): the words before the digits
        m = _UNIT_BEFORE.match(rest, pos)
        if m and m.end() > pos:
            for cells, stop in _parses(rest, after, k + 1, m.end()):
                yield {**cells, "unit": m.group(0)}, stop
            return
    yield from _parses(rest, after, k + 1, pos)


_UNIT_BEFORE = re.compile(r"[^\d≥≤><=＞＜.]{1,4}(?=\d)")


_PERCENT_VALUE = re.compile(r"[≥≤><=＞＜]*\d+(?:\.\d+)?[%％](?!以上|以下|以内|左右|及以上|及以下)")
_LEADING_NUMBER = re.compile(r"[≥≤><=＞＜]*(\d+(?:\.\d+)?)")


def _likely(cells: dict[str, str]) -> int:
    """How plausible a cut of one indicator row is: 得分 never above 分值 and most often equal to it; a
    target and its actual value of one order of magnitude, most often equal."""
    score = 0
    weight, got = _number(cells.get("weight", "")), _number(cells.get("score", ""))
    if weight is not None and got is not None:
        score += 2 if weight == got else (1 if got <= weight else -5)
    target, actual = (_LEADING_NUMBER.match(cells.get(k, "")) for k in ("target", "actual"))
    if target and actual:
        t, a = Decimal(target.group(1)), Decimal(actual.group(1))
        score += 2 if t == a else (1 if t and a and Decimal("0.5") <= a / t <= 2 else 0)
    return score


def _said_twice(text: str) -> tuple[str, str] | None:
    """(name, word) when ``text`` is a name followed by the same word of two or more characters twice."""
    for length in range(len(text) // 3, 1, -1):
        word = text[-length:]
        if text.endswith(word * 2) and len(text) > 2 * length:
            return text[: -2 * length], word
    return None


_COMPARATOR = re.compile(r"[≥≤><=＞＜]")


def _indicator_cells(level2: str, name: str, values: list[str], after: list[str | None]) -> list[str]:
    width = max(len(after), len(values))
    return [level2, name, *values, *[""] * (width - len(values))]


def _table_rows_with_totals(value: str, state: _State) -> list[list[str]]:
    """Item rows up to the next total word; the sequence number glued after an amount is cut off."""
    out: list[list[str]] = []
    for cells in _table_rows(value, state):
        out.append(cells)
    return out


def _tail(value: str, state: _State, row, para) -> None:
    text = value.strip()
    if not text:
        return
    rest = _flagged(text, state, row)
    if rest is not None:
        if rest:
            para(rest)
        return
    cut = _row_values(text, state)
    if len(cut) > 1:
        row(["", *cut])
    else:
        para(text)


_MISREAD_LABEL = re.compile(r"[^\d%。，,；;：:]{2,8}")


def _across_misread(run: list[_Token], tokens: list[_Token], k: int, text: str) -> list[_Token]:
    """A header run broken by one column label that OCR misread (年成值全完值 for 全年完成值) goes on after it:
    the misread piece is a column of its own, unknown, between two runs of known labels."""
    n = k + len(run)
    end = run[-1].start + len(run[-1].text)
    if n < len(tokens) and tokens[n].context in _HEADER_CONTEXTS and _MISREAD_LABEL.fullmatch(text[end : tokens[n].start]):
        rest = [tokens[n]]
        while (
            n + len(rest) < len(tokens)
            and tokens[n + len(rest)].context in _HEADER_CONTEXTS
            and rest[-1].start + len(rest[-1].text) == tokens[n + len(rest)].start
        ):
            rest.append(tokens[n + len(rest)])
        if len(rest) >= 2:
            misread = _Token("misread", text[end : tokens[n].start], end, run[-1].context, None)
            return [*run, misread, *rest]
    return run


def _flagged(text: str, state: _State, row) -> str | None:
    """Rows of a no-level indicator table closed by their 是否核心指标 flag (see :mod:`flagged_rows`), and the
    text after them; None when ``text`` does not start with such rows."""
    keys = _header_keys(state.header)
    cut = flagged_rows.rows(text, keys, split_numbers) if flagged_rows.applies(keys) else None
    if cut is None:
        return None
    for cells in cut[0]:
        row(cells)
    return cut[1]


def _lead(text: str, para) -> None:
    """Prose before a form: sentences, then a title (…分配表) and a unit line (单位：万元)."""
    rest = text
    while rest:
        title = _TITLE.search(rest)
        if not title:
            para(rest)
            return
        start = max((m.end() for m in _TITLE_START.finditer(rest[: title.start()])), default=0)
        para(rest[:start])
        para(rest[start : title.end()])
        rest = rest[title.end() :]
        unit = _UNIT_LINE.match(rest)
        if unit:
            para(unit.group(0))
            rest = rest[unit.end() :]
        year = re.match(r"^\s*[(（]\s*\d{4}\s*年度\s*[)）]", rest)
        if year:
            para(year.group(0))
            rest = rest[year.end() :]
    return


__all__ = ["blocks_of_line", "is_glued", "split_numbers"]

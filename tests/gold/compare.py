"""Compare the landing tables of a built warehouse with the hand-checked gold (``shared/gold/seeds_gold.yaml``).

Pure reporting: it reads ``landing.*`` and the gold, and returns per document and per field how many gold
values were found (recall) and how many extracted values are right (precision). It knows the gold's
schema, not the sample files: any document the gold describes is compared the same way.

Matching rules (the gold README's conventions):
- text is compared with all whitespace removed;
- a project is matched by its name (a form's subject name or a ``project_name`` field);
- an amount is matched by (line, value in 万元) — or (line, share %) for shares, (line, no value) for a dash;
- an indicator is matched by its first source line;
- 一级 / 二级 levels are compared after normalising both sides through ``seeds/label_vocabulary.csv``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import yaml

from loaders.vocabulary import Vocabulary, load_vocabulary, normalise_label

ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = ROOT.parent / "shared" / "gold"
GOLD_FILE = GOLD_DIR / "seeds_gold.yaml"

# Landing form kinds that hold a department's whole budget; every other kind that names a project is a project form.
DEPARTMENT_KINDS = {"department_declaration", "department_basic_data", "department_self_evaluation"}
# The gold names department forms in Chinese; a keyword of the printed kind gives the landing kind.
_GOLD_DEPARTMENT_KIND = [
    ("基础数据", "department_basic_data"),
    ("自评表", "department_self_evaluation"),
    ("", "department_declaration"),  # 申报表 / 目标表
]
# gold project key → landing field key
PROJECT_FIELDS = {
    "implementing_unit": "implementing_unit",
    "supervising_department": "supervising_department",
    "period_text": "period",
}
INDICATOR_FIELDS = ["level1", "level2", "level3", "target_text", "unit", "weight", "actual_text", "score"]
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def squash(text: object) -> str:
    """Text with every whitespace character removed (the gold's comparison rule); '' for None."""
    return re.sub(r"\s+", "", str(text)) if text is not None else ""


def number(value: object) -> Decimal | None:
    """The first number in a printed cell ('10分' → 10), or the gold's number as an exact Decimal."""
    if value is None:
        return None
    m = _NUMBER.search(str(value).replace(",", ""))
    try:
        return Decimal(m.group(0)) if m else None
    except InvalidOperation:
        return None


def level(vocab: Vocabulary, context: str, printed: str | None) -> str:
    """A printed level as its standard label when the vocabulary knows it, else the label without decoration."""
    if not printed:
        return ""
    hit = vocab.lookup(context, printed)
    return hit.standard_label if hit else normalise_label(printed)


@dataclass
class Score:
    """Recall = found / gold; precision = right / extracted. ``None`` where a side has nothing to count."""

    found: int = 0
    gold: int = 0
    right: int = 0
    extracted: int = 0

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def precision(self) -> float | None:
        return self.right / self.extracted if self.extracted else None

    def add(self, other: Score) -> None:
        self.found += other.found
        self.gold += other.gold
        self.right += other.right
        self.extracted += other.extracted


@dataclass
class DocumentReport:
    document: str  # the gold file name
    loaded: bool
    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # name → (gold, extracted)
    indicator_cells: tuple[int, int] = (0, 0)  # (right, compared): every listed gold indicator × field
    misses: list[str] = field(default_factory=list)  # a few examples of what was not found, for the report

    def score(self, section: str, name: str) -> Score:
        return self.scores.setdefault((section, name), Score())

    @property
    def indicator_accuracy(self) -> float | None:
        right, compared = self.indicator_cells
        return right / compared if compared else None

    def miss(self, text: str) -> None:
        if len(self.misses) < 12:
            self.misses.append(text)


# ---------------------------------------------------------------- reading both sides


def load_gold(path: Path = GOLD_FILE) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {d["file"]: d for d in yaml.safe_load(fh)["documents"]}


@dataclass
class Landing:
    forms: list[dict] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    amounts: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def load_landing(con: duckdb.DuckDBPyConnection) -> dict[str, Landing]:
    """The landing rows of every document, by file name (the latest load of a name wins)."""
    docs = {r["document_id"]: r["file_name"] for r in _rows(con, "select document_id, file_name from landing.documents")}
    out: dict[str, Landing] = {name: Landing() for name in docs.values()}
    for attr, sql in [
        ("forms", "select * from landing.forms order by document_id, form_seq"),
        ("fields", "select * from landing.form_fields order by document_id, form_id, field_seq"),
        ("amounts", "select * from landing.amounts order by document_id, form_id, amount_seq"),
        ("indicators", "select * from landing.indicators order by document_id, form_id, indicator_seq"),
    ]:
        for row in _rows(con, sql):
            if row["document_id"] in docs:
                getattr(out[docs[row["document_id"]]], attr).append(row)
    return out


# ---------------------------------------------------------------- sections


def _project_values(land: Landing) -> dict[str, dict[str, list[str]]]:
    """Project name (squashed) → field key → values, from every form that is not a department form.

    A field belongs to the project named most recently before it in its form (the form's subject name,
    then any ``project_name`` field), so one form per project and one summary table of many projects
    both work.
    """
    kinds = {f["form_id"]: f for f in land.forms}
    by_form: dict[str, list[dict]] = defaultdict(list)
    for f in land.fields:
        by_form[f["form_id"]].append(f)
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for form_id, form in kinds.items():
        if form["form_kind"] in DEPARTMENT_KINDS:
            continue
        current = squash(form["subject_name"])
        if current:
            out[current]  # noqa: B018 - a named form is a project even without fields
        for f in by_form.get(form_id, []):
            if f["field_key"] == "project_name" and squash(f["value_printed"]):
                current = squash(f["value_printed"])
            if current and f["value_printed"]:
                out[current][f["field_key"]].append(f["value_printed"])
    return out


def _compare_projects(report: DocumentReport, gold: dict, land: Landing) -> None:
    extracted = _project_values(land)
    gold_names = Counter(squash(p["name"]) for p in gold.get("projects") or [])
    found = report.score("projects", "name")
    found.gold = sum(gold_names.values())
    found.found = sum(n for name, n in gold_names.items() if name in extracted)
    found.extracted = len(extracted)
    found.right = sum(1 for name in extracted if name in gold_names)
    for p in gold.get("projects") or []:
        if squash(p["name"]) not in extracted:
            report.miss(f"project {p['name']}")
    matched = {squash(p["name"]): p for p in gold.get("projects") or [] if squash(p["name"]) in extracted}
    for gold_key, landing_key in PROJECT_FIELDS.items():
        s = report.score("projects", gold_key)
        s.gold = sum(1 for p in gold.get("projects") or [] if squash(p.get(gold_key)))
        for name, values in extracted.items():
            got = {squash(v) for v in values.get(landing_key, []) if squash(v)}
            want = squash(matched[name].get(gold_key)) if name in matched else None
            if got:
                s.extracted += 1
                s.right += bool(want) and want in got
            if want and want in got:
                s.found += 1


def _compare_department_forms(report: DocumentReport, gold: dict, land: Landing) -> None:
    want: Counter[str] = Counter()
    for form in gold.get("department_forms") or []:
        want[next(kind for word, kind in _GOLD_DEPARTMENT_KIND if word in form["form_kind"])] += 1
    got = Counter(f["form_kind"] for f in land.forms if f["form_kind"] in DEPARTMENT_KINDS)
    s = report.score("department_forms", "form")
    s.gold, s.extracted = sum(want.values()), sum(got.values())
    s.found = s.right = sum(min(n, got[k]) for k, n in want.items())
    for k, n in want.items():
        if got[k] < n:
            report.miss(f"department form {k}")


def _amount_key(line: int, value: Decimal | None, share: Decimal | None) -> tuple:
    if share is not None:
        return (line, "share", share)
    return (line, "amount", value)


def _gold_amount_key(a: dict) -> tuple:
    value = a.get("amount_wan", a.get("amount"))
    share = a.get("share_pct") if value is None else None
    return _amount_key(a["line"], number(value), number(share))


def _landing_amount_key(a: dict) -> tuple:
    return _amount_key(a["line_no"], a["value_wan"], a["share_pct"] if a["value_wan"] is None else None)


def _label_right(landing_label: str | None, gold: dict) -> bool:
    got = normalise_label(landing_label or "")
    for printed in (gold.get("label"), gold.get("printed_label")):
        want = normalise_label(printed or "")
        if want and got and (want == got or want in got or got in want):
            return True
    return False


def _match_amounts(report: DocumentReport, section: str, wanted: list[dict], land: Landing) -> set[int]:
    """Match gold amounts to landing amounts one to one by (line, value); return the landing indices used."""
    pool: dict[tuple, list[int]] = defaultdict(list)
    for i, a in enumerate(land.amounts):
        pool[_landing_amount_key(a)].append(i)
    found, label = report.score(section, "amount+line"), report.score(section, "label")
    used: set[int] = set()
    for g in wanted:
        found.gold += 1
        label.gold += 1
        free = [i for i in pool.get(_gold_amount_key(g), []) if i not in used]
        if not free:
            report.miss(f"{section} L{g['line']} {g.get('label')} {g.get('printed')}")
            continue
        i = free[0]
        used.add(i)
        found.found += 1
        if _label_right(land.amounts[i]["item_label_printed"], g):
            label.found += 1
    return used


def _compare_amounts(report: DocumentReport, gold: dict, land: Landing) -> None:
    lines = [a for form in (gold.get("projects") or []) + (gold.get("department_forms") or []) for a in form.get("funding") or []]
    statements = gold.get("funding_statements") or []
    used = _match_amounts(report, "funding_lines", lines, land)
    used |= _match_amounts(report, "funding_statements", statements, land)
    # Precision over every extracted amount (recall is in the two rows above): right when it is a gold
    # funding line or statement at its line.
    s = report.score("amounts", "all extracted")
    s.extracted = len(land.amounts)
    s.right = len(used)


def _gold_indicators(gold: dict) -> list[tuple[dict, tuple[int, int]]]:
    """Every listed gold indicator with its (first, last) source line."""
    out = []
    for form in (gold.get("projects") or []) + (gold.get("department_forms") or []):
        for ind in form.get("indicators") or []:
            lines = ind.get("lines") or [ind["line"]]
            out.append((ind, (min(lines), max(lines))))
    return out


def _landing_indicator_value(vocab: Vocabulary, row: dict, key: str):
    return {
        "level1": level(vocab, "level1", row["level1_printed"]),
        "level2": level(vocab, "level2", row["level2_printed"]),
        "level3": row["level3"],
        "target_text": row["target_text"],
        "unit": row["unit_printed"],
        "weight": row["weight_text"],
        "actual_text": row["actual_text"],
        "score": row["score_text"],
    }[key]


def _same(key: str, want, got, row: dict | None) -> bool:
    if key in ("weight", "score"):
        return number(want) == number(got)
    if key == "unit" and not squash(got) and want and row is not None:
        # No unit column: the unit stays inside the printed target (1800人), where dbt parses it.
        target = squash(row["target_text"])
        return bool(re.search(rf"\d{re.escape(squash(want))}$", target))
    if key in ("level1", "level2"):
        return squash(normalise_label(want or "")) == squash(got)
    return squash(want) == squash(got)


def _compare_indicators(report: DocumentReport, gold: dict, land: Landing, vocab: Vocabulary) -> None:
    listed = _gold_indicators(gold)
    by_start: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(land.indicators):
        by_start[row["line_start"]].append(i)
    found = report.score("indicators", "row (by line)")
    used: set[int] = set()
    right_cells = compared_cells = 0
    for ind, (first, _last) in listed:
        found.gold += 1
        candidates = [i for i in by_start.get(first, []) if i not in used] or [
            i for i, r in enumerate(land.indicators) if i not in used and r["line_start"] <= first <= r["line_end"]
        ]
        row = land.indicators[candidates[0]] if candidates else None
        if row is None:
            report.miss(f"indicator L{first} {ind.get('level3') or ind.get('target_text')}")
        else:
            used.add(candidates[0])
            found.found += 1
        for key in INDICATOR_FIELDS:
            s = report.score("indicators", key)
            want = ind.get(key)
            got = _landing_indicator_value(vocab, row, key) if row is not None else None
            ok = _same(key, want, got, row) if (want is not None or got) else True
            compared_cells += 1
            right_cells += ok
            if want is not None and squash(want):
                s.gold += 1
                s.found += ok
            if got is not None and squash(got):
                s.extracted += 1
                s.right += ok
    # Precision of rows only where the gold lists every indicator of the form (004 lists 6 of 48 projects).
    spans = _form_spans(gold)
    in_listed_forms = [
        i for i, r in enumerate(land.indicators) if any(r["line_start"] <= hi and r["line_end"] >= lo for lo, hi in spans)
    ]
    found.extracted = len(in_listed_forms)
    found.right = len([i for i in in_listed_forms if i in used])
    report.indicator_cells = (right_cells, compared_cells)


def _form_spans(gold: dict) -> list[tuple[int, int]]:
    """The line span (first to last listed indicator) of each gold form that lists its indicators."""
    spans = []
    for form in (gold.get("projects") or []) + (gold.get("department_forms") or []):
        lines = [ln for ind in form.get("indicators") or [] for ln in (ind.get("lines") or [ind["line"]])]
        if lines:
            spans.append((min(lines), max(lines)))
    return spans


def compare_document(gold: dict, land: Landing | None, vocab: Vocabulary) -> DocumentReport:
    report = DocumentReport(gold["file"], land is not None)
    land = land or Landing()
    _compare_projects(report, gold, land)
    _compare_department_forms(report, gold, land)
    _compare_amounts(report, gold, land)
    _compare_indicators(report, gold, land, vocab)
    counts = gold.get("counts") or {}
    report.counts = {
        "projects": (counts.get("projects", 0), len(_project_values(land))),
        "department_forms": (counts.get("department_forms", 0), sum(f["form_kind"] in DEPARTMENT_KINDS for f in land.forms)),
        "indicators": (counts.get("indicators", 0), len(land.indicators)),
        "amounts": (counts.get("funding_lines", 0) + counts.get("funding_statements", 0), len(land.amounts)),
    }
    return report


def compare(con: duckdb.DuckDBPyConnection, gold_path: Path = GOLD_FILE) -> list[DocumentReport]:
    gold = load_gold(gold_path)
    landing = load_landing(con)
    vocab = load_vocabulary()
    return [compare_document(doc, landing.get(name), vocab) for name, doc in sorted(gold.items())]


# ---------------------------------------------------------------- the printed table


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:5.1f}%"


def format_reports(reports: list[DocumentReport]) -> str:
    """One table: per document, per section and field, found/gold (recall) and right/extracted (precision)."""
    out = ["gold comparison (recall = found/gold, precision = right/extracted; text compared without whitespace)"]
    head = f"{'document':<10} {'section':<19} {'field':<23} {'found/gold':>11} {'recall':>7} {'right/extr':>11} {'precision':>9}"
    out += [head, "-" * len(head)]
    totals: dict[tuple[str, str], Score] = {}
    for r in reports:
        doc = r.document[:3]
        if not r.loaded:
            out.append(f"{doc:<10} (not in landing.documents)")
        for (section, name), s in r.scores.items():
            totals.setdefault((section, name), Score()).add(s)
            if not s.gold and not s.extracted:
                continue
            out.append(
                f"{doc:<10} {section:<19} {name:<23} {f'{s.found}/{s.gold}':>11} {_pct(s.recall):>7} "
                f"{f'{s.right}/{s.extracted}':>11} {_pct(s.precision):>9}"
            )
        right, compared = r.indicator_cells
        counts = "  ".join(f"{k} {got}/{want}" for k, (want, got) in r.counts.items())
        accuracy = _pct(r.indicator_accuracy).strip()
        out.append(f"{doc:<10} indicator cells right {right}/{compared} ({accuracy}); counts got/gold: {counts}")
        for m in r.misses[:5]:
            out.append(f"{'':<10}   missing: {m}")
    out.append("-" * len(head))
    for (section, name), s in totals.items():
        out.append(
            f"{'all':<10} {section:<19} {name:<23} {f'{s.found}/{s.gold}':>11} {_pct(s.recall):>7} "
            f"{f'{s.right}/{s.extracted}':>11} {_pct(s.precision):>9}"
        )
    return "\n".join(out)

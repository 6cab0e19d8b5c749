"""Every rendition of a sample (../shared/originals) must give what its text sample gives, format by format.

Two measures, printed as one table (run pytest with -s to see it):
* the extractors' forms, indicators and amounts from the rendition against those from the text sample,
  scored on the gold (share of the gold's project names, indicator counts and amounts reproduced) —
  a rendition must score within one percentage point of its text sample, or better;
* the blocks themselves against the .docx rendition (the Word original): the same rows of cells and the
  same paragraphs, which holds whatever the extractors of the day know.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from loaders.errors import ReadError
from loaders.readers import read_file
from loaders.readers.office import soffice
from loaders.textnorm import compact
from tests.conftest import SHARED
from tests.readers.compare import compare, parse_path, table

ORIGINALS = SHARED / "originals"
CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not ORIGINALS.is_dir(), reason=f"renditions not found at {ORIGINALS}")


def renditions() -> list[Path]:
    if not ORIGINALS.is_dir():
        return []
    return sorted(p for p in ORIGINALS.iterdir() if p.suffix != ".md" and ".scanned." not in p.name)


def _needs_soffice(path: Path) -> None:
    if path.suffix in (".doc", ".wps", ".et", ".xls") and not soffice():
        pytest.skip("LibreOffice (soffice) is not installed; `make setup` installs it")


def _stem(path: Path) -> str:
    return path.name.split(".")[0]


@pytest.fixture(scope="module")
def gold() -> dict[str, dict]:
    return {d["file"]: d for d in yaml.safe_load((SHARED / "gold" / "seeds_gold.yaml").read_text())["documents"]}


def _blocks(path: Path) -> tuple[Counter, Counter]:
    doc = read_file(path, path.read_bytes())
    rows = Counter(tuple(compact(t) for t in b.texts) for b in doc.blocks if b.kind == "row")
    paragraphs = Counter(compact(b.text) for b in doc.blocks if b.kind == "paragraph")
    return rows, paragraphs


def _share(a: Counter, b: Counter) -> float:
    return 100.0 * sum((a & b).values()) / max(1, sum(a.values()), sum(b.values()))


def test_per_format_table(gold, capsys):
    rows = []
    equivalence = []
    for path in renditions():
        if path.suffix in (".doc",) and not soffice():
            continue
        rows.append(compare(CORPUS / f"{_stem(path)}.txt", path, gold[f"{_stem(path)}.txt"]))
        if path.suffix != ".docx":
            ref_rows, ref_paras = _blocks(ORIGINALS / f"{_stem(path)}.docx")
            got_rows, got_paras = _blocks(path)
            equivalence.append(
                f"{path.name:38} rows {_share(ref_rows, got_rows):5.1f}%  paragraphs {_share(ref_paras, got_paras):5.1f}%"
            )
    with capsys.disabled():
        print("\n" + table(rows))
        print("\nblocks against the .docx rendition:\n" + "\n".join(equivalence))
    for c in rows:
        assert c.error is None, c.name
        assert c.gold_rendition >= c.gold_text - 1.0, f"{c.name}: gold {c.gold_rendition:.1f}% vs text {c.gold_text:.1f}%"


@pytest.mark.parametrize("path", [p for p in renditions() if p.suffix != ".docx"], ids=lambda p: p.name)
def test_blocks_match_the_word_original(path):
    _needs_soffice(path)
    ref_rows, ref_paras = _blocks(ORIGINALS / f"{_stem(path)}.docx")
    rows, paras = _blocks(path)
    assert _share(ref_rows, rows) >= 99.0
    # prose wrapped across PDF lines is joined by geometry; a few paragraphs may still differ there
    assert _share(ref_paras, paras) >= (85.0 if path.suffix == ".pdf" else 100.0)


@pytest.mark.parametrize("path", renditions(), ids=lambda p: p.name)
def test_every_cell_traces_to_its_line(path):
    _needs_soffice(path)
    doc = read_file(path, path.read_bytes())
    lines = {ln.no: ln.text for ln in doc.lines}
    assert [ln.no for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    for block in doc.blocks:
        for cell in block.cells:
            for no, text in cell.fragments:
                assert text in lines[no]
        if block.kind == "paragraph":
            assert block.text.startswith(lines[block.line_start])
    if path.suffix == ".pdf":
        assert all(ln.page for ln in doc.lines) and doc.page_count


def test_the_pdf_with_broken_tables_gives_the_word_indicator_count():
    pdf = ORIGINALS / "004_995e3283fa3a721f.pdf"
    if not pdf.exists():
        pytest.skip("004 PDF rendition absent")
    counts = [sum(len(f.indicators) for f in parse_path(p).forms) for p in (pdf, pdf.with_suffix(".docx"))]
    assert counts[0] == counts[1]


def test_the_scanned_pdf_fails_with_its_reason():
    scanned = next(ORIGINALS.glob("*.scanned.pdf"), None)
    if scanned is None:
        pytest.skip("scanned PDF rendition absent")
    with pytest.raises(ReadError, match="^scanned PDF: no text layer$"):
        read_file(scanned, scanned.read_bytes())

"""The rows that print a text a question says yes to (``rows_where``) are the rows a scan of every cell finds,
and the vocabulary asks each distinct text once over a corpus (``Vocabulary.texts_where``)."""

from __future__ import annotations

import pytest

from loaders.extract.common import _cell_labels, rows_where
from loaders.readers import read_file
from loaders.vocabulary import Vocabulary, load_vocabulary
from tests.conftest import SAMPLES, SHARED

REAL = SHARED / "real" / "docs"
FILES = sorted(SAMPLES.iterdir()) + (sorted(REAL.iterdir()) if REAL.is_dir() else [])


def _scanned(doc, test) -> set[int]:
    return {i for i, b in enumerate(doc.blocks) if b.kind == "row" and any(test(c.text) for c in b.cells)}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_where_finds_the_rows_a_scan_finds(path):
    vocab = load_vocabulary()
    doc = read_file(path, path.read_bytes())
    doc.freeze()
    questions = {
        "labels": lambda text: _cell_labels(vocab, text),
        "figure": lambda text: text.replace(".", "", 1).isdigit(),
        "nothing": lambda text: False,
    }
    for name, test in questions.items():
        # asked twice: the second answer comes from what the vocabulary kept of the first
        for _ in range(2):
            assert set(rows_where(doc, vocab, f"test:{name}", test)) == _scanned(doc, test), name


def test_each_text_is_asked_once_over_documents():
    vocab = Vocabulary([{"context": "c", "label": "项目名称", "field_key": "project_name", "standard_label": "项目名称"}])
    asked: list[str] = []

    def test(text: str) -> bool:
        asked.append(text)
        return text.startswith("项目")

    assert vocab.texts_where("q", test, {"项目名称", "100", "项目资金"}) == {"项目名称", "项目资金"}
    assert vocab.texts_where("q", test, {"项目名称", "200"}) == {"项目名称"}
    assert sorted(asked) == sorted(["项目名称", "100", "项目资金", "200"])
    # another question keeps its own answers
    assert vocab.texts_where("other", lambda text: text == "100", {"100", "项目名称"}) == {"100"}


def test_a_vocabulary_forgets_its_answers_past_the_bound(monkeypatch):
    import loaders.vocabulary as vocabulary

    monkeypatch.setattr(vocabulary, "_LOOKUP_MEMO", 3)
    vocab = Vocabulary([])
    asked: list[str] = []
    for texts in ({"a", "b"}, {"c", "d"}, {"a", "e"}):
        assert vocab.texts_where("q", lambda t: asked.append(t) or t in "ae", texts) == texts & {"a", "e"}
    # past 3 texts kept, the answers were dropped: the third document's texts were asked again, and are all it keeps
    assert asked.count("a") == 2
    assert sum(len(s) for s in vocab._answers["q"]) == 2

"""The labels noted on each row (``mark_labels``) are a shortcut for asking its cells, never another answer."""

from __future__ import annotations

import copy

import pytest

from loaders.extract.common import header_columns, mark_labels, row_has_label
from loaders.extract.labelled_form import _keys
from loaders.readers import read_file
from loaders.vocabulary import load_vocabulary
from tests.conftest import SAMPLES, SHARED

REAL = SHARED / "real" / "docs"
FILES = sorted(SAMPLES.iterdir()) + (sorted(REAL.iterdir()) if REAL.is_dir() else [])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rows_with_labels_noted_answer_as_their_cells_do(path):
    vocab = load_vocabulary()
    doc = read_file(path, path.read_bytes())
    doc.freeze()
    asked = copy.deepcopy(doc.blocks)  # the same rows, their labels not noted: asked cell by cell
    mark_labels(doc, vocab)
    contexts = sorted(vocab._by_context)
    keys = sorted({(context, key) for context in contexts for key, _ in vocab._by_context[context].values()})
    rows = [(noted, plain) for noted, plain in zip(doc.blocks, asked, strict=True) if noted.kind == "row"]
    if not rows:
        pytest.skip("a report in prose: no table rows")
    assert all(noted.labels is not None and plain.labels is None for noted, plain in rows)
    for noted, plain in rows:
        for context in contexts:
            assert row_has_label(noted, vocab, context) == row_has_label(plain, vocab, context)
            assert header_columns(noted, vocab, context) == header_columns(plain, vocab, context)
        for context, key in keys:
            assert row_has_label(noted, vocab, context, key) == row_has_label(plain, vocab, context, key)
        assert _keys(noted, vocab) == _keys(plain, vocab)


def test_a_project_forms_rows_note_its_labels():
    vocab = load_vocabulary()
    path = next(SAMPLES.glob("004*"))
    doc = read_file(path, path.read_bytes())
    doc.freeze()
    mark_labels(doc, vocab)
    named = [b for b in doc.blocks if b.kind == "row" and ("project_header", "project_name") in b.labels]
    assert len(named) > 1  # the sample prints many project forms, each opened by a 项目名称 row
    assert all("project_header" in b.label_contexts for b in named)
    assert any(b.labels == frozenset() for b in doc.blocks if b.kind == "row")  # rows of figures print no label

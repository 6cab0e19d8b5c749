"""Bad input through the real command: each file gets a one-line reason and a recorded status, the rest load.

One `jixiao run` over a folder of awkward files (empty, binary, GBK, cut off, duplicated, not a performance
document) next to a good one; exit status 3 (published, some documents failed), no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, sample

POEM = "静夜思\n床前明月光，\n疑是地上霜。\n举头望明月，\n低头思故乡。\n"
UNRELATED_CSV = "station,date,rain_mm\n长沙,2021-06-01,12.5\n株洲,2021-06-01,8.0\n"


def _cut_inside_a_character(data: bytes) -> bytes:
    """The first half of a UTF-8 file, cut inside a multi-byte character (an interrupted download)."""
    pos = len(data) // 2
    while not 0x80 <= data[pos] <= 0xBF:  # a continuation byte: cutting before it leaves a character unfinished
        pos += 1
    return data[:pos]


def _files() -> dict[str, bytes]:
    form = sample("002").read_bytes()
    text = form.decode("utf-8").replace("☑", "√")  # ☑ has no GBK code; √ is the usual GBK stand-in
    return {
        "form.txt": form,
        "form_copy.txt": form,
        "empty.txt": b"",
        "garbage.bin": bytes((i * 7919 + 13) % 256 for i in range(4096)),
        "gbk.txt": text.encode("gbk"),
        "truncated.txt": _cut_inside_a_character(form),
        "poem.txt": POEM.encode("utf-8"),
        "rainfall.csv": UNRELATED_CSV.encode("utf-8"),
    }


# file → (status in landing.document_versions, words of the reason)
EXPECTED = {
    "form.txt": ("ok", None),
    "gbk.txt": ("ok", None),
    "form_copy.txt": ("duplicate", "same content as form.txt"),
    "empty.txt": ("failed", "empty file"),
    "garbage.bin": ("failed", "binary content"),
    "truncated.txt": ("partial", "truncated"),
    "poem.txt": ("failed", "no performance form recognised"),
    "rainfall.csv": ("failed", "no performance form recognised"),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    docs = tmp_path_factory.mktemp("bad_input")
    for name, data in _files().items():
        (docs / name).write_bytes(data)
    warehouse = tmp_path_factory.mktemp("bad_warehouse") / "jixiao.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80"}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("jixiao")), "run", "--documents", str(docs), "--warehouse", str(warehouse)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sql = "select relative_path, file_status, reason, document_id from landing.document_versions"
        files = {r[0]: r[1:] for r in con.execute(sql).fetchall()}
        documents = {r[0]: r[1:] for r in con.execute("select document_id, status, error_text from landing.documents").fetchall()}
        forms = dict(con.execute("select document_id, count(*) from landing.forms group by all").fetchall())
    finally:
        con.close()
    return proc, files, documents, forms


def test_published_with_exit_status_3_and_no_traceback(run):
    proc, *_ = run
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


def test_every_input_file_has_a_row_with_its_status(run):
    _, files, documents, _ = run
    assert {name: status for name, (status, *_) in files.items()} == {n: s for n, (s, _) in EXPECTED.items()}
    # every file's content has its document row (a duplicate points at the first copy's)
    assert all(doc_id in documents for _, _, doc_id in files.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reason_is_recorded_and_printed_on_one_line(run, name):
    proc, files, documents, _ = run
    status, words = EXPECTED[name]
    _, reason, doc_id = files[name]
    if words is None:
        assert reason is None
        return
    assert words in reason
    if status != "duplicate":
        assert documents[doc_id] == (status, reason)
    printed = [ln for ln in (proc.stdout + proc.stderr).splitlines() if f"{status} {name}:" in ln]
    assert len(printed) == 1 and words in printed[0], proc.stderr


def test_good_content_loads_beside_the_bad(run):
    _, files, _, forms = run
    whole = forms[files["form.txt"][2]]
    assert whole > 0
    assert forms[files["gbk.txt"][2]] == whole  # the same forms, read from GBK
    assert 0 < forms[files["truncated.txt"][2]] < whole  # the forms before the cut

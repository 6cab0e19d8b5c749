"""Readers on files built here (python-docx, openpyxl, LibreOffice): layouts and failures the samples lack."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml import parse_xml

from loaders.errors import ReadError
from loaders.extract import parse_document
from loaders.readers import detect, office, read_file
from loaders.readers.office import convert, soffice
from loaders.textnorm import compact

needs_soffice = pytest.mark.skipif(not soffice(), reason="LibreOffice (soffice) is not installed; `make setup` installs it")


def _docx_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xlsx_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows(doc) -> list[list[str]]:
    return [b.texts for b in doc.blocks if b.kind == "row"]


def _paragraphs(doc) -> list[str]:
    return [b.text for b in doc.blocks if b.kind == "paragraph"]


# ------------------------------------------------------------------ .docx


def _merged_form():
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "页眉：某某区财政局"
    doc.add_paragraph("2021年测试项目绩效目标表")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "项目名称"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "测试项目"
    table.cell(1, 0).merge(table.cell(3, 0)).text = "产出指标"
    for r, (level2, name, value) in enumerate(
        [("数量指标", "救助人数", "100人"), ("质量指标", "覆盖率", "100%"), ("时效指标", "完成时间", "年底")], 1
    ):
        table.cell(r, 1).text, table.cell(r, 2).text, table.cell(r, 3).text = level2, name, value
    inner = table.cell(3, 3).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "内表左", "内表右"
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml">'
        "<w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>文本框里的说明</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    doc.add_paragraph("正文段落")._p.append(box)
    return doc


def test_docx_merges_nested_tables_text_boxes_and_headers():
    doc = read_file(Path("form.docx"), _docx_bytes(_merged_form()))
    rows = [b for b in doc.blocks if b.kind == "row"]
    # a horizontal merge is one cell with its span; a vertical merge keeps its text in the first row
    assert [(c.text, c.col, c.colspan) for c in rows[0].cells] == [("项目名称", 0, 2), ("测试项目", 2, 2)]
    assert (rows[1].cells[0].text, rows[1].cells[0].rowspan) == ("产出指标", 3)
    assert [c.text for c in rows[2].cells] == ["", "质量指标", "覆盖率", "100%"]
    # the nested table follows its outer row as a table of its own
    assert [c.text for c in rows[4].cells] == ["内表左", "内表右"] and rows[4].table != rows[3].table
    assert "文本框里的说明" in _paragraphs(doc)
    # the page header is kept as a line, not as content
    assert "页眉：某某区财政局" in [ln.text for ln in doc.lines]
    assert "页眉：某某区财政局" not in _paragraphs(doc)
    assert len({r.table for r in rows[:4]}) == 1


def test_traditional_characters_are_recognised_and_kept_as_printed():
    doc = Document()
    doc.add_paragraph("2021年城鄉醫療救助項目績效目標表")
    table = doc.add_table(rows=2, cols=4)
    for c, text in enumerate(["項目名稱", "城鄉醫療救助", "項目單位", "天心區醫保"]):
        table.cell(0, c).text = text
    for c, text in enumerate(["項目資金總額及構成", "總額：900萬元", "", ""]):
        table.cell(1, c).text = text
    parsed = parse_document(read_file(Path("t.docx"), _docx_bytes(doc)))
    assert [f.subject_name for f in parsed.forms] == ["城鄉醫療救助"]


# ------------------------------------------------------------------ spreadsheets


def _workbook():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目表"
    ws.append(["2021年项目绩效目标表"])
    ws.merge_cells("A1:D1")
    ws.append(["项目名称", "测试项目", "开始时间", dt.datetime(2013, 10, 1)])
    ws.append(["财政拨款", 0.1 + 0.2, "自有资金", 2926.7])
    ws.append(["其他", 1.5, "资金总额", "=SUM(B3,B4)"])
    ws.append(["旧数据", "不应读入", "", ""])
    ws.row_dimensions[5].hidden = True
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "人数", "100人"])
    ws.merge_cells("A7:A8")
    ws.append([None, "质量指标", "覆盖率", "100%"])
    hidden = wb.create_sheet("旧版")
    hidden.append(["项目名称", "旧项目"])
    hidden.sheet_state = "hidden"
    return wb


def test_xlsx_sheets_merges_numbers_dates_hidden_rows_and_sheets():
    doc = read_file(Path("book.xlsx"), _xlsx_bytes(_workbook()))
    assert _paragraphs(doc) == ["2021年项目绩效目标表"]
    rows = _rows(doc)
    assert rows[0] == ["项目名称", "测试项目", "开始时间", "2013/10/1"]
    # a binary float artefact never reaches the warehouse: 0.1 + 0.2 is read as 0.3
    assert rows[1] == ["财政拨款", "0.3", "自有资金", "2926.7"]
    assert ["产出指标", "数量指标", "人数", "100人"] in rows and ["", "质量指标", "覆盖率", "100%"] in rows
    texts = [ln.text for ln in doc.lines]
    assert not any("不应读入" in r for row in rows for r in row)
    assert any(t.startswith("hidden row (not read)") and "不应读入" in t for t in texts)
    assert "hidden sheet (not read): 旧版" in texts and "旧项目" not in str(rows)
    assert {ln.page for ln in doc.lines} == {1, 2}


@needs_soffice
def test_formula_totals_are_read_as_cached_values_with_the_formula_as_evidence():
    data = convert(_xlsx_bytes(_workbook()), ".xlsx", "xlsx")  # LibreOffice computes and caches the formula
    doc = read_file(Path("book.xlsx"), data)
    row = next(r for r in _rows(doc) if r[0] == "其他")
    assert row == ["其他", "1.5", "资金总额", "1.8"]
    evidence = [ln for ln in doc.lines if ln.text.startswith("formula D4 =SUM(B3,B4)")]
    assert evidence and "cached value 1.8" in evidence[0].text


@needs_soffice
def test_legacy_xls_is_read_like_its_xlsx():
    xlsx = _xlsx_bytes(_workbook())
    xls = convert(xlsx, ".xlsx", "xls")
    assert detect(Path("book.xls"), xls) == "xls"
    assert _rows(read_file(Path("book.xls"), xls))[:2] == _rows(read_file(Path("book.xlsx"), xlsx))[:2]


# ------------------------------------------------------------------ PDF (made from .docx by LibreOffice)


@needs_soffice
def test_pdf_table_without_ruling_lines_is_found_by_alignment():
    # Latin text: the PDF must not depend on the CJK fonts installed where LibreOffice runs
    doc = Document()
    doc.add_paragraph("A table without ruling lines")
    table = doc.add_table(rows=4, cols=3)  # the default table style draws no borders
    data = [
        ["Indicator", "Target", "Actual"],
        ["People", "1800", "1900"],
        ["Coverage", "95%", "98%"],
        ["Satisfaction", "90%", "92%"],
    ]
    for r, row in enumerate(data):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    read = read_file(Path("t.pdf"), convert(_docx_bytes(doc), ".docx", "pdf"))
    assert [[compact(t) for t in r] for r in _rows(read)] == data


@needs_soffice
def test_a_row_broken_by_a_page_break_is_joined_back():
    doc = Document()
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for i in range(36):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = f"row{i}", "short"
    long_text = "".join(f"Sentence{i} fills the cell line by line. " for i in range(70))
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "long", long_text
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "last", "end"
    read = read_file(Path("t.pdf"), convert(_docx_bytes(doc), ".docx", "pdf"))
    rows = [b for b in read.blocks if b.kind == "row"]
    long_row = next(b for b in rows if b.cells[0].text == "long")
    assert compact(long_row.cells[1].text) == compact(long_text)
    pages = {read.lines[no - 1].page for no, _ in long_row.cells[1].fragments}
    assert len(pages) >= 2  # its fragments keep their own pages
    assert [b.cells[0].text for b in rows][-2:] == ["long", "last"]
    assert len({b.table for b in rows}) == 1  # the table continued on the next page is one table


@needs_soffice
def test_a_docx_that_is_really_a_doc_is_read_by_content():
    data = convert(_docx_bytes(_merged_form()), ".docx", "doc")
    doc = read_file(Path("renamed.docx"), data)
    assert doc.file_format == "doc"
    assert ["项目名称", "测试项目"] == [c.text for c in doc.blocks[1].cells]


def test_a_missing_soffice_is_a_one_line_hint(monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "WordDocument".encode("utf-16-le")
    with pytest.raises(ReadError, match="apt-get install libreoffice-writer-nogui"):
        read_file(Path("old.doc"), ole)


def test_a_pdf_without_text_layer_fails_as_scanned():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    with pytest.raises(ReadError, match="^scanned PDF: no text layer$"):
        read_file(Path("scan.pdf"), buf.getvalue())


# ------------------------------------------------------------------ web pages

_PAGE = """<html><head><meta charset="utf-8"><title>t</title><script>var x = "项目名称";</script></head><body>
<nav><a href="/">首页</a> <a href="/news">新闻</a></nav>
<div class="menu-top"><ul><li><a href="/a">政务公开</a></li></ul></div>
<h2>2021年项目绩效目标表</h2>
<table border="1">
<tr><td colspan="2">项目名称</td><td>测试项目</td></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>100人</td></tr>
<tr><td>质量指标</td><td>100%</td></tr>
</table>
<footer>版权所有 某某区财政局</footer>
</body></html>"""


def test_html_spans_and_site_furniture():
    doc = read_file(Path("page.xls"), _PAGE.encode())  # a ".xls" that is really a web page
    assert doc.file_format == "html"
    assert _rows(doc) == [["项目名称", "测试项目"], ["产出指标", "数量指标", "100人"], ["", "质量指标", "100%"]]
    assert _paragraphs(doc) == ["2021年项目绩效目标表"]
    lines = [ln.text for ln in doc.lines]
    assert "版权所有 某某区财政局" in lines and any("首页" in t for t in lines)  # kept, but not as content


# ------------------------------------------------------------------ bad input: one line, the run goes on


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of ``members`` whose bytes do not depend on when it was made (a member's time is in its header): the
    test parameters made of them are the same in every pytest-xdist worker, which collects them separately."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buf.getvalue()


# a bad file of each kind, the file name its test's id (its bytes are no name)
BAD_FILES = [
    ("cut.docx", _zip({"word/document.xml": b"<w:document/>" * 50})[:60], "corrupt zip container"),
    ("broken.docx", _zip({"word/document.xml": b"<w:document><w:body>"}), "corrupt .docx"),
    ("other.docx", _zip({"readme.txt": b"hello"}), "neither a Word nor an Excel document"),
    ("bomb.xlsx", _zip({"xl/workbook.xml": b"<x/>", "xl/big.xml": b"\0" * 40_000_000}), "zip bomb suspected"),
    ("bad.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "PDF"),
    (
        "secret.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptionInfo".encode("utf-16-le"),
        "password-protected",
    ),
    ("bad.xlsx", _zip({"xl/workbook.xml": b"<workbook>"}), "workbook"),
]


@pytest.mark.parametrize(("name", "data", "message"), [pytest.param(*case, id=case[0]) for case in BAD_FILES])
def test_bad_files_fail_with_one_line(name, data, message):
    with pytest.raises(ReadError, match=message) as info:
        read_file(Path(name), data)
    assert "\n" not in str(info.value)


def test_read_documents_are_picklable_for_worker_processes():
    doc = read_file(Path("form.docx"), _docx_bytes(_merged_form()))
    again = pickle.loads(pickle.dumps(doc))
    assert _rows(again) == _rows(doc)


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (0.1 + 0.2, "0.3"),
        (2926.7, "2926.7"),
        (90.0, "90"),
        (1e-7, "0.0000001"),
        (-0.0, "0"),
        (1234567.125, "1234567.125"),
        (7, "7"),
    ],
)
def test_numbers_print_as_exact_decimals(value, printed):
    from loaders.readers.spreadsheet import number_text

    assert number_text(value) == printed

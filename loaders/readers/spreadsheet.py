"""Read spreadsheets (.xlsx, .xls, .et) with python-calamine; the .xlsx XML is scanned for what calamine hides.

calamine (Rust) reads cached values, merged ranges and sheet visibility of both .xlsx and BIFF .xls about
ten times faster than openpyxl. For .xlsx the sheet XML is scanned once more for the formulas behind
cached values and for hidden rows. Each visible sheet is read in order; its number is the ``page`` of
its lines. A horizontal merge becomes one cell with ``colspan``; a vertical merge keeps its text in the
first row and leaves the covered cells empty, as the .docx reader does. A row whose only text is merged
across the sheet (a title, 单位：万元) is a paragraph. Hidden sheets and rows, and formulas, are kept as
lines of their own (evidence in ``landing.source_lines``) but never as blocks, so they are not read as
current data. Numbers become exact decimals at Excel's 15 significant digits, so a binary artefact such
as 0.30000000000000004 prints as 0.3; dates print as yyyy/m/d.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from loaders.errors import ReadError
from loaders.model import ReadDocument
from loaders.readers.builder import DocumentBuilder, RawCell, flat
from loaders.readers.container import open_zip, read_member


def number_text(value: float | int) -> str:
    """A float as the exact decimal Excel shows (15 significant digits), never in exponent form."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    d = Decimal(format(value, ".15g"))
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        base = f"{value.year}/{value.month}/{value.day}"
        return base if value.time() == dt.time() else f"{base} {value:%H:%M:%S}"
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.timedelta):
        return str(value)
    return number_text(value)


# ------------------------------------------------------------------ .xlsx extras from the XML

_REL = re.compile(
    rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"|<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"'
)
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"')
_ROW_HIDDEN = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
# The cell and formula tags of a sheet, found token by token: a cell's formula is the <f> between its
# <c ...> and its </c>. One pass, linear in the XML (a lazy "anything up to <f" regex was quadratic on a
# sheet of empty self-closing cells).
_CELL_TOKEN = re.compile(rb"<(?:\w+:)?([cf])\b([^>]*)>|</(?:\w+:)?c>")
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
# calamine allocates the whole rectangle from A1 to the last cell a sheet declares or uses; a sheet whose
# rectangle is larger is refused before it is read (a form sheet has a few thousand cells)
MAX_SHEET_CELLS = 2_000_000


def _unescape(b: bytes) -> str:
    return b.decode("utf-8", "replace").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def xlsx_extras(data: bytes) -> dict[str, tuple[set[int], dict[tuple[int, int], str]]]:
    """Per sheet name: hidden rows (0-based) and formulas by (row, col), 0-based."""
    zf = open_zip(data)
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise ReadError("not a spreadsheet: xl/workbook.xml missing")
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for m in _REL.finditer(read_member(zf, "xl/_rels/workbook.xml.rels")):
            rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            target = target.decode()
            rels[rid.decode()] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in _SHEET.finditer(read_member(zf, "xl/workbook.xml")):
        path = rels.get(m.group(2).decode())
        if not path or path not in names:
            continue
        xml = read_member(zf, path)
        name = _unescape(m.group(1))
        hidden = {int(r) - 1 for r in _ROW_HIDDEN.findall(xml)}
        formulas, rows, cols = _scan_cells(xml)
        dim = _DIMENSION.search(xml)
        if dim:
            last_col, last_row = (dim.group(3), dim.group(4)) if dim.group(3) else (dim.group(1), dim.group(2))
            rows, cols = max(rows, int(last_row)), max(cols, _col_index(last_col) + 1)
        if rows * cols > MAX_SHEET_CELLS:
            raise ReadError(f"sheet {name} too large: it spans {rows:,} rows × {cols:,} columns (over {MAX_SHEET_CELLS:,} cells)")
        out[name] = (hidden, formulas)
    return out


def _scan_cells(xml: bytes) -> tuple[dict[tuple[int, int], str], int, int]:
    """Formulas by (row, col), 0-based, and the rows and columns the cells reach, in one pass."""
    formulas: dict[tuple[int, int], str] = {}
    rows = cols = 0
    cell: tuple[int, int] | None = None  # the open (not self-closing) cell
    for m in _CELL_TOKEN.finditer(xml):
        kind, attrs = m.group(1), m.group(2)
        if kind == b"c":
            ref = _REF.search(attrs)
            cell = None
            if ref:
                row, col = int(ref.group(2)) - 1, _col_index(ref.group(1))
                rows, cols = max(rows, row + 1), max(cols, col + 1)
                if not attrs.endswith(b"/"):
                    cell = (row, col)
        elif kind == b"f":
            if cell is not None:
                if attrs.endswith(b"/"):
                    formulas[cell] = "(shared formula)"
                else:
                    end = xml.find(b"<", m.end())
                    text = xml[m.end() : end if end >= 0 else len(xml)]
                    formulas[cell] = "=" + _unescape(text) if text else "(shared formula)"
                cell = None
        else:
            cell = None
    return formulas, rows, cols


# ------------------------------------------------------------------ grid → blocks


def _sheet_rows(builder: DocumentBuilder, grid: list[list], merges, page: int, extras) -> None:
    hidden_rows, formulas = extras
    width = max((len(r) for r in grid), default=0)
    covered: dict[tuple[int, int], str] = {}  # (row, col) -> "h" (dropped) or "v" (kept empty)
    anchors: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in merges:
        anchors[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = "h" if c > c0 else "v"
    table = builder.new_table()
    in_table = False
    for r, values in enumerate(grid):
        texts = [flat(cell_text(v)) for v in values]
        if r in hidden_rows:
            if any(texts):
                builder.line("hidden row (not read): " + "\t".join(texts).strip("\t"), page)
            continue
        cells: list[RawCell] = []
        for c, text in enumerate(texts):
            if covered.get((r, c)) == "h":
                continue
            rowspan, colspan = anchors.get((r, c), (1, 1))
            cells.append(RawCell(text, c, rowspan, colspan))
        filled = [c for c in cells if c.text]
        if not filled:
            if in_table and not any((r, c) in covered for c in range(width)):
                in_table = False  # a blank row ends a table
                table = builder.new_table()
            continue
        if len(filled) == 1 and not in_table:
            builder.paragraph(filled[0].text, page)
            if in_table:
                in_table = False
                table = builder.new_table()
            continue
        in_table = True
        block = builder.row(cells, page=page, table=table)
        for cell in block.cells:
            formula = formulas.get((r, cell.col))
            if formula:
                builder.line(
                    f"formula {_ref(r, cell.col)} {formula} read as its cached value {cell.text} (line {block.line_start})", page
                )


def _ref(r: int, c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def read_spreadsheet(data: bytes, file_format: str) -> ReadDocument:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    extras = xlsx_extras(data) if file_format == "xlsx" else {}
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for corrupt or encrypted workbooks
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "password" in message.lower() or "encrypt" in message.lower():
            raise ReadError("password-protected spreadsheet") from None
        raise ReadError(f"corrupt {file_format} workbook: {message[:120]}") from None
    builder = DocumentBuilder(file_format)
    page = 0
    for meta in wb.sheets_metadata:
        page += 1
        if meta.visible != SheetVisibleEnum.Visible:
            builder.line(f"hidden sheet (not read): {meta.name}", page)
            builder.notes.append(f"hidden sheet not read as current data: {meta.name}")
            continue
        try:
            sheet = wb.get_sheet_by_name(meta.name)
            grid = sheet.to_python(skip_empty_area=False)
            merges = sheet.merged_cell_ranges or []
        except Exception as exc:  # a chart sheet or a damaged sheet must not stop the others
            builder.notes.append(f"sheet {meta.name} not read: {str(exc)[:80]}")
            continue
        first = len(builder.lines) + 1
        _sheet_rows(builder, grid, merges, page, extras.get(meta.name, (set(), {})))
        if len(builder.lines) >= first:
            builder.notes.append(f"sheet {page} {meta.name}: lines {first}-{len(builder.lines)}")
        if extras.get(meta.name, (set(),))[0]:
            builder.notes.append(f"hidden rows not read as current data in sheet {meta.name}")
    if not builder.blocks:
        raise ReadError("empty workbook: no visible cell holds text")
    return builder.build(page_count=page)

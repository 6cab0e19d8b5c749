"""Hostile inputs built in the tests themselves: small files that used to take a reader unbounded time or
memory. Each builder returns the file's bytes."""

from __future__ import annotations

import io
import zipfile


def pdf_doubling_xobjects(depth: int = 40) -> bytes:
    """A one-page PDF whose page draws form XObject X0, which draws X1 twice, … : 2**depth drawings of a
    glyph from a file of a few KB."""
    objects: list[bytes] = []
    # 1 catalog, 2 pages, 3 page, 4 font, 5 page content, 6.. the forms
    forms = list(range(6, 6 + depth + 1))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
    objects.append(
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /XObject << /X0 6 0 R >> /Font << /F1 4 0 R >> >> >>"
    )
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    content = b"BT /F1 12 Tf 72 720 Td (start) Tj ET /X0 Do"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    for level in range(len(forms)):
        if level < depth:
            body = b"q 1 0 0 1 0 1 cm /X Do Q q 1 0 0 1 1 0 cm /X Do Q"
            resources = b"<< /XObject << /X %d 0 R >> /Font << /F1 4 0 R >> >>" % forms[level + 1]
        else:
            body = b"BT /F1 1 Tf 0 0 Td (x) Tj ET"
            resources = b"<< /Font << /F1 4 0 R >> >>"
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %s /Length %d >>\nstream\n%s\nendstream"
            % (resources, len(body), body)
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(sheet_xml: str) -> bytes:
    """A minimal one-sheet .xlsx around the given sheet XML."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buf.getvalue()


def sheet(cells: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{cells}</sheetData></worksheet>'

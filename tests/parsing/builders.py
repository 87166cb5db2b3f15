"""Build small documents of each format in memory for the parser tests."""

from __future__ import annotations

import io


def make_pdf(lines: list[str] | None, *, encrypt: bool = False, pages: int = 1) -> bytes:
    """A minimal PDF with a real text layer (CJK via the predefined UniGB-UCS2-H CMap).

    ``lines=None`` gives a page with no text at all (like a scanned image).
    ``encrypt=True`` adds a Standard security handler whose user password is not empty.
    """
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [ << /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> >> ] >>"
    )
    page_ids = []
    pages_id = len(objects) + 1 + 2 * pages  # placeholder id computed below
    for page_no in range(pages):
        if lines is None:
            stream = b""
        else:
            chunk = lines if pages == 1 else lines[page_no::pages]
            parts = [b"BT /F1 12 Tf 50 780 Td 14 TL"]
            for line in chunk:
                parts.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
            parts.append(b"ET")
            stream = b"\n".join(parts)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_id, font, content)
            )
        )
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    encrypt_id = None
    if encrypt:
        encrypt_id = add(
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
            b"/O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> >>"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for idx, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % idx + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if encrypt_id:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (encrypt_id, b"ab" * 16, b"ab" * 16)
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def make_docx(
    paragraphs: list[str], table: list[list[str]] | None = None, merge: list | None = None
) -> bytes:
    """A .docx with paragraphs, then optionally a table; ``merge`` lists ((r1, c1), (r2, c2)) ranges."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        t = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if value is not None:
                    t.cell(r, c).text = value
        for (r1, c1), (r2, c2) in merge or []:
            keep = t.cell(r1, c1).text
            merged = t.cell(r1, c1).merge(t.cell(r2, c2))
            merged.text = keep
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(rows: list[list[object]], merges: list[str] | None = None, title: str = "Sheet1") -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for rng in merges or []:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_docx_parts(parts: list, merges: dict[int, list] | None = None) -> bytes:
    """A .docx of paragraphs (str) and tables (lists of rows) in order; ``merges`` maps a table's
    index among the tables to its ((r1, c1), (r2, c2)) merged ranges."""
    import docx

    document = docx.Document()
    tables = 0
    for part in parts:
        if isinstance(part, str):
            document.add_paragraph(part)
            continue
        t = document.add_table(rows=len(part), cols=len(part[0]))
        for r, row in enumerate(part):
            for c, value in enumerate(row):
                if value is not None:
                    t.cell(r, c).text = value
        for (r1, c1), (r2, c2) in (merges or {}).get(tables, []):
            keep = t.cell(r1, c1).text
            t.cell(r1, c1).merge(t.cell(r2, c2)).text = keep
        tables += 1
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx_sheets(sheets: list[tuple[str, list[list[object]], list[str]]]) -> bytes:
    """A workbook of several sheets: (title, rows, merged ranges) each."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, merges in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for rng in merges:
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

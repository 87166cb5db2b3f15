"""Bytes -> lines and tables, per format. The type is decided by content, not by name."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile

from .model import ParseError, RawDocument, TableBlock

TEXT_EXTS = {".txt", ".md", ".markdown", ".text", ".csv", ".tsv", ""}
KNOWN_EXTS = TEXT_EXTS | {".docx", ".pdf", ".xlsx", ".xlsm"}
_TYPE_NAMES = {
    "pdf": "PDF 文件",
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "text": "文本文件",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "bmp": "BMP 图片",
    "tiff": "TIFF 图片",
    "webp": "WebP 图片",
    "ole": "旧版 Office 文件（.doc/.xls/.wps）",
    "ole-encrypted": "加密的 Office 文件",
    "zip": "ZIP 压缩包",
    "rtf": "RTF 文档",
    "gzip": "GZIP 压缩包",
    "rar": "RAR 压缩包",
    "7z": "7z 压缩包",
    "binary": "二进制文件",
}
_EXT_TYPES = {".pdf": "pdf", ".docx": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx"}


def extension(filename: str) -> str:
    name = (filename or "").strip().lower()
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") and dot >= 0 else ""


def sniff(data: bytes) -> str:
    """Identify the container format from magic bytes."""
    head = data[:2048]
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Password-protected .docx/.xlsx are OLE containers holding an EncryptionInfo stream.
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            return "ole-encrypted"
        return "ole"
    for magic, kind in (
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"BM", "bmp"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"{\\rtf", "rtf"),
        (b"\x1f\x8b", "gzip"),
        (b"Rar!\x1a\x07", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
    ):
        # "BM" also starts plain text ("BMI指数…"); a real bitmap header holds NUL bytes (sizes, offsets).
        if kind == "bmp" and b"\x00" not in head[2:26]:
            continue
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return "text"


# --- text ---------------------------------------------------------------------------------


def _looks_binary(data: bytes) -> bool:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 50)


def _gb2312_share(text: str) -> float:
    """Share of CJK characters that are common (GB2312 level 1): wrong decodings score low."""
    cjk = common = 0
    for ch in text[:20000]:
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            try:
                enc = ch.encode("gb2312")
            except UnicodeEncodeError:
                continue
            if 0xB0 <= enc[0] <= 0xD7:
                common += 1
    return common / cjk if cjk else 1.0


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes: UTF-8 (BOM or not), UTF-16 with BOM, GB18030/GBK; never silently wrong."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), warnings
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), warnings
    try:
        # Valid UTF-8 is text even with stray control characters (they are cleaned later);
        # random binary data is practically never valid UTF-8.
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(data):
            warnings.append("文本中含有大量控制字符，已忽略。")
        return text, warnings
    if _looks_binary(data):
        raise ParseError("文件内容是二进制数据，不是可读取的文本，请上传 .txt、.docx、.pdf 或 .xlsx 文件。")
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_gb2312_share(text) if enc == "gb18030" else 0.0, enc, text))
    if candidates and candidates[0][1] == "gb18030" and candidates[0][0] >= 0.6:
        return candidates[0][2], warnings
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:
        best = None
    if best is not None and best.encoding:
        text = str(best)
        warnings.append(f"文本编码无法确定，已按 {best.encoding} 解码，请核对文字是否正确。")
        return text, warnings
    if candidates:
        warnings.append(f"文本编码无法确定，已按 {candidates[0][1].upper()} 解码，请核对文字是否正确。")
        return candidates[0][2], warnings
    warnings.append("文本编码无法识别，部分字符已替换为 �，请以 UTF-8 或 GB18030 编码重新保存。")
    return data.decode("utf-8", errors="replace"), warnings


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_text(data: bytes, ext: str) -> RawDocument:
    text, warnings = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _CONTROL.sub(" ", text)
    if ext in (".csv", ".tsv"):
        delimiter = "\t" if ext == ".tsv" else ","
        rows = [
            row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in row)
        ]
        return RawDocument([TableBlock(rows)], "text", warnings)
    return RawDocument(_split_pipe_tables(text.split("\n")), "text", warnings)


def _split_pipe_tables(lines: list[str]) -> list:
    """Markdown pipe tables become TableBlocks; everything else stays a line."""
    blocks: list = []
    i = 0
    while i < len(lines):
        if _PIPE_ROW.match(lines[i]) and i + 1 < len(lines) and _PIPE_RULE.match(lines[i + 1]):
            rows = [_pipe_cells(lines[i])]
            i += 2
            while i < len(lines) and _PIPE_ROW.match(lines[i]):
                rows.append(_pipe_cells(lines[i]))
                i += 1
            blocks.append(TableBlock(rows))
            continue
        blocks.append(lines[i])
        i += 1
    return blocks


def _pipe_cells(line: str) -> list[str]:
    return [c.strip().replace("<br>", "\n") for c in line.strip().strip("|").split("|")]


# --- docx ---------------------------------------------------------------------------------


def read_docx(data: bytes) -> RawDocument:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ParseError("Word 文档已损坏或格式不正确，无法打开。") from exc
    blocks: list = []
    try:
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.extend(item.text.split("\n"))
                blocks.append("")
            elif isinstance(item, Table):
                blocks.append(_docx_table(item))
    except Exception as exc:
        raise ParseError("Word 文档内容结构异常，无法读取。") from exc
    return RawDocument(blocks, "docx")


def _docx_table(table) -> TableBlock:
    rows: list[list[str]] = []
    for row in table.rows:
        try:
            # python-docx repeats the cell object for horizontally and vertically merged
            # cells, which is how a reader sees them; a row starting later than the first
            # grid column (w:gridBefore) is shifted back under its headers.
            cells = [""] * row.grid_cols_before + [cell.text.strip() for cell in row.cells]
        except Exception:
            cells = _docx_row_fallback(row, table)
        rows.append(cells)
    return TableBlock(rows)


def _docx_row_fallback(row, table) -> list[str]:
    """A row whose vertical merge python-docx cannot follow: each cell's own text, spans repeated."""
    from docx.table import _Cell

    cells: list[str] = []
    try:
        for tc in row._tr.tc_lst:
            cells.extend([_Cell(tc, table).text.strip()] * max(1, tc.grid_span))
    except Exception:
        return []
    return cells


# --- pdf ----------------------------------------------------------------------------------


def read_pdf(data: bytes) -> RawDocument:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as exc:  # pragma: no cover - dependency declared in requirements.txt
        raise ParseError("服务器缺少 PDF 解析组件，暂时无法读取 PDF 文件。") from exc
    pages: list[list[str]] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                text = page.extract_text() or ""
                pages.append(text.split("\n"))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ParseError("PDF 文件设有密码保护（已加密），无法读取，请上传未加密的文件。") from exc
    except Exception as exc:
        if _is_encryption_error(exc):
            raise ParseError("PDF 文件设有密码保护（已加密），无法读取，请上传未加密的文件。") from exc
        raise ParseError("PDF 文件已损坏或格式不正确，无法打开。") from exc
    if not any(line.strip() for page in pages for line in page):
        raise ParseError("PDF 中没有文字层（可能是扫描件或图片），请先进行文字识别（OCR）后再上传。")
    return RawDocument(_strip_running_lines(pages), "pdf", wrapped_lines=True)


def _is_encryption_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors; look through the chain and the arguments."""
    seen = 0
    stack: list[object] = [exc]
    while stack and seen < 20:
        item = stack.pop()
        seen += 1
        name = type(item).__name__
        if "Password" in name or "Encrypt" in name:
            return True
        if isinstance(item, BaseException):
            stack.extend(a for a in item.args if isinstance(a, BaseException))
            stack.extend(x for x in (item.__cause__, item.__context__) if x is not None)
    return False


_HEADER_LINE = re.compile(r"[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号$|文件$")


def _strip_running_lines(pages: list[list[str]]) -> list:
    """Drop page numbers and running headers/footers that repeat on most pages."""
    from .normalize import is_page_number

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    counts: dict[str, int] = {}
    for page in pages:
        edge = [ln for ln in page if ln.strip()]
        for line in {key(x) for x in edge[:2] + edge[-2:]}:
            counts[line] = counts.get(line, 0) + 1
    threshold = max(3, len(pages) // 2 + 1)
    running = {k for k, n in counts.items() if n >= threshold and len(k) <= 40}
    out: list = []
    kept: set[str] = set()
    for number, page in enumerate(pages):
        top = [ln for ln in page if ln.strip()][:2]
        for line in page:
            if is_page_number(line):
                continue
            if key(line) in running:
                # The first page's own 文号 or "…文件" line, repeated as a running header on the
                # others, is the document's header: kept once.
                if (
                    number == 0
                    and line in top
                    and key(line) not in kept
                    and _HEADER_LINE.search(line.strip())
                ):
                    kept.add(key(line))
                    out.append(line)
                continue
            out.append(line)
        out.append("")  # page boundary: a blank line, as in text copied out of a PDF
    return out


# --- xlsx ---------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> RawDocument:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise ParseError("Excel 表格已损坏或格式不正确，无法打开。") from exc
    blocks: list = []
    for ws in wb.worksheets:
        grid: dict[tuple[int, int], object] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and str(cell.value).strip():
                    grid[(cell.row, cell.column)] = cell.value
                    if len(grid) > 500_000:
                        raise ParseError("Excel 表格过大（单元格超过 50 万个），无法读取。")
        # A merged range shows its top-left value in every cell it covers.
        for rng in ws.merged_cells.ranges:
            value = grid.get((rng.min_row, rng.min_col))
            if value is None or (rng.max_row - rng.min_row + 1) * (rng.max_col - rng.min_col + 1) > 10_000:
                continue
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[(r, c)] = value
        # Styled but empty cells inflate max_row/max_column: size the table by its content.
        max_row = max((r for r, _ in grid), default=0)
        max_col = max((c for _, c in grid), default=0)
        rows = []
        for r in range(1, max_row + 1):
            rows.append([_cell_text(grid.get((r, c))) for c in range(1, max_col + 1)])
        if any(any(c for c in row) for row in rows):
            blocks.append(TableBlock(rows, title=ws.title))
    if not blocks:
        raise ParseError("Excel 表格中没有内容。")
    return RawDocument(blocks, "xlsx")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- dispatch -----------------------------------------------------------------------------


# Zip bombs: a .docx/.xlsx is judged from its zip directory before anything is decompressed. Real
# documents compress their XML by 5-30 times and hold tens of entries.
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED = 200 * 1024 * 1024
ZIP_MAX_RATIO = 100
# A web page, SVG or script is not a policy document, whatever its name says.
MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|\?xml|iframe|body|head)\b", re.IGNORECASE)


def _check_zip_expansion(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the reader reports the damaged file
    total = sum(info.file_size for info in entries)
    if len(entries) > ZIP_MAX_ENTRIES or total > ZIP_MAX_UNCOMPRESSED or total > len(data) * ZIP_MAX_RATIO:
        raise ParseError("文件解压后的大小远超正常文档（疑似压缩炸弹），已拒绝。")


def read(data: bytes, filename: str, max_bytes: int) -> RawDocument:
    if data is None or len(data) == 0:
        raise ParseError("文件为空（0 字节），没有可读取的内容。")
    if len(data) > max_bytes:
        raise ParseError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB 超过上限 {max_bytes / 1024 / 1024:.1f} MB。"
        )
    ext = extension(filename)
    kind = sniff(data)
    claimed = _EXT_TYPES.get(ext, "text" if ext in TEXT_EXTS else None)
    mismatch = claimed is not None and claimed != kind
    label = _TYPE_NAMES.get(kind, kind)
    if kind in ("docx", "xlsx"):
        _check_zip_expansion(data)
    if kind == "text" and MARKUP.search(data[:4096]):
        raise ParseError(
            "文件内容是网页或脚本（HTML、SVG 或 XML），不是政策文件，请上传 .txt、.docx、.pdf 或 .xlsx 文件。"
        )
    if kind in ("pdf", "docx", "xlsx"):
        reader = {"pdf": read_pdf, "docx": read_docx, "xlsx": read_xlsx}[kind]
        raw = reader(data)
    elif kind == "text":
        if claimed in ("pdf", "docx", "xlsx") and _looks_binary(data):
            raise ParseError(
                f"文件名为 {ext}，但内容不是有效的{_TYPE_NAMES[claimed]}（文件损坏或类型不符）。"
            )
        raw = read_text(data, ext)
    elif kind == "ole-encrypted":
        raise ParseError("文件设有密码保护（已加密），无法读取，请上传未加密的文件。")
    elif kind == "ole":
        raise ParseError("不支持旧版 Office 格式（.doc/.xls/.wps），请另存为 .docx 或 .xlsx 后上传。")
    elif kind == "zip" and claimed in ("docx", "xlsx"):
        raise ParseError(f"文件名为 {ext}，但文件已损坏或不是有效的{_TYPE_NAMES[claimed]}。")
    elif claimed and claimed != "text":
        raise ParseError(f"文件名为 {ext}，但内容实际是{label}，无法作为{_TYPE_NAMES[claimed]}读取。")
    else:
        raise ParseError(f"不支持的文件类型：{label}。请上传 .txt、.md、.docx、.pdf 或 .xlsx 文件。")
    if mismatch:
        raw.warnings.insert(0, f"文件扩展名为 {ext or '（无）'}，但内容实为{label}，已按{label}解析。")
    elif ext and ext not in KNOWN_EXTS:
        raw.warnings.insert(0, f"未知的文件扩展名 {ext}，已按内容识别为{label}。")
    return raw

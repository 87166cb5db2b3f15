"""Tables flattened into text: tab-separated, aligned with spaces, or one cell per line."""

from __future__ import annotations

import re
import unicodedata

from .model import TableBlock
from .normalize import fold
from .tables import header_role, map_header

# Columns of an aligned table: runs of two or more spaces, or full-width spaces.
_SPACED = re.compile(r"[ \t]{2,}|\u3000+")
_LABEL = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|附\s*件)")


def _is_number_cell(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}\s*[.、]?\s*", fold(text)))


def extract_text_tables(blocks: list) -> list:
    """Find tab-separated, space-aligned and one-cell-per-line tables in plain text; replace them
    by TableBlocks (several per document, wherever they are)."""
    out: list = []
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if isinstance(block, TableBlock):
            out.append(block)
            i += 1
            continue
        found = _tab_table(blocks, i) or _spaced_table(blocks, i) or _flattened_table(blocks, i)
        if found:
            table, j = found
            out.append(table)
            i = j
            continue
        out.append(block)
        i += 1
    return out


def _tab_table(blocks: list, start: int) -> tuple[TableBlock, int] | None:
    block = blocks[start]
    if "\t" not in block:
        return None
    tab_cells = [c.strip() for c in block.split("\t")]
    tab_cells = [c for c in tab_cells if c]
    if len(tab_cells) < 2 or not map_header(tab_cells):
        return None
    rows = [tab_cells]
    j = start + 1
    n = len(blocks)
    while j < n and isinstance(blocks[j], str):
        cells = [c.strip() for c in blocks[j].split("\t")]
        if not blocks[j].strip():
            j += 1
            continue
        if len([c for c in cells if c]) < 2:
            break
        rows.append(cells if cells[0] else cells[1:])
        j += 1
    return TableBlock(rows), j


# --- aligned with spaces ------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _spaced_cells(line: str) -> list[tuple[int, str]]:
    """Cells of an aligned line as (display column where the cell starts, text)."""
    cells: list[tuple[int, str]] = []
    pos = 0
    lead = len(line) - len(line.lstrip(" \t\u3000"))
    body = line[lead:].rstrip()
    col = _width(line[:lead])
    for m in _SPACED.finditer(body):
        if m.start() > pos:
            cells.append((col, body[pos : m.start()]))
        col += _width(body[pos : m.end()])
        pos = m.end()
    if pos < len(body):
        cells.append((col, body[pos:]))
    return cells


def _place(cells: list[tuple[int, str]], starts: list[int]) -> list[str]:
    """Cells put under the header columns they start nearest to (empty cells leave gaps)."""
    row = [""] * len(starts)
    if len(cells) == len(starts):
        return [text for _col, text in cells]
    last = -1
    for col, text in cells:
        nearest = min(range(len(starts)), key=lambda k: abs(starts[k] - col))
        idx = min(max(nearest, last + 1), len(starts) - 1)
        row[idx] = row[idx] + text if row[idx] else text
        last = idx
    return row


def _spaced_table(blocks: list, start: int) -> tuple[TableBlock, int] | None:
    block = blocks[start]
    if "  " not in block and "\u3000" not in block.strip():
        return None
    header = _spaced_cells(block)
    if len(header) < 2 or not map_header([text for _col, text in header]):
        return None
    starts = [col for col, _text in header]
    number_first = header_role(header[0][1]) == "number"
    rows: list[list[str]] = [[text for _col, text in header]]
    j = start + 1
    end = j
    blank = False
    n = len(blocks)
    while j < n and isinstance(blocks[j], str):
        line = blocks[j]
        if not line.strip():
            blank = True
            j += 1
            continue
        cells = _spaced_cells(line)
        placed = _place(cells, starts)
        first = next(k for k, text in enumerate(placed) if text)
        # A wrapped cell continues on the next line, under its own column, without a number.
        aligned = min(abs(cells[0][0] - col) for col in starts[1:]) <= 1 if len(starts) > 1 else False
        if number_first and first > 0 and aligned and len(rows) > 1 and not blank and not _LABEL.match(line):
            rows[-1] = [a + b for a, b in zip(rows[-1], placed, strict=True)]
        elif len(cells) >= 2:
            rows.append(placed)
        else:
            break
        blank = False
        j += 1
        end = j
    if len(rows) < 2:
        return None
    return TableBlock(rows), end


# --- one cell per line ----------------------------------------------------------------------------


def _flattened_table(blocks: list, start: int) -> tuple[TableBlock, int] | None:
    """A header of one cell per line (序号/工作任务/牵头部门/...) followed by rows the same way."""
    header: list[str] = []
    j = start
    while j < len(blocks) and isinstance(blocks[j], str) and blocks[j].strip():
        cell = blocks[j].strip()
        if len(cell) > 12 or header_role(cell) is None or len(header) >= 12:
            break
        header.append(cell)
        j += 1
    if len(header) < 3 or not map_header(header):
        return None
    width = len(header)
    number_first = header_role(header[0]) == "number"
    rows: list[list[str]] = [header]
    # Gather groups of consecutive non-empty lines; blank lines separate rows.
    groups: list[tuple[list[str], int]] = []
    k = j
    current: list[str] = []
    while k < len(blocks) and isinstance(blocks[k], str):
        line = blocks[k]
        if line.strip():
            current.append(line.strip())
        elif current:
            groups.append((current, k))
            current = []
        k += 1
    if current:
        groups.append((current, k))
    end = j
    for group, group_end in groups:
        cells = group
        if len(cells) % width != 0 and not (
            number_first and _is_number_cell(cells[0]) and len(cells) < width
        ):
            break
        chunks = (
            [cells[x : x + width] for x in range(0, len(cells), width)] if len(cells) >= width else [cells]
        )
        if number_first and not all(_is_number_cell(chunk[0]) for chunk in chunks):
            break
        rows.extend(chunk + [""] * (width - len(chunk)) for chunk in chunks)
        end = group_end
    if len(rows) < 2:
        return None
    return TableBlock(rows), end

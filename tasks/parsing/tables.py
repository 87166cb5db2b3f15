"""Task tables: finding them in flattened text and reading their rows by header names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import TableBlock
from .normalize import fold, strip_all_space

# Header names by role, most specific first (matched on the folded, space-free cell).
_ROLE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("number", re.compile(r"^(序号|编号|序|No\.?|#)$", re.I)),
    (
        "lead",
        re.compile(r"^(牵头(部门|单位|处室|领导)?|主责(部门|单位)|责任(牵头)?(部门|单位)[(（]?牵头[)）]?)$"),
    ),
    ("co", re.compile(r"^(配合|协办|参与|协同|协助)(部门|单位|处室)?$")),
    (
        "resp",
        re.compile(r"^(责任(部门|单位|主体|处室)|负责(部门|单位)|承办(部门|单位)|实施主体|责任单位及分工)$"),
    ),
    (
        "deadline",
        re.compile(
            r"^(时间进度|完成时限|时间节点|完成时间|时限(要求)?|进度安排|时间安排|完成期限|进度要求|完成节点|时间要求|推进时间|计划完成时间)$"
        ),
    ),
    (
        "target",
        re.compile(
            r"^(目标值|预期目标|工作目标|目标(任务)?|指标值|考核指标|预期成效|完成标准|工作标准|预期效果|目标要求|量化指标|成果形式)$"
        ),
    ),
    (
        "task",
        re.compile(
            r"^(具体措施|任务内容|具体任务|工作内容|工作措施|具体内容|主要内容|重点工作任务|工作任务|重点任务|改革任务|主要任务|任务(名称)?|重点工作|工作事项|措施|事项|内容)$"
        ),
    ),
    (
        "category",
        re.compile(
            r"^(类别|领域|重点领域|任务类别|工作类别|改革领域|板块|项目|分类|专项|重点方向|主要方面)$"
        ),
    ),
]
_SPECIFIC_TASK = re.compile(r"具体|内容|措施|举措|要求")


@lru_cache(maxsize=4096)
def header_role(cell: str) -> str | None:
    key = strip_all_space(fold(cell))
    for role, pattern in _ROLE_PATTERNS:
        if pattern.match(key):
            return role
    return None


def map_header(cells: list[str]) -> dict[str, int] | None:
    """Column index per role, or None if this row is not a task-table header."""
    roles: dict[str, int] = {}
    task_cols: list[int] = []
    for idx, cell in enumerate(cells):
        role = header_role(cell)
        if role is None:
            continue
        if role == "task":
            task_cols.append(idx)
        elif role not in roles:
            roles[role] = idx
    if not task_cols:
        return None
    recognised = len(roles) + len(task_cols)
    if recognised < 2 or not ({"lead", "co", "resp", "deadline", "target", "number"} & roles.keys()):
        return None
    if len(task_cols) > 1:
        # Two task-like columns: the general one groups, the specific one is the task.
        specific = [i for i in task_cols if _SPECIFIC_TASK.search(cells[i])]
        task = specific[-1] if specific else task_cols[-1]
        roles["task"] = task
        others = [i for i in task_cols if i != task]
        if others and "category" not in roles:
            roles["category"] = others[0]
    else:
        roles["task"] = task_cols[0]
    return roles


@dataclass
class TableRow:
    number: str | None
    text: str
    category: str | None
    lead: str
    co: str
    resp: str
    deadline: str
    target: str
    section: str | None


def read_table(table: TableBlock) -> tuple[list[TableRow], str | None]:
    """Rows of a task table (skipping header and section rows) and the table's title row."""
    header_idx = None
    roles: dict[str, int] | None = None
    for idx, row in enumerate(table.rows[:15]):
        roles = map_header(row)
        if roles:
            header_idx = idx
            break
    if roles is None or header_idx is None:
        return [], None
    title = None
    for row in table.rows[:header_idx]:
        cells = [c for c in row if c and c.strip()]
        if cells:
            title = strip_all_space(cells[0])
    out: list[TableRow] = []
    section: str | None = None
    width = max(roles.values()) + 1

    def cell(row: list[str], role: str) -> str:
        idx = roles.get(role)
        return row[idx].strip() if idx is not None and idx < len(row) and row[idx] else ""

    for row in table.rows[header_idx + 1 :]:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        filled = [c.strip() for c in row if c and c.strip()]
        if not filled:
            continue
        if map_header(row):  # a repeated header (tables continued across pages)
            continue
        if len(set(filled)) == 1 and (len(filled) > 1 or not cell(row, "task")):
            section = strip_all_space(filled[0])  # a merged row spanning the table: a group heading
            continue
        text = cell(row, "task")
        if not text:
            continue
        out.append(
            TableRow(
                number=cell(row, "number") or None,
                text=text,
                category=cell(row, "category") or None,
                lead=cell(row, "lead"),
                co=cell(row, "co"),
                resp=cell(row, "resp"),
                deadline=cell(row, "deadline"),
                target=cell(row, "target"),
                section=section,
            )
        )
    return out, title


# --- tables flattened into text -------------------------------------------------------------


def _is_number_cell(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d{1,4}\s*[.、]?\s*", fold(text)))


def extract_text_tables(blocks: list) -> list:
    """Find tab-separated and one-cell-per-line tables in plain text; replace them by TableBlocks."""
    out: list = []
    i = 0
    n = len(blocks)
    while i < n:
        block = blocks[i]
        if isinstance(block, TableBlock):
            out.append(block)
            i += 1
            continue
        tab_cells = [c.strip() for c in block.split("\t")]
        tab_cells = [c for c in tab_cells if c]
        if len(tab_cells) >= 2 and map_header(tab_cells):
            rows = [tab_cells]
            j = i + 1
            while j < n and isinstance(blocks[j], str):
                cells = [c.strip() for c in blocks[j].split("\t")]
                if not blocks[j].strip():
                    j += 1
                    continue
                if len([c for c in cells if c]) < 2:
                    break
                rows.append(cells if cells[0] else cells[1:])
                j += 1
            out.append(TableBlock(rows))
            i = j
            continue
        consumed = _flattened_table(blocks, i)
        if consumed:
            table, j = consumed
            out.append(table)
            i = j
            continue
        out.append(block)
        i += 1
    return out


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

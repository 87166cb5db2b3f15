"""Task tables read by what their headers mean: header roles (one or two header rows) and rows."""

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
        re.compile(
            # 起草单位 / 主办单位: who drafts a policy file in a list of files to draft.
            r"^(牵头(部门|单位|处室|领导|责任单位|责任部门)?|主责(部门|单位)|起草(部门|单位)|主办(部门|单位)|"
            r"责任(牵头)?(部门|单位)[(（]?牵头[)）]?|牵头(部门|单位)[(（]?责任(部门|单位)?[)）]?)$"
        ),
    ),
    ("co", re.compile(r"^(配合|协办|参与|协同|协助|配合责任|参加|会签)(部门|单位|处室)?$")),
    (
        "resp",
        re.compile(
            r"^(责任(部门|单位|主体|处室)|负责(部门|单位)|承办(部门|单位)|实施主体|责任单位及分工|"
            r"责任(部门|单位)及(分工|配合(部门|单位)?))$"
        ),
    ),
    (
        "deadline",
        re.compile(
            r"^(时间进度|完成时限|时间节点|完成时间|时限(要求)?|进度安排|时间安排|完成期限|进度要求|完成节点|"
            r"时间要求|推进时间|计划完成时间|完成时限要求|完成时间节点|时间计划|完成时限及进度安排|"
            r"(报送|提交|出台|印发|上报)(时间|时限))$"
        ),
    ),
    (
        "target",
        re.compile(
            r"^(目标值|预期目标|工作目标|目标(任务)?|指标值|考核指标|预期成效|完成标准|工作标准|预期效果|"
            r"目标要求|量化指标|成果形式|预期成果|主要目标|绩效目标|量化目标)$"
        ),
    ),
    (
        "measures",
        re.compile(
            r"^(具体措施|具体举措|主要举措|工作举措|推进举措|工作措施|主要措施|推进措施|政策措施|具体工作措施|工作措施及要求|措施|举措|"
            r"任务内容|工作内容|具体内容|主要内容|内容|具体任务|工作要求|任务要求|具体要求|主要工作内容)$"
        ),
    ),
    (
        "task",
        re.compile(
            r"^(重点工作任务|工作任务|重点任务|改革任务|重点改革任务|主要工作任务|主要任务|任务(名称)?|"
            r"重点工作|工作事项|事项|任务事项|工作名称|项目名称|(政策)?文件名称|政策名称|制度名称|文件)$"
        ),
    ),
    (
        "category",
        re.compile(
            r"^(类别|领域|重点领域|任务类别|工作类别|改革领域|板块|项目|分类|专项|重点方向|主要方面|"
            r"改革板块|工作板块|任务板块|改革类别)$"
        ),
    ),
]
# A task column alone is not a task table: it needs one of these beside it.
_TABLE_ROLES = {"lead", "co", "resp", "deadline", "target", "number"}
# "牵头单位（盖章）", "完成时限(2023年)": a note in brackets after the header name.
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


@lru_cache(maxsize=4096)
def header_role(cell: str) -> str | None:
    key = strip_all_space(fold(cell))
    for candidate in (key, _TRAILING_NOTE.sub("", key)):
        for role, pattern in _ROLE_PATTERNS:
            if pattern.match(candidate):
                return role
    return None


def map_header(cells: list[str]) -> dict[str, int] | None:
    """Column index per role, or None if this row is not a task-table header."""
    roles: dict[str, int] = {}
    task_cols: list[int] = []
    measure_cols: list[int] = []
    for idx, cell in enumerate(cells):
        role = header_role(cell) if cell else None
        if role is None:
            continue
        if idx and cells[idx - 1] == cell:
            continue  # a horizontally merged header cell is one column
        if role == "task":
            task_cols.append(idx)
        elif role == "measures":
            measure_cols.append(idx)
        elif role not in roles:
            roles[role] = idx
    if not task_cols and not measure_cols:
        return None
    recognised = len(roles) + len(task_cols) + len(measure_cols)
    if recognised < 2 or not (_TABLE_ROLES & roles.keys()):
        return None
    if task_cols:
        task, others = task_cols[-1], task_cols[:-1]
        measures = measure_cols[0] if measure_cols else None
    else:
        # Only measures-like columns: the (last) one is the task, as a reader takes it.
        task, others, measures = measure_cols[-1], measure_cols[:-1], None
    roles["task"] = task
    if measures is not None:
        roles["measures"] = measures
    if others and "category" not in roles:
        roles["category"] = others[0]  # the more general of two task columns groups the rows
    return roles


def _sub_header(upper: list[str], lower: list[str]) -> list[str] | None:
    """The combined header when ``lower`` names the parts of a grouped cell in ``upper``.

    "责任分工 | 责任分工" over "牵头单位 | 配合单位": the lower row's names win; cells merged down
    from the upper row (or left empty) keep the upper name.
    """
    if not any(cell and header_role(cell) for cell in upper):
        return None  # a title row above the header, not its upper half
    combined: list[str] = []
    named = False
    width = max(len(upper), len(lower))
    for idx in range(width):
        top = upper[idx].strip() if idx < len(upper) and upper[idx] else ""
        low = lower[idx].strip() if idx < len(lower) and lower[idx] else ""
        if not low or low == top:
            combined.append(top)
        elif header_role(low) is not None:
            combined.append(low)
            named = True
        else:
            return None  # a data row, not a header row
    return combined if named else None


def find_header(rows: list[list[str]]) -> tuple[int, int, dict[str, int]] | None:
    """(first header row, number of header rows, roles) within the first rows of a table."""
    for idx, row in enumerate(rows[:15]):
        if idx + 1 < len(rows):
            combined = _sub_header(row, rows[idx + 1])
            if combined is not None:
                roles = map_header(combined)
                if roles:
                    return idx, 2, roles
        roles = map_header(row)
        if roles:
            return idx, 1, roles
    return None


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
    measures: str = ""


def read_table(table: TableBlock) -> tuple[list[TableRow], str | None]:
    """Rows of a task table (skipping header and section rows) and the table's title row."""
    found = find_header(table.rows)
    if found is None:
        return [], None
    header_idx, header_rows, roles = found
    title = None
    for row in table.rows[:header_idx]:
        cells = [c for c in row if c and c.strip()]
        if cells:
            title = strip_all_space(cells[0])
    out: list[TableRow] = []
    section: str | None = None
    width = max(roles.values()) + 1
    has_measures = "measures" in roles
    carried_task = ""
    carried_category = ""

    def cell(row: list[str], role: str) -> str:
        idx = roles.get(role)
        return row[idx].strip() if idx is not None and idx < len(row) and row[idx] else ""

    for row in table.rows[header_idx + header_rows :]:
        if len(row) < width:
            row = row + [""] * (width - len(row))
        filled = [c.strip() for c in row if c and c.strip()]
        if not filled:
            continue
        if map_header(row):  # a repeated header (tables continued across pages)
            continue
        text = cell(row, "task")
        measures = cell(row, "measures") if has_measures else ""
        lone = len(filled) == 1 and not text and not (measures and carried_task)
        if len(set(filled)) == 1 and (len(filled) > 1 or lone):
            section = strip_all_space(filled[0])  # a merged row spanning the table: a group heading
            carried_task = carried_category = ""
            continue
        if has_measures and not text and measures and carried_task:
            text = carried_task  # a merged task cell flattened to text leaves the rows below empty
        category = cell(row, "category") or carried_category
        carried_category = category
        carried_task = text if has_measures else ""
        if not text or measures == text:  # no task cell, or one cell merged across both columns
            text, measures = text or measures, ""
        if not text:
            continue
        out.append(
            TableRow(
                number=cell(row, "number") or None,
                text=text,
                category=category or None,
                lead=cell(row, "lead"),
                co=cell(row, "co"),
                resp=cell(row, "resp"),
                deadline=cell(row, "deadline"),
                target=cell(row, "target"),
                section=section,
                measures=measures,
            )
        )
    if has_measures:
        _group_runs(out, has_category="category" in roles)
    return out, title


def _group_runs(rows: list[TableRow], *, has_category: bool) -> None:
    """A task cell spanning several rows, each with its own measures, is a group heading: the
    measures are the tasks there (a table of one task per row keeps task and measures apart)."""
    start = 0
    while start < len(rows):
        end = start + 1
        while (
            end < len(rows)
            and rows[end].text == rows[start].text
            and rows[end].section == rows[start].section
        ):
            end += 1
        run = rows[start:end]
        if len(run) > 1 and len({r.measures for r in run if r.measures}) > 1:
            for row in run:
                if not row.measures:
                    continue
                group = row.text
                row.text, row.measures = row.measures, ""
                if has_category and row.category:
                    row.section = row.section or strip_all_space(group)
                else:
                    row.category = group
        start = end

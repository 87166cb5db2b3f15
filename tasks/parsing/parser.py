"""The pipeline: bytes -> ParsedDocument."""

from __future__ import annotations

import re

from .assignees import (
    Assignment,
    DocRules,
    build_assignees,
    build_collective,
    cell_text,
    confidence_of,
    responsibility,
    split_cell,
    subjects,
)
from .deadlines import find_deadlines, parse_deadline_cell
from .header import parse_header
from .model import OutlineNode, ParsedDocument, ParseError, TableBlock, Task
from .normalize import build_paragraphs, fold, needs_t2s, simplify
from .outline import Unit, extract_units
from .readers import read
from .restore import Restorer
from .tables import TableRow
from .targets import describe, find_targets
from .text_tables import extract_text_tables

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_EMPTY_CELL = re.compile(r"[\s—\-－/／无暂无]*")


def parse_document(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedDocument:
    """Parse a policy document. Raises ParseError only for unreadable input."""
    raw = read(data, filename, max_bytes)
    blocks = raw.blocks
    if raw.file_type in ("text", "pdf"):
        blocks = extract_text_tables(blocks)
    paragraphs = build_paragraphs(blocks, wrapped=raw.wrapped_lines)
    doc = ParsedDocument(file_type=raw.file_type, warnings=list(raw.warnings))
    doc.text = extracted_text(paragraphs)
    if not paragraphs:
        if raw.file_type in ("docx", "xlsx"):
            raise ParseError("文档中没有任何文字内容。")
        doc.warnings.append("文档中没有可识别的文字内容。")
        return doc
    return parse_paragraphs(paragraphs, doc)


def extracted_text(paragraphs: list) -> str:
    """The document's text as read, with tables as tab-separated rows."""
    lines = []
    for paragraph in paragraphs:
        if isinstance(paragraph, TableBlock):
            lines.extend("\t".join(row) for row in paragraph.rows)
        else:
            lines.append(paragraph)
    return "\n".join(lines)


def parse_paragraphs(paragraphs: list, doc: ParsedDocument) -> ParsedDocument:
    original = paragraphs
    # Tables count (extracted_text has their cells): a traditional workbook has no line of text at all.
    convert = needs_t2s(extracted_text(paragraphs))
    if convert:
        # Match on simplified characters (1:1 per character), then give the original back.
        paragraphs = [simplify(p) if isinstance(p, str) else _simplify_table(p) for p in paragraphs]
        doc.warnings.append("文档含繁体字，已按简体字识别，输出保留原文。")
    header = parse_header(paragraphs)
    doc.title, doc.doc_number, doc.issuer = header.title, header.doc_number, header.issuer
    doc.issued_on, doc.region, doc.base_year = header.issued_on, header.region, header.base_year
    rules = DocRules.detect(fold("\n".join(p for p in paragraphs if isinstance(p, str))))
    nodes, units, warnings = extract_units(paragraphs, header.body_start)
    doc.warnings.extend(warnings)
    doc.outline = [
        OutlineNode(n.label, _node_path(n), n.heading(), n.parent.index if n.parent else None) for n in nodes
    ]
    for unit in units:
        doc.tasks.append(_task(unit, doc.base_year, rules))
    if doc.issued_on:
        # "自印发之日起": the day of issue, when the header prints it.
        for deadline in (d for t in doc.tasks for d in t.deadlines):
            if deadline.kind == "start" and deadline.date is None and "印发之日" in deadline.text:
                deadline.date = doc.issued_on
    if doc.title is None:
        doc.warnings.append("未识别到文件标题。")
    if doc.base_year is None and any(
        d.kind == "date" and d.date is None for t in doc.tasks for d in t.deadlines
    ):
        doc.warnings.append("未能确定文件年份，“年底前”等相对时限未换算为日期。")
    if not doc.tasks:
        doc.warnings.append("未识别到任何工作任务。")
    if convert:
        _restore(doc, paragraphs, original)
    return doc


def _node_path(node) -> list[str]:
    out = []
    while node is not None:
        out.append(node.path_label)
        node = node.parent
    return out[::-1]


def _simplify_table(table: TableBlock) -> TableBlock:
    return TableBlock([[simplify(c) for c in row] for row in table.rows], table.title)


def _task(unit: Unit, base_year: int | None, rules: DocRules) -> Task:
    task = Task(unit.number, unit.path, unit.section, unit.text, parent=unit.parent, source=unit.source)
    text = unit.text
    folded = fold(text)
    row: TableRow | None = unit.table_row
    if row is not None:
        # A cell holding only a dash or 无 says there are none.
        task.measures = None if _EMPTY_CELL.fullmatch(row.measures or "") else row.measures
        assignment, deadlines, targets = _table_fields(row, text, folded, base_year, rules)
    else:
        assignment, skip = responsibility(text, rules)
        if assignment.empty():
            assignment = subjects(text)
        found = find_deadlines(text, base_year, folded)
        # Phrases inside a responsibility list are names, except a time limit listed there
        # ("（市卫健委负责，长期坚持）").
        found = [
            f
            for f in found
            if f.deadline.kind in ("ongoing", "start") or not any(s <= f.start < e for s, e in skip)
        ]
        deadlines = [f.deadline for f in found]
        spans = [(f.start, f.end, f.deadline.year) for f in found]
        targets = find_targets(text, folded, spans, skip)
    people = assignment.lead + assignment.co
    normalized = build_assignees(people)
    for assignee, name in zip(normalized, people, strict=True):
        assignee.reason = assignment.reasons.get(name, "unknown")
        assignee.confidence = confidence_of(assignee.reason)
    task.lead = normalized[: len(assignment.lead)]
    task.co = normalized[len(assignment.lead) :]
    task.collective = build_collective(assignment.collective)
    task.deadlines = deadlines
    task.targets = targets
    task.confidence, task.reason = _task_confidence(task)
    return task


def _table_fields(
    row: TableRow, text: str, folded: str, base_year: int | None, rules: DocRules
) -> tuple[Assignment, list, list]:
    """Assignees, deadlines and targets of a table row: its cells first, then its text and measures."""
    assignment = Assignment()
    for cell, names in ((row.lead, assignment.lead), (row.co, assignment.co)):
        people, collective = split_cell(cell)
        names.extend(n for n in people if n not in names)
        assignment.collective.extend(n for n in collective if n not in assignment.collective)
    assignment.tag("table-column")
    if row.resp:
        value = cell_text(row.resp, "，")
        # A bare list reads as "（X、Y负责）"; one that states roles ("X牵头，Y配合") as it is.
        worded = re.search(r"负责|牵头|配合|参与|协助|协办", value)
        resp, _ = responsibility(f"（{value}）" if worded else f"（{value}负责）", rules)
        if not resp.lead and not resp.co and not resp.collective:
            people, _collective = split_cell(row.resp)
            resp.lead, resp.co = people[:1], people[1:]
        resp.reasons = {}
        resp.tag("table-responsibility")
        if assignment.lead:
            assignment.add("co", resp.lead + resp.co, "table-responsibility")
            assignment.add("collective", resp.collective, "table-responsibility")
        else:
            assignment.merge(resp)
    measures = row.measures
    if assignment.empty():
        assignment, _ = responsibility(text, rules)
        if assignment.empty() and measures:
            assignment, _ = responsibility(measures, rules)
    deadlines, targets = [], []
    for part, folded_part in ((text, folded), (measures, fold(measures))):
        if not part:
            continue
        found = find_deadlines(part, base_year, folded_part)
        deadlines += [f.deadline for f in found]
        spans = [(f.start, f.end, f.deadline.year) for f in found]
        targets += find_targets(part, folded_part, spans, [])
    deadlines += parse_deadline_cell(row.deadline, base_year)
    if row.target and re.search(
        r"[0-9０-９]|[一二两三四五六七八九十百千]\s*(?:个|家|所|名|项|级)", row.target
    ):
        # A 目标值 cell is a goal only when it states a number ("—", "全覆盖" are not).
        found_targets = find_targets(row.target, fold(row.target), [], [])
        targets += found_targets or [describe(row.target.strip())]
    return assignment, deadlines, targets


# How sure the outline is that a unit is one task: a table row or a numbered item is, a sentence
# picked out of running prose less so.
_UNIT_CONFIDENCE = {
    "table": (0.95, "table-row"),
    "text": (0.9, "numbered-item"),
    "prose": (0.7, "prose-sentence"),
}


def _task_confidence(task: Task) -> tuple[float, str]:
    """The weakest of: how the task was found, and how its lead was named (nobody named: low)."""
    confidence, reason = _UNIT_CONFIDENCE.get(task.source, (0.7, task.source))
    if task.lead:
        weakest = min(task.lead, key=lambda a: a.confidence)
        if weakest.confidence < confidence:
            confidence, reason = weakest.confidence, weakest.reason
    elif not task.collective:
        confidence, reason = min(confidence, 0.4), "no-assignee"
    elif confidence > 0.7:
        confidence, reason = 0.7, "collective-only"
    return confidence, reason


def _restore(doc: ParsedDocument, simplified: list, original: list) -> None:
    """Put the original (traditional) characters back into every output string."""
    # Cells too, so that names read from a table are given back as written.
    restorer = Restorer(extracted_text(simplified), extracted_text(original))
    back = restorer.back

    doc.title, doc.issuer, doc.doc_number = back(doc.title), back(doc.issuer), back(doc.doc_number)
    doc.region = back(doc.region)
    for task in doc.tasks:
        task.text, task.section = back(task.text), back(task.section)
        task.measures = back(task.measures)
        for a in task.lead + task.co:
            a.text = back(a.text)
        for c in task.collective:
            c.text = back(c.text)
        for d in task.deadlines:
            d.text = back(d.text)
        for t in task.targets:
            t.text = back(t.text)

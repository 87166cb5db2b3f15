"""Dataclasses returned by the parser.

The parser is pure Python: nothing here may import Django. ``ParsedDocument.to_dict``
produces exactly the JSON contract printed by ``parse_policy --format json``; extras
(normalised names, parent indices, base year...) stay available as attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Below this a parsed item is flagged for the reviewer (confidence is a rule's prior, not a probability).
LOW_CONFIDENCE = 0.6


class ParseError(Exception):
    """Raised only for unreadable input; the message is in Chinese and says what is wrong."""


@dataclass
class Assignee:
    text: str  # as written (page breaks and stray spaces removed)
    normalized: str  # prefix carried over, folded to simplified/half-width
    department: None = None  # resolved against the database outside the parser
    confidence: float = 1.0
    reason: str = ""  # the rule that named it: "bracket", "prose-subject", "minutes-请", ...

    def to_dict(self) -> dict:
        return {"text": self.text, "department": None}


@dataclass
class Collective:
    text: str  # e.g. "各县（区）人民政府"
    normalized: str = ""
    departments: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "departments": []}


# "start": the day a task begins ("自2024年4月1日起"); its day is in ``date`` but it is never a due date.
DEADLINE_KINDS = ("date", "ongoing", "recurring", "relative", "start")


@dataclass
class Deadline:
    text: str
    date: date | None
    kind: str  # one of DEADLINE_KINDS
    start: date | None = None  # for ranges such as "2017年4月—2018年12月"
    year: int | None = None
    confidence: float = 1.0
    reason: str = ""  # "explicit-date", "relative-year", "document-year", "no-year", ...

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
        }


@dataclass
class Target:
    text: str
    metric: str
    op: str  # ">=", "<=", "=", "range", "change"
    value: float | int | None
    unit: str | None
    year: int | None = None
    baseline: float | int | None = None  # "由60元提高到86元" keeps 60 here
    upper: float | int | None = None  # upper bound of a "range"

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "metric": self.metric,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "year": self.year,
        }


@dataclass
class Task:
    number: str | None
    path: list[str]
    section: str
    text: str
    lead: list[Assignee] = field(default_factory=list)
    co: list[Assignee] = field(default_factory=list)
    collective: list[Collective] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    parent: int | None = None  # index into ParsedDocument.outline
    source: str = "text"  # "text", "table" or "prose"
    # A table's 具体措施 next to its 重点任务 column: kept with the task, not taken for its text.
    measures: str | None = None
    confidence: float = 1.0
    reason: str = ""  # how the task was found and whether someone is named for it

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "path": list(self.path),
            "section": self.section,
            "text": self.text,
            "measures": self.measures,
            "lead": [a.to_dict() for a in self.lead],
            "co": [a.to_dict() for a in self.co],
            "collective": [c.to_dict() for c in self.collective],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass
class OutlineNode:
    """A heading (or grouping item) of the document; tasks point at their parent node."""

    label: str | None
    path: list[str]
    heading: str
    parent: int | None = None


@dataclass
class ParsedDocument:
    title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    issued_on: date | None = None
    region: str | None = None
    base_year: int | None = None  # the year relative deadlines are resolved against
    tasks: list[Task] = field(default_factory=list)
    outline: list[OutlineNode] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_type: str = ""
    text: str = ""  # the extracted text as read (tables as tab-separated rows), for storage and search

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "region": self.region,
            "tasks": [t.to_dict() for t in self.tasks],
            "warnings": list(self.warnings),
        }


@dataclass
class TableBlock:
    """A table as a person reads it: merged cells repeated, one list of strings per row."""

    rows: list[list[str]]
    title: str | None = None  # sheet name or caption, if the reader knows one


@dataclass
class RawDocument:
    """What a reader hands on: lines (text) and tables in reading order."""

    blocks: list[str | TableBlock]
    file_type: str
    warnings: list[str] = field(default_factory=list)
    # Lines come from a layout (PDF) where every visual line break is a hard break.
    wrapped_lines: bool = False

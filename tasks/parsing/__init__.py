"""Policy-document parser (pure Python, no Django).

``parse_document(data, filename)`` reads .txt/.md/.docx/.pdf/.xlsx bytes and returns a
``ParsedDocument`` with the header, the outline, the tasks and warnings. It raises
``ParseError`` (message in Chinese) only for input it cannot read.
"""

from .model import (
    Assignee,
    Collective,
    Deadline,
    OutlineNode,
    ParsedDocument,
    ParseError,
    Target,
    Task,
)
from .parser import DEFAULT_MAX_BYTES, parse_document

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Assignee",
    "Collective",
    "Deadline",
    "OutlineNode",
    "ParseError",
    "ParsedDocument",
    "Target",
    "Task",
    "parse_document",
]

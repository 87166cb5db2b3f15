"""What every download shares, on the pages and in the API: the workbook type and the headers."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpResponse

__all__ = [
    "DOCX_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "attachment_disposition",
    "download_headers",
    "report_content_type",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_content_type(name: str) -> str:
    """A stored report's type by its name: the 通报 is a Word document, every other report a workbook."""
    return DOCX_CONTENT_TYPE if name.lower().endswith(".docx") else XLSX_CONTENT_TYPE


def attachment_disposition(filename: str, fallback: str) -> str:
    """Content-Disposition for a download: an ASCII `filename` for old clients and the real name as
    RFC 5987 `filename*`, which every current browser prefers (Chinese names survive in both Excel
    and LibreOffice downloads)."""
    # Only characters that need no quoting or escaping in the ASCII parameter.
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", fallback).strip("._") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_headers(response: HttpResponse, filename: str, fallback: str) -> HttpResponse:
    """Headers every download gets: attachment with both names; never sniffed into something else."""
    response["Content-Disposition"] = attachment_disposition(filename, fallback)
    response["X-Content-Type-Options"] = "nosniff"
    # Files of the ledger are the user's scope, not for shared caches.
    response["Cache-Control"] = "private, no-store"
    return response

"""Files served only as attachments to those who may see them: evidence (by its task) and a policy
document's original file (by the document), for the pages and the API."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tasks.downloads import download_headers
from tasks.models import Evidence, PolicyDocument, Task
from tasks.uploads import safe_filename

__all__ = ["document_file_response", "evidence_response"]

# The document's original file by its sniffed type; the upload itself was checked when imported.
_DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
}


def evidence_response(user, pk: int) -> FileResponse:
    """The file under its original name; Http404 when its task is outside the user's scope.

    Shared by the page (views/evidence.py) and the API (api/evidence.py)."""
    evidence = get_object_or_404(
        Evidence.objects.filter(update__task__in=Task.objects.visible_to(user).values("pk")), pk=pk
    )
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        # The row outlived its file (restored database, lost volume): not found rather than a 500.
        raise Http404 from None
    name = safe_filename(evidence.original_name)
    response = FileResponse(handle, content_type=evidence.content_type or "application/octet-stream")
    # The stored name is random; only its suffix is worth keeping in the ASCII fallback.
    return download_headers(response, name, f"evidence-{evidence.pk}{PurePath(name).suffix}")


def document_file_response(user, pk: int) -> FileResponse:
    """The document's original file, as uploaded, under its original name; Http404 when the document
    is outside the user's scope or kept no file (imported from text pasted in, or a lost volume)."""
    document = get_object_or_404(PolicyDocument.objects.visible_to(user), pk=pk)
    if not document.original_file:
        raise Http404
    try:
        handle = document.original_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = safe_filename(document.original_name or PurePath(document.original_file.name).name)
    suffix = PurePath(name).suffix.lower()
    # Text files are sent as bytes (UTF-8 or GB18030, as uploaded): never rendered by the browser.
    content_type = _DOCUMENT_TYPES.get(suffix, "application/octet-stream")
    response = FileResponse(handle, content_type=content_type)
    return download_headers(response, name, f"document-{document.pk}{suffix}")

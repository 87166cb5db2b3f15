"""Evidence files served to those who may see their task, only as attachments: the page and the API."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tasks.downloads import download_headers
from tasks.models import Evidence, Task
from tasks.uploads import safe_filename

__all__ = ["evidence_response"]


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

"""Evidence downloads: a file is served only to those who may see its task, and only as an attachment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest

from tasks.ledger.files import evidence_response


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The file under its original name; 404 when its task is outside the user's scope."""
    return evidence_response(request.user, pk)

"""A reply's evidence file, served to those who see its instruction, only as an attachment (page and API)."""

from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from tasks.downloads import download_headers
from tasks.instructions.services.queries import instructions_visible_to
from tasks.models import InstructionReply
from tasks.uploads import safe_filename

__all__ = ["reply_evidence_response"]


def reply_evidence_response(user, pk: int) -> FileResponse:
    """The file under its original name; Http404 out of scope, without a file, or with the file lost."""
    answer = get_object_or_404(
        InstructionReply.objects.filter(instruction__in=instructions_visible_to(user).values("pk")).exclude(
            evidence=""
        ),
        pk=pk,
    )
    try:
        handle = answer.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = safe_filename(answer.evidence_name)
    response = FileResponse(handle, content_type=answer.evidence_type or "application/octet-stream")
    return download_headers(response, name, f"reply-{answer.pk}{PurePath(name).suffix}")

"""Evidence downloads: only for those who may see the file's task, and only as an attachment."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from api.negotiation import FirstRenderer
from tasks.ledger.files import evidence_response
from tasks.uploads import CONTENT_TYPES

FILE_TYPES = sorted({*CONTENT_TYPES.values(), "application/octet-stream"})


class EvidenceDownloadView(APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        summary="Download an evidence file under its original name",
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
            for media_type in FILE_TYPES
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return evidence_response(request.user, pk)

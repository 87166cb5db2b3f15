"""Reporting periods: close a month for a region (a job; poll the closing), list the closings, and
what changed in a closed period.

The services decide (tasks/periods/services/): a role that may not close is 403, a region outside the
user's scope 404, a period that cannot be closed (not over, already closed, out of order) 409
`invalid_state`, a malformed one 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import InvalidState
from regions.models import Region
from tasks.access import NotPermitted, may_see_periods, require_period_closer
from tasks.models import PeriodClosing
from tasks.periods.serializers import PeriodChangesSerializer, PeriodCloseSerializer, PeriodClosingSerializer
from tasks.periods.services.changes import changes_of
from tasks.periods.services.closing import request_close
from tasks.periods.services.snapshots import closings_visible_to, get_closing_for


class SeesPeriods(IsAuthenticated):
    """Office staff and leaders (and superusers); liaisons have no periods (403 before any lookup)."""

    message = _("Only reform office staff and leaders see the reporting periods.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_see_periods(request.user)


class PeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The closings of the user's region and the regions below it (office staff and leaders)."""

    serializer_class = PeriodClosingSerializer
    permission_classes = [SeesPeriods]
    parser_classes = [JSONParser]
    # 404: a region named that is outside the user's scope (or does not exist).
    extra_error_statuses = {"POST": [404, 409]}
    # Closing a period that is not over, already closed or out of order: the period's state, 409.
    state_error_codes = ("period", "closed", "order")

    def get_queryset(self) -> QuerySet[PeriodClosing]:
        return closings_visible_to(self.request.user).select_related("region", "requested_by")

    def get_object(self) -> PeriodClosing:
        return get_closing_for(self.request.user, self.kwargs["pk"])  # 403 by role, then 404

    @extend_schema(summary="Closed (and closing) periods of the user's region and below, newest first")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A closing: its status and progress (poll this while it runs)")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Close a past month for the user's region (office staff): freeze its ledger",
        request=PeriodCloseSerializer,
        responses={
            202: OpenApiResponse(
                PeriodClosingSerializer,
                description="Queued: the snapshot is written by a job; poll the closing.",
            )
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        require_period_closer(user)  # 403 before the body is read
        form = PeriodCloseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        region_id = form.validated_data.get("region") or user.region_id
        if region_id is None:  # a superuser with no region of their own names one
            raise NotPermitted(PeriodCloseSerializer().fields["region"].help_text)
        region = Region.objects.get(pk=region_id)  # 404 for an unknown id
        closing = request_close(region, user, form.validated_data["period"])
        closing = self.get_queryset().get(pk=closing.pk)
        return Response(PeriodClosingSerializer(closing).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="What changed in a closed period since the previous one: newly completed, newly overdue, "
        "progress changed, reports late",
        responses={200: PeriodChangesSerializer},
    )
    @action(detail=True, methods=["get"], extra_error_statuses={"GET": [409]})
    def changes(self, request: Request, pk: int) -> Response:
        closing = self.get_object()
        if closing.status != PeriodClosing.Status.DONE:
            raise InvalidState(
                _("This period is not closed yet; it is “%(status)s”.")
                % {"status": closing.get_status_display()}
            )
        return Response(PeriodChangesSerializer(changes_of(closing).to_dict()).data)

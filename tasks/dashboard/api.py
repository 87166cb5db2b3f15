"""The leaders' dashboard figures: `dashboard_summary(user).to_dict()`, exactly what the page shows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tasks.access import may_see_dashboard
from tasks.dashboard.serializers import DashboardSummarySerializer
from tasks.dashboard.services.summary import dashboard_summary


class CanSeeDashboard(IsAuthenticated):
    """Leaders, office staff and superusers, as the dashboard page (tasks.access.may_see_dashboard)."""

    message = _("The dashboard is for leaders and reform office staff.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_see_dashboard(request.user)


class DashboardView(APIView):
    """Leaders, office staff and superusers; liaisons get 403 (their tasks are at /tasks/)."""

    permission_classes = [CanSeeDashboard]

    @extend_schema(
        summary="The dashboard's figures for the user's scope", responses={200: DashboardSummarySerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(dashboard_summary(request.user).to_dict())

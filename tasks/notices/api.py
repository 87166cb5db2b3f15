"""/api/v1/robots/: the group robots of the user's office, as the configuration pages.

Office staff (and superusers) only: any other role is refused before a robot is looked up (403); a
robot of another region is not found (404); the service's rules (the webhook's host and scheme, the
region and department in scope) are 400 by field. The secret is write-only.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tasks.access import may_manage_robots
from tasks.models import Robot
from tasks.notices.serializers import RobotSerializer, RobotTestSerializer
from tasks.notices.services.robots import (
    create_robot,
    get_robot_for,
    remove_robot,
    robots_visible_to,
    send_test_message,
    update_robot,
)


class CanManageRobots(IsAuthenticated):
    """Office staff with a region, and superusers (tasks.access.may_manage_robots)."""

    message = _("Only reform office staff may configure group robots.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_manage_robots(request.user)


@extend_schema_view(
    list=extend_schema(summary="The group robots of the user's office"),
    retrieve=extend_schema(summary="A group robot"),
    create=extend_schema(summary="Add a group robot (the secret is write-only)"),
    update=extend_schema(summary="Change a group robot (omit the secret to keep it)"),
    partial_update=extend_schema(summary="Change some of a group robot's settings"),
    destroy=extend_schema(
        summary="Remove a group robot: deleted, or deactivated when it has posted before",
        responses={204: OpenApiResponse(description="Deleted, or deactivated (its deliveries stay).")},
    ),
)
class RobotViewSet(viewsets.ModelViewSet):
    serializer_class = RobotSerializer
    permission_classes = [CanManageRobots]
    pagination_class = None  # an office has a handful of robots

    def get_queryset(self) -> QuerySet[Robot]:
        return robots_visible_to(self.request.user).order_by("region_id", "department_id", "pk")

    def get_object(self) -> Robot:
        return get_robot_for(self.request.user, self.kwargs["pk"])  # 404 out of scope

    def perform_create(self, serializer: RobotSerializer) -> None:
        serializer.instance = create_robot(self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: RobotSerializer) -> None:
        data = dict(serializer.validated_data)
        secret = data.pop("secret", None)
        serializer.instance = update_robot(self.request.user, serializer.instance, secret=secret, **data)

    def perform_destroy(self, instance: Robot) -> None:
        remove_robot(self.request.user, instance)

    @extend_schema(
        summary="Post a test message now and say what the platform answered",
        request=None,
        responses={
            200: OpenApiResponse(RobotTestSerializer, description="Accepted or not, with the answer.")
        },
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: int) -> Response:
        result = send_test_message(request.user, self.get_object())
        data = {"ok": result.ok, "summary": result.summary, "answer": result.answer}
        return Response(RobotTestSerializer(data).data, status=status.HTTP_200_OK)

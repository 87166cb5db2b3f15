"""The dashboard endpoint returns exactly what the dashboard page shows, in the documented shape."""

import dataclasses
import typing

import pytest
from django.utils import translation
from django.utils.translation import gettext
from rest_framework import serializers

from tasks.dashboard.serializers import DashboardSummarySerializer
from tasks.dashboard.services.summary import DashboardSummary, dashboard_summary

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["office", "leader", "province_office"])
def test_the_dashboard_is_the_summary_of_the_users_scope(request, api_client, all_tasks, own_task, persona):
    user = request.getfixturevalue(persona)
    response = api_client(user).get("/api/v1/dashboard/")
    assert response.status_code == 200
    assert response.json() == dashboard_summary(user).to_dict()


def test_liaisons_are_told_the_dashboard_is_not_theirs(api_client, liaison):
    with translation.override("zh-hans"):
        response = api_client(liaison).get("/api/v1/dashboard/")
        message = gettext("The dashboard is for leaders and reform office staff.")
    assert response.status_code == 403
    assert response.json()["detail"] == message


def _fields(cls) -> dict:
    """{field: nested fields or None} of a dataclass, through lists and nested dataclasses."""
    hints = typing.get_type_hints(cls)
    shape = {}
    for field in dataclasses.fields(cls):
        kind = hints[field.name]
        inner = typing.get_args(kind)[0] if typing.get_origin(kind) is list else kind
        shape[field.name] = _fields(inner) if dataclasses.is_dataclass(inner) else None
    return shape


def _serializer_fields(serializer) -> dict:
    shape = {}
    for name, field in serializer.fields.items():
        inner = field.child if isinstance(field, serializers.ListSerializer) else field
        shape[name] = _serializer_fields(inner) if isinstance(inner, serializers.Serializer) else None
    return shape


def test_the_documented_shape_is_the_summarys():
    assert _serializer_fields(DashboardSummarySerializer()) == _fields(DashboardSummary)

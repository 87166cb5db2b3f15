"""Every URL pattern, walked from the resolver: none answers an anonymous visitor except the few meant to be
public, the admin is for staff only, and no object URL answers 200 to a user outside the object's scope.

A new URL is covered as soon as it is added: a pattern with an argument this module does not know how to
fill fails the walk rather than being skipped.

Public by decision: the login and logout views, the language switch (it only sets a cookie), healthz (load
balancers), the API token endpoint, and the API schema and its documentation pages (they describe the
endpoints, every one of which needs a token or a session; other bureaus' developers read them first).
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tasks.models import Channel, Delivery, Event, EventKind, Notification, PeriodClosing, ReportBatch
from tests.factories import (
    DocumentImportFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    InstructionFactory,
    InstructionReplyFactory,
    ProgressUpdateFactory,
    ReportFactory,
    TargetFactory,
)
from tests.notices.factories import RobotFactory

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "logout",
    "set_language",
    "healthz",
    "api:token",
    "api:schema",
    "api:docs",
    "api:redoc",
    "admin:login",
    "admin:logout",
}
# The API's catch-all: a JSON 404 for any unknown path, for everyone.
CATCH_ALL = "api/v1/^(?P<rest>[\\s\\S]*)$"


def walk(resolver=None, prefix: str = "", namespace: str = ""):
    """(route, name) for every pattern, with the namespace in the name (api:task-detail)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


ROUTES = sorted(set(walk()))


@pytest.fixture
def objects(zhengzhou_tasks, zhengzhou_document, liaison, office, insurance_bureau, zhengzhou):
    """An object of each kind a URL names, all in 郑州市 (outside the outsider's 长沙市)."""
    insurance_task = zhengzhou_tasks[0]
    # The document's original file (documents/<pk>/original/ serves it).
    zhengzhou_document.original_file.save("重点任务.txt", ContentFile("郑州市重点任务".encode()), save=True)
    update = ProgressUpdateFactory(task=insurance_task, author=liaison)
    extension = ExtensionRequestFactory(
        task=insurance_task, department=insurance_bureau, requested_by=liaison
    )
    event = Event.objects.create(kind=EventKind.TASK_VERIFIED, title="已销号", region=zhengzhou)
    reply = InstructionReplyFactory(
        instruction=InstructionFactory(task=insurance_task, department=insurance_bureau),
        evidence=ContentFile(b"%PDF-1.7\n%%EOF\n", name="reply.pdf"),
        evidence_name="纪要.pdf",
        evidence_type="application/pdf",
    )
    return {
        "tasks": insurance_task.pk,
        "evidence": EvidenceFactory(update=update).pk,
        "documents/import": DocumentImportFactory(region=zhengzhou, created_by=office).pk,
        "document-imports": None,  # filled below: the same import
        "documents": zhengzhou_document.pk,
        "extensions": extension.pk,
        "reports": ReportFactory(department=insurance_bureau).pk,
        "reports/batches": ReportBatch.objects.create(region=zhengzhou, period="2026-10").pk,
        "regions": zhengzhou.pk,
        "departments": insurance_bureau.pk,
        "assignments": insurance_task.assignments.first().pk,
        "deadlines": extension.deadline.pk,
        "targets": TargetFactory(task=insurance_task).pk,
        "robots": RobotFactory(region=zhengzhou, created_by=office).pk,
        "deliveries": Delivery.objects.create(
            event=event, channel=Channel.EMAIL, address="a@example.cn", status=Delivery.Status.FAILED
        ).pk,
        # The office's own notification: another person's does not exist for them.
        "notifications": Notification.objects.create(event=event, recipient=office, kind=event.kind).pk,
        "instructions": reply.instruction_id,
        "instructions/department": insurance_bureau.pk,
        "instructions/replies": reply.pk,
        "instruction-replies": reply.pk,
        "periods": PeriodClosing.objects.create(
            region=zhengzhou, period="2026-09", status=PeriodClosing.Status.DONE
        ).pk,
    }


def token_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def fill(route: str, objects: dict) -> str:
    """The route with its arguments replaced by existing objects' ids (admin: ids of any object)."""
    path = route.replace("^", "").replace("$", "").replace("\\Z", "")
    if route.startswith("admin/"):
        path = re.sub(r"<[^>]*>|\(\?P<[^>]+>[^)]*\)", "1", path)
        return "/" + path
    if "<" not in path:
        return "/" + path
    # The object is named by the path just before its id: tasks/<pk>/extensions/ is a task.
    before = path.split("<")[0].strip("/")
    key = next((k for k in sorted(objects, key=len, reverse=True) if before.endswith(k)), None)
    value = objects.get(key)
    if key == "document-imports":
        value = objects["documents/import"]
    if value is None:
        pytest.fail(f"no object to fill {route!r}: add one to the objects fixture")
    return "/" + re.sub(r"<[^>]+>", str(value), path, count=1)


def test_the_walk_finds_the_portal_the_api_and_the_admin():
    names = {name for _route, name in ROUTES}
    assert {"task_detail", "evidence_download", "api:task-detail", "api:evidence-download"} <= names
    assert any(route.startswith("admin/") for route, _name in ROUTES)


@pytest.mark.parametrize(("route", "name"), [r for r in ROUTES if r[1] not in PUBLIC and r[0] != CATCH_ALL])
def test_no_url_answers_an_anonymous_visitor(client, objects, route, name):
    url = fill(route, objects)
    response = client.get(url)
    if route.startswith("api/"):
        assert response.status_code in (401, 403), (url, response.status_code)
    elif route.startswith("admin/"):
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    else:
        assert response.status_code in (302, 405), (url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), url


def test_the_public_urls_are_the_ones_meant_to_be(client):
    for path, allowed in [
        ("/accounts/login/", {200}),
        ("/healthz", {200}),
        ("/api/v1/schema/", {200}),
        ("/api/v1/docs/", {200}),
    ]:
        assert client.get(path).status_code in allowed, path


@pytest.mark.parametrize(
    ("route", "name"), [r for r in ROUTES if r[0].startswith("admin/") and r[1] not in PUBLIC]
)
def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, office, route, name):
    client.force_login(office)
    url = fill(route, {})
    response = client.get(url)
    assert response.status_code == 302, (url, response.status_code)
    assert response["Location"].startswith("/admin/login/"), url


OBJECT_ROUTES = [r for r in ROUTES if "<" in r[0] and not r[0].startswith("admin/") and r[0] != CATCH_ALL]
# Reference data every signed-in user may read (the choices of the filters and forms).
SHARED = {"api:region-detail", "api:department-detail"}
# 404 for the office too, for want of content rather than of scope: no workbook built yet.
NOTHING_TO_SHOW_YET = {"report_download"}


@pytest.mark.parametrize(("route", "name"), [r for r in OBJECT_ROUTES if r[1] not in SHARED])
def test_no_object_url_answers_a_user_outside_the_objects_scope(client, objects, outsider, route, name):
    url = fill(route, objects)
    if route.startswith("api/"):
        response = token_client(outsider).get(url)
    else:
        client.force_login(outsider)
        response = client.get(url)
    assert response.status_code in (403, 404, 405), (url, response.status_code)


@pytest.mark.parametrize(("route", "name"), [r for r in OBJECT_ROUTES if r[1] not in SHARED])
def test_the_same_object_urls_find_their_objects_for_the_office_in_scope(
    client, objects, office, route, name
):
    """The check above means something: the ids filled in are real objects, which the office of 郑州市
    (who also made the import) is shown."""
    url = fill(route, objects)
    if route.startswith("api/"):
        response = token_client(office).get(url)
    else:
        client.force_login(office)
        response = client.get(url)
    assert response.status_code != 404 or name in NOTHING_TO_SHOW_YET, url

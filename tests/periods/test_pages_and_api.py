"""The periods' pages and API: closing by office staff only, its progress, the changes."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tasks.models import PeriodClosing, Report, TaskSnapshot
from tests.periods.conftest import OCTOBER


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# Pages ------------------------------------------------------------------------------------------


def test_office_closes_last_month_from_the_button_and_sees_its_page(
    client, office, ledger, django_capture_on_commit_callbacks
):
    login(client, office)
    assert "period-close" in client.get("/reports/", {"period": OCTOBER}).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/periods/close/", {"period": OCTOBER})

    closing = PeriodClosing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/periods/{closing.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Task list as of this period" in page.content.decode()
    assert page.context["changes"].period == OCTOBER


def test_the_progress_partial_polls_while_running_and_refreshes_when_done(client, office, ledger, zhengzhou):
    closing = PeriodClosing.objects.create(
        region=zhengzhou, period=OCTOBER, status=PeriodClosing.Status.RUNNING
    )
    PeriodClosing.objects.filter(pk=closing.pk).update(progress=45)
    login(client, office)

    running = client.get(f"/periods/{closing.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "every 1s" in running.content.decode()
    assert "45%" in running.content.decode()
    assert "HX-Refresh" not in running

    PeriodClosing.objects.filter(pk=closing.pk).update(status=PeriodClosing.Status.DONE, progress=100)
    done = client.get(f"/periods/{closing.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_closing_twice_from_the_page_says_why_and_writes_nothing(client, office, ledger, zhengzhou):
    PeriodClosing.objects.create(region=zhengzhou, period=OCTOBER, status=PeriodClosing.Status.DONE)
    login(client, office)

    response = client.post("/periods/close/", {"period": OCTOBER}, follow=True)

    assert "already closed" in response.content.decode()
    assert PeriodClosing.objects.count() == 1


@pytest.mark.parametrize("persona", ["leader", "liaison"])
def test_leaders_and_liaisons_may_not_close_from_the_page(request, client, persona, ledger):
    login(client, request.getfixturevalue(persona))

    assert client.post("/periods/close/", {"period": OCTOBER}).status_code == 403
    assert not PeriodClosing.objects.exists()


def test_leaders_read_the_periods_and_the_outsider_does_not_see_them(client, leader, outsider, zhengzhou):
    closing = PeriodClosing.objects.create(region=zhengzhou, period=OCTOBER, status=PeriodClosing.Status.DONE)

    assert login(client, leader).get(f"/periods/{closing.pk}/").status_code == 200
    assert "period-close-form" not in client.get("/periods/").content.decode()
    assert login(client, outsider).get(f"/periods/{closing.pk}/").status_code == 404


def test_a_closed_periods_page_builds_its_frozen_ledger_and_bulletin_for_its_own_office(
    client, office, province_office, zhengzhou, ledger
):
    closing = PeriodClosing.objects.create(region=zhengzhou, period=OCTOBER, status=PeriodClosing.Status.DONE)

    page = login(client, office).get(f"/periods/{closing.pk}/").content.decode()
    assert "period-ledger-build" in page
    assert "period-bulletin-build" in page
    response = client.post("/reports/bulletin/", {"period": OCTOBER})
    assert response.status_code == 302
    bulletin = Report.objects.get(kind=Report.Kind.BULLETIN)
    assert (bulletin.region_id, bulletin.period) == (zhengzhou.pk, OCTOBER)
    # The province's office sees the city's closing but builds only its own region's documents.
    page = login(client, province_office).get(f"/periods/{closing.pk}/").content.decode()
    assert "period-ledger-build" not in page


# API --------------------------------------------------------------------------------------------


def test_the_api_closes_and_the_closing_reaches_100(office, ledger, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(office).post("/api/v1/periods/", {"period": OCTOBER}, format="json")

    assert response.status_code == 202, response.content
    closing = api(office).get(f"/api/v1/periods/{response.json()['id']}/").json()
    assert (closing["status"], closing["progress"], closing["rows_written"]) == ("done", 100, 3)
    listed = api(office).get("/api/v1/periods/").json()
    assert [row["period"] for row in listed["results"]] == [OCTOBER]
    changes = api(office).get(f"/api/v1/periods/{closing['id']}/changes/").json()
    assert changes["counts"]["newly_overdue"] == 1
    assert changes["newly_overdue"][0]["lead_departments"] == ["郑州市医疗保障局"]


@pytest.mark.parametrize(
    ("period", "status"),
    [("2026-10", 409), ("2099-01", 409), ("October", 400)],
    ids=["twice", "future", "bad"],
)
def test_the_api_refuses_a_period_that_cannot_be_closed(office, ledger, zhengzhou, period, status):
    PeriodClosing.objects.create(region=zhengzhou, period=OCTOBER, status=PeriodClosing.Status.DONE)

    response = api(office).post("/api/v1/periods/", {"period": period}, format="json")

    assert response.status_code == status, response.content
    assert PeriodClosing.objects.count() == 1


def test_another_regions_office_may_not_close_this_region(province_office, outsider, ledger, zhengzhou):
    body = {"period": OCTOBER, "region": zhengzhou.pk}

    assert api(province_office).post("/api/v1/periods/", body, format="json").status_code == 403
    assert api(outsider).post("/api/v1/periods/", body, format="json").status_code == 404
    assert not PeriodClosing.objects.exists()
    assert not TaskSnapshot.objects.exists()


def test_a_superuser_closes_a_region_named(superuser, ledger, zhengzhou):
    response = api(superuser).post(
        "/api/v1/periods/", {"period": OCTOBER, "region": zhengzhou.pk}, format="json"
    )

    assert response.status_code == 202
    assert PeriodClosing.objects.get().region == zhengzhou


def test_the_changes_of_a_closing_not_done_are_a_conflict(office, zhengzhou):
    closing = PeriodClosing.objects.create(region=zhengzhou, period=OCTOBER)

    assert api(office).get(f"/api/v1/periods/{closing.pk}/changes/").status_code == 409

"""The 通报 on /reports/ and through the API: requested as the ledger is, its progress shown on the
report's page, downloaded as a Word document; office staff and leaders of the region, never liaisons."""

import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tasks.downloads import DOCX_CONTENT_TYPE
from tasks.models import Report
from tests.factories import ReportFactory
from tests.reports.cast import PERIOD, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

API = "/api/v1/reports/"


def bulletin_of(region) -> Report:
    return Report.objects.get(kind=Report.Kind.BULLETIN, region=region, period=PERIOD)


def opened(response) -> docx.Document:
    content = b"".join(response.streaming_content)
    return docx.Document(io.BytesIO(content))


class TestPages:
    @pytest.mark.parametrize("persona", ["office", "leader"])
    def test_office_staff_and_leaders_build_and_download_the_bulletin(
        self, request, client, persona, report_tasks, zhengzhou, django_capture_on_commit_callbacks
    ):
        login(client, request.getfixturevalue(persona))
        html = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert reverse("bulletin_build") in html
        assert "Build the monthly bulletin (通报)" in html

        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("bulletin_build"), {"period": PERIOD})
        bulletin = bulletin_of(zhengzhou)
        assert response["Location"] == reverse("report_detail", args=[bulletin.pk])
        # Queued: the page polls its progress, as the ledger's does.
        page = client.get(response["Location"]).content.decode()
        assert reverse("report_progress", args=[bulletin.pk]) in page
        assert "The bulletin is being written" in page

        for callback in callbacks:
            callback()
        bulletin.refresh_from_db()
        assert bulletin.status == Report.Status.DONE
        progress = client.get(reverse("report_progress", args=[bulletin.pk]), headers={"HX-Request": "true"})
        assert progress["HX-Refresh"] == "true"
        html = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert reverse("report_detail", args=[bulletin.pk]) in html
        assert (
            "Download the bulletin (Word)"
            in client.get(reverse("report_detail", args=[bulletin.pk])).content.decode()
        )

        download = client.get(reverse("report_download", args=[bulletin.pk]))
        assert download.status_code == 200
        assert download["Content-Type"] == DOCX_CONTENT_TYPE
        assert download["Content-Disposition"].endswith(f"{PERIOD}.docx")
        assert opened(download).paragraphs[0].text.startswith("郑州市 bulletin on the progress")

    def test_liaisons_may_not_build_the_bulletin(self, client, report_tasks, liaison):
        response = login(client, liaison).post(reverse("bulletin_build"), {"period": PERIOD})
        assert response.status_code == 403
        assert not Report.objects.filter(kind=Report.Kind.BULLETIN).exists()
        html = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert reverse("bulletin_build") not in html

    def test_a_bad_period_is_refused_with_its_message(self, client, office):
        response = login(client, office).post(reverse("bulletin_build"), {"period": "2026-13"}, follow=True)
        assert "is not a period" in response.content.decode()
        assert not Report.objects.exists()

    def test_another_regions_bulletin_is_not_found(self, client, outsider, zhengzhou):
        bulletin = ReportFactory(
            kind=Report.Kind.BULLETIN,
            department=None,
            region=zhengzhou,
            period=PERIOD,
            status=Report.Status.DONE,
            file=ContentFile(b"PK", name="bulletin.docx"),
        )
        login(client, outsider)
        assert client.get(reverse("report_detail", args=[bulletin.pk])).status_code == 404
        assert client.get(reverse("report_download", args=[bulletin.pk])).status_code == 404

    def test_the_list_shows_ledger_and_bulletin_in_the_same_queries(
        self, client, built, office, zhengzhou, django_assert_num_queries
    ):
        login(client, office)
        for kind in (Report.Kind.LEDGER, Report.Kind.BULLETIN):
            ReportFactory(
                kind=kind, department=None, region=zhengzhou, period=PERIOD, status=Report.Status.DONE
            )
        with django_assert_num_queries(6):
            html = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert "Office ledger: Done" in html
        assert "Monthly bulletin: Done" in html


class TestApi:
    def test_office_staff_request_and_download_the_bulletin(
        self, api_client, office, report_tasks, zhengzhou, django_capture_on_commit_callbacks
    ):
        client = api_client(office)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(API, {"kind": "bulletin", "period": PERIOD})
        assert response.status_code == 202, response.content
        body = client.get(f"{API}{response.json()['id']}/").json()
        assert (body["kind"], body["region"]["id"], body["department"]) == ("bulletin", zhengzhou.pk, None)
        assert (body["status"], body["progress"]) == ("done", 100)
        download = client.get(f"{API}{body['id']}/download/")
        assert download.status_code == 200
        assert download["Content-Type"] == DOCX_CONTENT_TYPE
        assert opened(download).tables

    def test_a_bulletin_names_no_department(self, api_client, office, insurance_bureau):
        response = api_client(office).post(
            API, {"kind": "bulletin", "department": insurance_bureau.pk, "period": PERIOD}
        )
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["department"]
        assert not Report.objects.exists()

    def test_leaders_may_and_liaisons_may_not_request_it(
        self, api_client, leader, liaison, django_capture_on_commit_callbacks
    ):
        assert api_client(liaison).post(API, {"kind": "bulletin", "period": PERIOD}).status_code == 403
        assert not Report.objects.exists()
        with django_capture_on_commit_callbacks(execute=False):
            assert api_client(leader).post(API, {"kind": "bulletin", "period": PERIOD}).status_code == 202
        assert Report.objects.get().kind == Report.Kind.BULLETIN

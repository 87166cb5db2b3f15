"""The review through the API: a report's rows against the previous period's, a return by row, and
the blank workbook beside the one carrying what was recorded (each response checked by the schema)."""

import io

import pytest
from openpyxl import load_workbook

from tasks.models import Report, ReportRowReturn
from tasks.reports.services.filling import fill_online
from tasks.reports.services.workflow import submit_report
from tests.factories import ReportFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

API = "/api/v1/reports/"


@pytest.fixture
def filled(built, report_tasks, targets, liaison, insurance_bureau):
    september = ReportFactory(department=insurance_bureau, period="2026-09", status=Report.Status.DONE)
    insurance = report_tasks["insurance"]
    fill_online(september, liaison, {insurance.pk: {"status": "in_progress", "percent": "20"}})
    fill_online(
        built,
        liaison,
        {
            insurance.pk: {"status": "in_progress", "percent": "45", f"actual-{targets[0].pk}": "100"},
            report_tasks["coop"].pk: {"status": "in_progress", "percent": "5"},
        },
    )
    return built


def test_rows_show_each_task_against_the_previous_report(api_client, office, filled, report_tasks, targets):
    response = api_client(office).get(f"{API}{filled.pk}/rows/")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert body["previous_report"] == Report.objects.get(period="2026-09").pk
    rows = {row["task"]["id"]: row for row in body["results"]}
    insurance = rows[report_tasks["insurance"].pk]
    assert (insurance["percent"], insurance["previous"], insurance["is_new"]) == (
        45,
        {"status": "in_progress", "percent": 20},
        False,
    )
    target = next(t for t in insurance["targets"] if t["target"] == targets[0].pk)
    assert (target["value"], target["before"], target["attained"]) == ("100.0000", None, True)
    assert rows[report_tasks["coop"].pk]["is_new"] is True


def test_a_return_by_row_needs_no_whole_report_reason(api_client, office, liaison, filled, report_tasks):
    submit_report(filled, liaison)
    reviewer = api_client(office)
    response = reviewer.post(
        f"{API}{filled.pk}/return/", {"rows": [{"task": report_tasks["health"].pk, "reason": "x"}]}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows"]
    assert not ReportRowReturn.objects.exists()
    response = reviewer.post(
        f"{API}{filled.pk}/return/", {"rows": [{"task": report_tasks["insurance"].pk, "reason": "补充"}]}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    rows = api_client(liaison).get(f"{API}{filled.pk}/rows/").json()["results"]
    assert {row["task"]["id"]: row["returned_reason"] for row in rows}[report_tasks["insurance"].pk] == "补充"


def test_the_download_carries_what_was_recorded_and_the_blank_does_not(api_client, liaison, filled):
    client = api_client(liaison)

    def percent_cell(query=""):
        response = client.get(f"{API}{filled.pk}/download/{query}")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        return sheet["O4"].value

    assert (percent_cell(), percent_cell("?blank=1")) == (45, None)


def test_a_draft_is_saved_as_typed_and_read_back(api_client, liaison, leader, built, report_tasks):
    client = api_client(liaison)
    task = report_tasks["insurance"].pk
    assert client.get(f"{API}{built.pk}/draft/").json() == {
        "source": "",
        "rows": {},
        "saved_by": None,
        "saved_at": None,
    }
    response = client.put(
        f"{API}{built.pk}/draft/",
        {
            "rows": {
                str(task): {"percent": "七十", "narrative": "草稿", "bogus": "x"},
                "99999": {"percent": "1"},
            }
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["source"], body["rows"], body["saved_by"]["id"]) == (
        "draft",
        {str(task): {"percent": "七十", "narrative": "草稿"}},
        liaison.pk,
    )
    assert api_client(leader).put(f"{API}{built.pk}/draft/", {"rows": {}}).status_code == 403
    assert Report.objects.get(pk=built.pk).draft == {str(task): {"percent": "七十", "narrative": "草稿"}}

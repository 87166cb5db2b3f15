"""Report workbooks through the API, as on the report pages: a build is requested (202) and polled until
done; the workbook downloads as an attachment; the department fills it in with a spreadsheet program and
uploads it (every row checked, all recorded or none, the errors by row and column); the liaison submits
it and the office approves it or returns it with a reason, after which it is corrected and submitted
again. A report in the wrong state for an action is 409 and nothing changes.

The report is 郑州市医疗保障局's for October 2026 (tests/reports/cast.py): its first task row is the
task 医保局 leads (row 4), then the task it cooperates on (row 5).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tasks.models import ProgressUpdate, Report, Target, Task, TaskStatus
from tests.factories import ReportFactory
from tests.reports.cast import PERIOD, open_workbook, workbook_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

API = "/api/v1/reports/"


def url(report, action: str = "") -> str:
    return f"{API}{report.pk}/{action + '/' if action else ''}"


def state() -> tuple:
    """Everything an upload or a workflow step could change."""
    return (
        list(
            Report.objects.order_by("pk").values_list(
                "pk", "status", "progress", "file", "submitted_by", "reviewed_by", "review_comment"
            )
        ),
        ProgressUpdate.objects.count(),
        sorted(Task.objects.values_list("pk", "status", "progress", "version")),
        sorted(Target.objects.values_list("pk", "latest_actual")),
    )


def downloaded(client, report):
    """The report's workbook as the API serves it, opened with openpyxl."""
    response = client.get(url(report, "download"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def fill(sheet, row: int, **cells) -> None:
    columns = {"status": "N", "percent": "O", "narrative": "P", "actual1": "R"}
    for name, value in cells.items():
        sheet[f"{columns.get(name, name)}{row}"] = value


def upload(client, report, workbook):
    return client.post(url(report, "upload"), {"file": workbook_upload(workbook)}, format="multipart")


class TestRequestAndPoll:
    def test_a_requested_build_is_accepted_then_done_with_a_workbook(
        self, api_client, office, insurance_bureau, report_tasks, django_capture_on_commit_callbacks
    ):
        client = api_client(office)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post(
                API, {"kind": "department", "department": insurance_bureau.pk, "period": PERIOD}
            )
        assert response.status_code == 202, response.content
        assert len(callbacks) == 1, "the build is enqueued after commit"
        body = response.json()
        assert (body["kind"], body["department"]["id"], body["period"]) == (
            "department",
            insurance_bureau.pk,
            PERIOD,
        )
        assert body["requested_by"]["id"] == office.pk

        polled = client.get(f"{API}{body['id']}/").json()
        assert (polled["status"], polled["progress"], polled["error"]) == ("done", 100, "")
        assert polled["download_url"].endswith(f"/api/v1/reports/{body['id']}/download/")

        response = client.get(polled["download_url"])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        assert sheet["A4"].value == report_tasks["insurance"].pk
        assert sheet["A5"].value == report_tasks["coop"].pk

    def test_a_liaison_requests_their_own_departments_report(
        self, api_client, liaison, insurance_bureau, report_tasks, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client(liaison).post(
                API, {"kind": "department", "department": insurance_bureau.pk, "period": PERIOD}
            )
        assert response.status_code == 202, response.content
        assert Report.objects.get(pk=response.json()["id"]).status == Report.Status.DONE

    def test_a_second_request_answers_the_built_report_without_building_again(
        self, api_client, office, built, insurance_bureau, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = api_client(office).post(
                API, {"kind": "department", "department": insurance_bureau.pk, "period": PERIOD}
            )
        assert response.status_code == 202
        assert response.json()["id"] == built.pk
        assert callbacks == []

    def test_office_staff_request_their_regions_ledger(
        self, api_client, office, own_task, zhengzhou, django_capture_on_commit_callbacks
    ):
        client = api_client(office)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(API, {"kind": "ledger", "period": PERIOD})
        assert response.status_code == 202, response.content
        body = client.get(f"{API}{response.json()['id']}/").json()
        assert (body["kind"], body["region"]["id"], body["department"]) == ("ledger", zhengzhou.pk, None)
        assert (body["status"], body["progress"]) == ("done", 100)
        workbook = downloaded(client, Report.objects.get(pk=body["id"]))
        assert workbook.worksheets

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"kind": "department", "period": PERIOD}, "department"),
            ({"kind": "department", "department": "{department}", "period": "2026-13"}, "period"),
            ({"kind": "department", "department": "{department}", "period": "October"}, "period"),
            ({"kind": "ledger", "department": "{department}", "period": PERIOD}, "department"),
            ({"kind": "ranking", "period": PERIOD}, "kind"),
        ],
    )
    def test_bad_requests_name_the_field_and_queue_nothing(
        self, api_client, office, insurance_bureau, data, field
    ):
        data = {k: insurance_bureau.pk if v == "{department}" else v for k, v in data.items()}
        response = api_client(office).post(API, data)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
        assert not Report.objects.exists()

    def test_a_department_outside_the_scope_is_a_bad_choice(
        self, api_client, office, liaison, changsha_bureau, health_commission
    ):
        for user, department in ((office, changsha_bureau), (liaison, health_commission)):
            response = api_client(user).post(
                API, {"kind": "department", "department": department.pk, "period": PERIOD}
            )
            assert response.status_code == 400
            assert list(response.json()["errors"]) == ["department"]
        assert not Report.objects.exists()

    def test_leaders_may_request_the_ledger_but_not_a_departments_report(
        self, api_client, leader, insurance_bureau, report_tasks
    ):
        client = api_client(leader)
        response = client.post(
            API, {"kind": "department", "department": insurance_bureau.pk, "period": PERIOD}
        )
        assert response.status_code == 403
        assert not Report.objects.exists()
        assert client.post(API, {"kind": "ledger", "period": PERIOD}).status_code == 202

    def test_liaisons_may_not_request_the_ledger(self, api_client, liaison):
        assert api_client(liaison).post(API, {"kind": "ledger", "period": PERIOD}).status_code == 403
        assert not Report.objects.exists()

    def test_a_failed_build_shows_its_error_and_has_nothing_to_download(self, api_client, office, report):
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error="disk full")
        client = api_client(office)
        body = client.get(url(report)).json()
        assert (body["status"], body["error"], body["download_url"]) == ("failed", "disk full", None)

        response = client.get(url(report, "download"))
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_state"

    def test_a_queued_report_is_not_downloadable_yet(self, api_client, liaison, report):
        response = api_client(liaison).get(url(report, "download"))
        assert response.status_code == 409
        assert response.json()["detail"]


class TestList:
    @pytest.fixture
    def reports(self, built, insurance_bureau, health_commission, changsha_bureau, zhengzhou):
        return {
            "built": built,
            "older": ReportFactory(
                department=insurance_bureau, period="2026-09", status=Report.Status.APPROVED
            ),
            "health": ReportFactory(department=health_commission, period=PERIOD),
            "ledger": ReportFactory(
                kind=Report.Kind.LEDGER, department=None, region=zhengzhou, period=PERIOD
            ),
            "changsha": ReportFactory(department=changsha_bureau, period=PERIOD),
        }

    @staticmethod
    def ids(client, query: str = "") -> list[int]:
        response = client.get(API + query)
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    def test_each_sees_the_reports_of_their_scope_newest_period_first(
        self, api_client, office, leader, liaison, other_liaison, reports
    ):
        r = reports
        assert self.ids(api_client(office)) == [r["built"].pk, r["health"].pk, r["ledger"].pk, r["older"].pk]
        assert self.ids(api_client(leader)) == self.ids(api_client(office))
        assert self.ids(api_client(liaison)) == [r["built"].pk, r["older"].pk]
        assert self.ids(api_client(other_liaison)) == [r["health"].pk]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("?period=2026-09", ["older"]),
            ("?kind=ledger", ["ledger"]),
            ("?status=done", ["built"]),
            ("?department={health}", ["health"]),
            ("?period=2026-10&kind=department&status=queued", ["health"]),
        ],
    )
    def test_filters(self, api_client, office, reports, health_commission, query, expected):
        query = query.format(health=health_commission.pk)
        assert self.ids(api_client(office), query) == [reports[name].pk for name in expected]

    def test_an_unknown_status_is_a_bad_filter(self, api_client, office):
        response = api_client(office).get(API + "?status=lost")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["status"]

    def test_out_of_scope_reports_are_not_found(self, api_client, liaison, office, reports):
        assert api_client(liaison).get(url(reports["health"])).status_code == 404
        assert api_client(liaison).get(url(reports["ledger"])).status_code == 404
        assert api_client(office).get(url(reports["changsha"])).status_code == 404


class TestUpload:
    def test_round_trip_download_fill_upload_records_the_progress(
        self, api_client, liaison, built, report_tasks, targets
    ):
        client = api_client(liaison)
        workbook = downloaded(client, built)
        fill(
            workbook.worksheets[0],
            4,
            status="In progress",
            percent=60,
            narrative="完成87个病种分组。",
            actual1=95,
        )

        response = upload(client, built, workbook)

        assert response.status_code == 200, response.content
        assert response.json()["applied"] == 1
        assert response.json()["report"]["id"] == built.pk
        task = Task.objects.get(pk=report_tasks["insurance"].pk)
        assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 60)
        update = ProgressUpdate.objects.get(task=task)
        assert (update.report_id, update.author_id, update.narrative) == (
            built.pk,
            liaison.pk,
            "完成87个病种分组。",
        )
        assert Target.objects.get(pk=targets[0].pk).latest_actual == 95

    def test_errors_are_listed_by_row_and_column_and_nothing_is_recorded(
        self, api_client, liaison, built, report_tasks
    ):
        client = api_client(liaison)
        workbook = downloaded(client, built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=150)
        fill(workbook.worksheets[0], 5, percent=10, narrative="只写了进展")
        before = state()

        response = upload(client, built, workbook)

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "report_rows"
        assert [(e["row"], e["column"][0]) for e in body["errors"]] == [(4, "O"), (5, "N")]
        assert all(e["message"] for e in body["errors"])
        assert state() == before

    def test_a_file_that_is_not_the_workbook_is_one_error_without_a_row(self, api_client, liaison, built):
        before = state()
        pdf = SimpleUploadedFile("report.xlsx", b"%PDF-1.7\n%%EOF\n")
        response = api_client(liaison).post(url(built, "upload"), {"file": pdf}, format="multipart")
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert (error["row"], error["column"]) == (None, "")
        assert state() == before

    def test_no_file_is_a_field_error(self, api_client, liaison, built):
        response = api_client(liaison).post(url(built, "upload"), {}, format="multipart")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["file"]

    def test_a_submitted_report_cannot_be_uploaded(self, api_client, liaison, built):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=10)
        Report.objects.filter(pk=built.pk).update(status=Report.Status.SUBMITTED)
        before = state()

        response = upload(api_client(liaison), built, workbook)

        assert response.status_code == 409
        assert response.json()["code"] == "invalid_state"
        assert state() == before


class TestWorkflow:
    def test_submit_then_approve(self, api_client, liaison, office, built):
        response = api_client(liaison).post(url(built, "submit"))
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["status"], body["submitted_by"]["id"]) == ("submitted", liaison.pk)
        assert body["submitted_at"]

        response = api_client(office).post(url(built, "approve"))
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["reviewed_by"]["id"], body["review_comment"]) == (
            "approved",
            office.pk,
            "",
        )

    def test_submit_then_return_with_a_reason_then_correct_and_resubmit(
        self, api_client, liaison, office, built, report_tasks
    ):
        department, reviewer = api_client(liaison), api_client(office)
        assert department.post(url(built, "submit")).status_code == 200

        before = state()
        response = reviewer.post(url(built, "return"), {"reason": "  "})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["reason"]
        assert state() == before

        response = reviewer.post(url(built, "return"), {"reason": "第3行进展过于简略。"})
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["review_comment"]) == (
            "returned",
            "第3行进展过于简略。",
        )

        workbook = downloaded(department, built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=40, narrative="补充了进展。")
        assert upload(department, built, workbook).status_code == 200
        response = department.post(url(built, "submit"))
        assert response.status_code == 200
        assert response.json()["status"] == "submitted"

    @pytest.mark.parametrize(
        ("status", "persona", "action"),
        [
            (Report.Status.QUEUED, "liaison", "submit"),
            (Report.Status.SUBMITTED, "liaison", "submit"),
            (Report.Status.APPROVED, "liaison", "submit"),
            (Report.Status.DONE, "office", "approve"),
            (Report.Status.RETURNED, "office", "return"),
        ],
    )
    def test_the_wrong_state_is_a_conflict_naming_the_status(
        self, request, api_client, built, status, persona, action
    ):
        Report.objects.filter(pk=built.pk).update(status=status)
        before = state()
        response = api_client(request.getfixturevalue(persona)).post(
            url(built, action), {"reason": "理由"} if action == "return" else None
        )
        assert response.status_code == 409
        assert response.json()["code"] == "invalid_state"
        assert state() == before

    def test_the_office_may_not_submit_nor_the_liaison_review(self, api_client, liaison, office, built):
        assert api_client(office).post(url(built, "submit")).status_code == 403
        assert Report.objects.get(pk=built.pk).status == Report.Status.DONE
        Report.objects.filter(pk=built.pk).update(status=Report.Status.SUBMITTED)
        before = state()
        assert api_client(liaison).post(url(built, "approve")).status_code == 403
        assert api_client(liaison).post(url(built, "return"), {"reason": "x"}).status_code == 403
        assert state() == before

"""Handing in and reviewing department reports, the late departments and their daily reminder, and
the pages: who sees what (404 out of scope, 403 for a role that may not act) and their query counts."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from tasks.access import NotPermitted
from tasks.jobs import remind_late_reports as remind_job
from tasks.models import Reminder, Report
from tasks.reports.services.workflow import approve_report, late_departments, return_report, submit_report
from tests.factories import AssignmentFactory, DepartmentFactory, ReportFactory, TaskFactory, UserFactory
from tests.reports.cast import DUE_DAY, PERIOD, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

AFTER_DUE = datetime.date(2026, 11, 9)  # the Monday after the due Friday


def status(report) -> str:
    return Report.objects.values_list("status", flat=True).get(pk=report.pk)


class TestWorkflow:
    def test_liaison_submits_and_office_approves(self, built, liaison, office):
        submit_report(built, liaison)
        assert (built.status, built.submitted_by) == (Report.Status.SUBMITTED, liaison)
        assert built.submitted_at is not None

        approve_report(built, office)
        assert (built.status, built.reviewed_by) == (Report.Status.APPROVED, office)

    def test_returned_with_a_reason_then_fixed_and_submitted_again(self, built, liaison, office):
        submit_report(built, liaison)
        return_report(built, office, reason="第3项进展描述过于简单。")
        assert (built.status, built.review_comment) == (Report.Status.RETURNED, "第3项进展描述过于简单。")

        submit_report(built, liaison)
        assert built.status == Report.Status.SUBMITTED

    def test_return_needs_a_reason(self, built, liaison, office):
        submit_report(built, liaison)
        with pytest.raises(ValidationError, match="Give the department a reason"):
            return_report(built, office, reason="  ")
        assert status(built) == Report.Status.SUBMITTED

    def test_wrong_state_is_a_clear_error(self, report, built, liaison, office):
        with pytest.raises(
            ValidationError, match="Only a submitted report can be approved; this one is “Done”."
        ):
            approve_report(built, office)
        Report.objects.filter(pk=built.pk).update(status=Report.Status.RUNNING)
        with pytest.raises(
            ValidationError, match="Only a built or returned report can be submitted; this one is “Running”."
        ):
            submit_report(built, liaison)
        assert status(built) == Report.Status.RUNNING

    def test_wrong_roles_are_refused_and_out_of_scope_is_not_found(
        self, built, liaison, other_liaison, office, leader, outsider
    ):
        with pytest.raises(NotPermitted):
            submit_report(built, office)
        with pytest.raises(NotPermitted):
            submit_report(built, leader)
        with pytest.raises(Report.DoesNotExist):
            submit_report(built, other_liaison)
        submit_report(built, liaison)
        with pytest.raises(NotPermitted):
            approve_report(built, liaison)
        with pytest.raises(NotPermitted):
            return_report(built, leader, reason="x")
        with pytest.raises(Report.DoesNotExist):
            approve_report(built, outsider)
        assert status(built) == Report.Status.SUBMITTED


class TestLateDepartments:
    @pytest.fixture
    def late_cast(self, report_tasks, county_task, changsha_task, liaison, other_liaison):
        return report_tasks

    def names(self, region, day=AFTER_DUE):
        return sorted(d.name for d in late_departments(region, PERIOD, day))

    def test_nobody_is_late_until_the_due_date_has_passed(self, late_cast, zhengzhou):
        assert self.names(zhengzhou, DUE_DAY) == []

    def test_departments_with_tasks_and_no_handed_in_report_are_late(
        self, late_cast, zhengzhou, insurance_bureau, health_commission
    ):
        ReportFactory(department=insurance_bureau, period=PERIOD, status=Report.Status.SUBMITTED)
        ReportFactory(department=health_commission, period=PERIOD, status=Report.Status.RETURNED)
        DepartmentFactory(region=zhengzhou, name="郑州市无任务局")

        assert self.names(zhengzhou) == ["中原区人民政府", "郑州市卫生健康委员会"]

    def test_reminded_once_a_day_even_when_run_twice(
        self, late_cast, insurance_bureau, django_capture_on_commit_callbacks
    ):
        ReportFactory(department=insurance_bureau, period=PERIOD, status=Report.Status.APPROVED)
        with django_capture_on_commit_callbacks(execute=True):
            first = remind_job.delay(AFTER_DUE.isoformat()).get()
        with django_capture_on_commit_callbacks(execute=True):
            second = remind_job.delay(AFTER_DUE.isoformat()).get()

        assert (first["claimed"], second["claimed"]) == (1, 0)  # 卫健委's liaison; 医保局 approved
        reminder = Reminder.objects.get()
        assert (reminder.kind, reminder.recipient.username, reminder.status) == (
            "report",
            "zz_health",
            "sent",
        )
        assert [m.to for m in mail.outbox] == [["zz_health@example.com"]]
        # In Chinese, the portal's language for every recipient.
        assert mail.outbox[0].subject == "贵部门的工作进展报表已逾期"
        assert "应于 2026-11-06 前报送" in mail.outbox[0].body

    def test_no_reminders_on_a_day_off(self, late_cast):
        assert remind_job.delay("2026-11-08").get()["workday"] is False  # a Sunday
        assert not Reminder.objects.exists()

    def test_the_office_page_lists_them(self, client, late_cast, office, liaison):
        response = login(client, office).get(reverse("late_reports"), {"period": PERIOD})

        assert response.status_code == 200
        html = response.content.decode()
        # The real date is after the due date of October 2026.
        assert "郑州市医疗保障局" in html
        assert "郑州市卫生健康委员会" in html
        assert "长沙市医疗保障局" not in html
        assert login(client, liaison).get(reverse("late_reports")).status_code == 403


class TestPages:
    def test_office_list_shows_departments_in_scope_with_late_flags_and_build_buttons(
        self, client, built, office
    ):
        response = login(client, office).get(reverse("report_list"), {"period": PERIOD})

        html = response.content.decode()
        assert response.status_code == 200
        assert html.count('class="report-row') == 2  # 医保局 and 卫健委: the departments with tasks
        assert reverse("report_detail", args=[built.pk]) in html
        assert "table-danger late" in html
        assert reverse("ledger_build") in html

    def test_liaison_list_shows_their_own_reports(self, client, built, liaison, other_liaison):
        assert (
            reverse("report_detail", args=[built.pk])
            in login(client, liaison).get(reverse("report_list")).content.decode()
        )
        assert (
            reverse("report_detail", args=[built.pk])
            not in login(client, other_liaison).get(reverse("report_list")).content.decode()
        )

    def test_building_page_polls_and_stops_when_done(self, client, report, liaison):
        login(client, liaison)
        page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
        assert f'hx-get="{reverse("report_progress", args=[report.pk])}" hx-trigger="every 1s"' in page

        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.DONE, file="reports/x.xlsx", progress=100
        )
        partial = client.get(reverse("report_progress", args=[report.pk]), headers={"HX-Request": "true"})
        assert partial["HX-Refresh"] == "true"
        assert "every 1s" not in partial.content.decode()
        assert reverse("report_download", args=[report.pk]) in partial.content.decode()

    def test_failed_report_shows_its_error(self, client, report, office):
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, error="The report could not be built: disk full"
        )
        html = login(client, office).get(reverse("report_detail", args=[report.pk])).content.decode()
        assert "The report could not be built: disk full" in html

    def test_download_is_an_attachment_in_scope_only(
        self, client, built, liaison, other_liaison, outsider, leader
    ):
        response = login(client, liaison).get(reverse("report_download", args=[built.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="report-')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:2] == b"PK"
        assert login(client, leader).get(reverse("report_download", args=[built.pk])).status_code == 200
        for stranger in (other_liaison, outsider):
            assert login(client, stranger).get(reverse("report_download", args=[built.pk])).status_code == 404
            assert login(client, stranger).get(reverse("report_detail", args=[built.pk])).status_code == 404

    def test_posts_answer_403_for_leaders_404_out_of_scope_and_change_nothing(
        self, client, built, leader, other_liaison, outsider
    ):
        for url in ("report_submit", "report_approve", "report_return"):
            assert (
                login(client, leader).post(reverse(url, args=[built.pk]), {"reason": "x"}).status_code == 403
            )
            assert login(client, other_liaison).post(reverse(url, args=[built.pk])).status_code == 404
            assert login(client, outsider).post(reverse(url, args=[built.pk])).status_code == 404
        assert login(client, leader).post(reverse("report_upload", args=[built.pk])).status_code == 403
        response = login(client, leader).post(
            reverse("report_build"), {"department": built.department_id, "period": PERIOD}
        )
        assert response.status_code == 403
        assert status(built) == Report.Status.DONE

    def test_submit_approve_and_return_through_the_pages(self, client, built, liaison, office):
        assert login(client, liaison).post(reverse("report_submit", args=[built.pk])).status_code == 302
        response = login(client, office).post(reverse("report_return", args=[built.pk]), {"reason": ""})
        assert response.status_code == 400
        assert "Give the department a reason" in response.content.decode()
        assert client.post(reverse("report_approve", args=[built.pk])).status_code == 302
        assert status(built) == Report.Status.APPROVED
        response = client.post(reverse("report_approve", args=[built.pk]))
        assert response.status_code == 400
        assert "this one is “Approved”" in response.content.decode()

    def test_build_button_queues_and_shows_the_report(
        self, client, report_tasks, office, insurance_bureau, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(client, office).post(
                reverse("report_build"), {"department": insurance_bureau.pk, "period": PERIOD}
            )

        report = Report.objects.get(department=insurance_bureau, period=PERIOD)
        assert response.status_code == 302
        assert response["Location"] == reverse("report_detail", args=[report.pk])
        assert report.status == Report.Status.DONE

    def test_ledger_button_queues_the_office_ledger(
        self, client, report_tasks, office, zhengzhou, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False):
            response = login(client, office).post(reverse("ledger_build"), {"period": PERIOD})

        ledger = Report.objects.get(kind=Report.Kind.LEDGER, region=zhengzhou, period=PERIOD)
        assert response["Location"] == reverse("report_detail", args=[ledger.pk])
        assert login(client, office).get(response["Location"]).status_code == 200

    def test_leaders_see_build_and_download_the_office_ledger_but_build_no_department_report(
        self,
        client,
        built,
        report_tasks,
        leader,
        zhengzhou,
        insurance_bureau,
        django_capture_on_commit_callbacks,
    ):
        # The decision: leaders may request and download the ledger (台账 and 通报) of their scope;
        # department reports stay with office staff (page, API and service say the same).
        html = login(client, leader).get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert reverse("ledger_build") in html
        assert reverse("report_build") not in html  # no department report's build button

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("ledger_build"), {"period": PERIOD})
        ledger = Report.objects.get(kind=Report.Kind.LEDGER, region=zhengzhou, period=PERIOD)
        assert response["Location"] == reverse("report_detail", args=[ledger.pk])
        assert ledger.status == Report.Status.DONE
        download = client.get(reverse("report_download", args=[ledger.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")

        before = Report.objects.count()
        refused = client.post(reverse("report_build"), {"department": insurance_bureau.pk, "period": PERIOD})
        assert refused.status_code == 403
        assert Report.objects.count() == before

    def test_liaisons_may_not_build_the_office_ledger(self, client, report_tasks, liaison):
        response = login(client, liaison).post(reverse("ledger_build"), {"period": PERIOD})
        assert response.status_code == 403
        assert not Report.objects.filter(kind=Report.Kind.LEDGER).exists()
        html = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert reverse("ledger_build") not in html

    def test_nav_links_the_reports_page(self, client, liaison):
        assert reverse("report_list") in login(client, liaison).get(reverse("home")).content.decode()


class TestQueryCounts:
    def grow(self, zhengzhou, zhengzhou_document, count):
        for n in range(count):
            department = DepartmentFactory(region=zhengzhou, name=f"郑州市第{n}局")
            task = TaskFactory(document=zhengzhou_document, position=100 + n)
            AssignmentFactory(task=task, department=department)
            ReportFactory(department=department, period=PERIOD)
            UserFactory(liaison=True, department=department)

    def test_office_list_is_constant(
        self, client, built, office, zhengzhou, zhengzhou_document, django_assert_num_queries
    ):
        login(client, office)
        with django_assert_num_queries(6):
            client.get(reverse("report_list"), {"period": PERIOD})
        self.grow(zhengzhou, zhengzhou_document, 15)
        with django_assert_num_queries(6):
            response = client.get(reverse("report_list"), {"period": PERIOD})
        assert response.content.decode().count('class="report-row') == 17

    def test_detail_and_progress_are_constant(self, client, built, liaison, django_assert_num_queries):
        login(client, liaison)
        # The rows recorded through the report (none yet): tests/reports/test_report_review.py.
        with django_assert_num_queries(6):
            client.get(reverse("report_detail", args=[built.pk]))
        with django_assert_num_queries(3):
            client.get(reverse("report_progress", args=[built.pk]))

    def test_fill_page_is_constant(
        self, client, built, liaison, insurance_bureau, zhengzhou_document, django_assert_num_queries
    ):
        login(client, liaison)
        with django_assert_num_queries(7):
            client.get(reverse("report_fill", args=[built.pk]))
        for n in range(10):
            AssignmentFactory(
                task=TaskFactory(document=zhengzhou_document, position=200 + n), department=insurance_bureau
            )
        with django_assert_num_queries(7):
            client.get(reverse("report_fill", args=[built.pk]))

"""「全部生成」: one job builds every department's report of a period, one progress bar; the /reports/
list in the order a clerk expects (leading more tasks first, then pinyin)."""

import pytest
from django.urls import reverse

from tasks.models import Assignment, Report, ReportBatch
from tasks.reports.services.batch import build_all_reports, request_all_reports
from tasks.reports.services.ordering import clerk_order, pinyin_key
from tests.factories import AssignmentFactory, DepartmentFactory, TaskFactory
from tests.reports.cast import PERIOD, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]


def test_build_all_builds_each_department_with_tasks_in_one_job(
    client,
    report_tasks,
    office,
    zhengzhou,
    insurance_bureau,
    health_commission,
    django_capture_on_commit_callbacks,
):
    idle = DepartmentFactory(region=zhengzhou, name="郑州市档案局")  # no tasks: left out
    login(client, office)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("report_build_all"), {"period": PERIOD})
    assert response.status_code == 302
    assert len(callbacks) == 1  # one job, not one per department
    batch = ReportBatch.objects.get()
    assert (batch.status, batch.total, batch.done, batch.progress) == (ReportBatch.Status.DONE, 2, 2, 100)
    built = dict(Report.objects.filter(period=PERIOD).values_list("department_id", "status"))
    assert built == {insurance_bureau.pk: Report.Status.DONE, health_commission.pk: Report.Status.DONE}
    assert idle.pk not in built

    # The list shows the finished bar; the partial is what htmx polls (and it stops once done).
    page = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
    assert "report-batch" in page
    assert "2 of 2 departments" in page
    assert "pct-20" in page
    partial = client.get(reverse("report_batch_progress", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true"


def test_a_batch_already_running_is_answered_and_a_rerun_builds_nothing_twice(report_tasks, office):
    first = request_all_reports(office, PERIOD)
    assert request_all_reports(office, PERIOD) == first
    assert build_all_reports(first.pk) == ReportBatch.Status.DONE
    files = set(Report.objects.values_list("file", flat=True))
    assert build_all_reports(first.pk) == ReportBatch.Status.DONE  # not claimed again
    second = request_all_reports(office, PERIOD)
    assert second != first
    build_all_reports(second.pk)
    assert set(Report.objects.values_list("file", flat=True)) == files  # built reports are reused


def test_only_office_staff_build_all(client, report_tasks, leader, liaison, outsider):
    for user in (leader, liaison):
        login(client, user)
        assert client.post(reverse("report_build_all"), {"period": PERIOD}).status_code == 403
    assert not ReportBatch.objects.exists()
    login(client, outsider)
    client.post(reverse("report_build_all"), {"period": PERIOD})
    batch = ReportBatch.objects.get()
    login(client, leader)  # another region's batch does not exist for 郑州市
    assert client.get(reverse("report_batch_progress", args=[batch.pk])).status_code == 404


class TestClerkOrder:
    def test_pinyin_not_character_codes(self):
        names = ["卫生局", "安监局", "财政局"]
        assert sorted(names) == ["卫生局", "安监局", "财政局"]  # code points: wèi, ān, cái
        assert sorted(names, key=pinyin_key) == ["安监局", "财政局", "卫生局"]

    def test_leading_more_tasks_first_then_pinyin_on_the_list(
        self, client, office, zhengzhou, zhengzhou_document
    ):
        departments = {
            name: DepartmentFactory(region=zhengzhou, name=name) for name in ("卫生局", "安监局", "财政局")
        }
        for position, (name, role) in enumerate(
            [
                ("卫生局", Assignment.Role.LEAD),
                ("卫生局", Assignment.Role.CO_LEAD),
                ("财政局", Assignment.Role.LEAD),
                ("安监局", Assignment.Role.LEAD),
                ("安监局", Assignment.Role.COOPERATING),
            ]
        ):
            AssignmentFactory(
                task=TaskFactory(document=zhengzhou_document, position=position),
                department=departments[name],
                role=role,
            )
        assert [
            d.name
            for d in clerk_order(
                type(departments["卫生局"]).objects.filter(pk__in=[d.pk for d in departments.values()])
            )
        ] == ["卫生局", "安监局", "财政局"]
        login(client, office)
        page = client.get(reverse("report_list"), {"period": PERIOD}).content.decode()
        assert page.index("卫生局") < page.index("安监局") < page.index("财政局")

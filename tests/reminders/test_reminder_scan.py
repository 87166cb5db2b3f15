"""The daily reminder scan: one digest per person, on working days, never twice, escalated when late.

The day is Monday 16 June 2025; reminders cover what is due within 7 days, and tasks overdue by more
than 14 days go to the offices. The cast (tests/conftest.py):

    insurance_task  due 20 June (soon)       医保局 leads, 卫健委 cooperates
    health_task     due 10 June (6 days late) 卫健委
    county_task     due 1 May (46 days late)  中原区人民政府, which has no liaison
    changsha_task   due 1 June (15 days late) 长沙市医疗保障局, which has no liaison
"""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reform.celery import beat_schedule
from tasks.jobs import scan_reminders as scan_job
from tasks.models import Reminder, TaskStatus
from tasks.reminders.services import scan as reminder_scan
from tasks.reminders.services.scan import scan_reminders
from tests.factories import AssignmentFactory, DeadlineFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2025, 6, 16)
NATIONAL_DAY = datetime.date(2025, 10, 1)  # a Wednesday off
MAKE_UP_SATURDAY = datetime.date(2025, 10, 11)  # 调休: worked, in exchange for a day of the holiday


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_DUE_SOON_DAYS = 7
    settings.REMINDER_ESCALATE_AFTER_DAYS = 14
    settings.REMINDER_DIGEST_MAX_TASKS = 50
    settings.SITE_URL = "https://ledger.example.cn"


def due(task, day: datetime.date):
    DeadlineFactory(task=task, due_on=day, text=f"{day:%Y年%m月%d日}前", year=day.year)
    return task


@pytest.fixture
def ledger(insurance_task, health_task, county_task, changsha_task):
    due(insurance_task, datetime.date(2025, 6, 20))
    due(health_task, datetime.date(2025, 6, 10))
    due(county_task, datetime.date(2025, 5, 1))
    due(changsha_task, datetime.date(2025, 6, 1))
    return {
        "insurance": insurance_task,
        "health": health_task,
        "county": county_task,
        "changsha": changsha_task,
    }


@pytest.fixture
def cast(liaison, other_liaison, office, leader, province_office, outsider):
    return {u.username: u for u in (liaison, other_liaison, office, leader, province_office, outsider)}


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Scan as the job does: the emails go out once the scan's transaction commits."""

    def scan(day=MONDAY, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return scan_reminders(day, **kwargs)

    return scan


def digests():
    return {
        (r.recipient.username, r.kind): sorted(t.pk for t in r.tasks.all())
        for r in Reminder.objects.select_related("recipient").prefetch_related("tasks")
    }


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


class TestLiaisonDigests:
    def test_each_liaison_gets_one_digest_of_their_departments_overdue_and_due_soon_tasks(
        self, scan, ledger, cast
    ):
        scan()

        found = digests()
        assert found[("zz_insurance", Reminder.Kind.DIGEST)] == [ledger["insurance"].pk]
        assert found[("zz_health", Reminder.Kind.DIGEST)] == sorted(
            [ledger["insurance"].pk, ledger["health"].pk]
        )
        assert all(r.status == Reminder.Status.SENT for r in Reminder.objects.all())

    def test_one_email_per_person_however_many_tasks(
        self, scan, ledger, cast, zhengzhou_document, insurance_bureau
    ):
        for n in range(5):
            task = TaskFactory(document=zhengzhou_document, position=100 + n)
            AssignmentFactory(task=task, department=insurance_bureau)
            due(task, MONDAY - datetime.timedelta(days=n + 1))

        scan()

        assert recipients() == sorted(f"{name}@example.com" for name in cast)
        [insurance_email] = [m for m in mail.outbox if m.to == ["zz_insurance@example.com"]]
        assert insurance_email.body.count("https://ledger.example.cn/tasks/") - 1 == 6  # and the list

    def test_the_digest_is_in_chinese_with_links_in_text_and_html(self, scan, ledger, cast):
        scan()

        [email] = [m for m in mail.outbox if m.to == ["zz_health@example.com"]]
        health, insurance = ledger["health"], ledger["insurance"]
        assert "已逾期" in email.body
        assert "即将到期" in email.body
        assert "推进紧密型城市医疗集团建设" in email.body
        assert "郑州市2026年深化医改重点工作任务" in email.body
        assert "2025-06-10" in email.body
        assert "2025-06-20" in email.body
        assert f"https://ledger.example.cn/tasks/{health.pk}/" in email.body
        assert "https://ledger.example.cn/tasks/mine/" in email.body
        [(html, mimetype)] = email.alternatives
        assert mimetype == "text/html"
        assert f'href="https://ledger.example.cn/tasks/{health.pk}/"' in html
        assert f'href="https://ledger.example.cn/tasks/{insurance.pk}/"' in html
        assert "全面推进DRG/DIP支付方式改革" in html
        # Overdue first, then due soon.
        assert email.body.index("推进紧密型城市医疗集团建设") < email.body.index(
            "全面推进DRG/DIP支付方式改革"
        )

    def test_a_long_digest_lists_the_first_tasks_and_links_to_the_rest(
        self, settings, scan, ledger, liaison, zhengzhou_document, insurance_bureau
    ):
        settings.REMINDER_DIGEST_MAX_TASKS = 3
        for n in range(5):
            task = TaskFactory(document=zhengzhou_document, position=100 + n)
            AssignmentFactory(task=task, department=insurance_bureau)
            due(task, MONDAY - datetime.timedelta(days=n + 1))

        scan()

        [email] = mail.outbox
        assert email.body.count("https://ledger.example.cn/tasks/") - email.body.count("/tasks/mine/") == 3
        assert "5" in email.subject
        assert "1" in email.subject

    def test_closed_tasks_and_tasks_due_later_are_left_out(self, scan, ledger, liaison, other_liaison):
        type(ledger["health"]).objects.filter(pk=ledger["health"].pk).update(status=TaskStatus.COMPLETED)
        due(TaskFactory(document=ledger["insurance"].document), MONDAY + datetime.timedelta(days=8))

        scan()

        found = digests()
        assert found[("zz_health", Reminder.Kind.DIGEST)] == [ledger["insurance"].pk]
        assert found[("zz_insurance", Reminder.Kind.DIGEST)] == [ledger["insurance"].pk]

    def test_a_liaison_with_nothing_due_gets_nothing(self, scan, health_task, other_liaison):
        due(health_task, MONDAY + datetime.timedelta(days=30))

        result = scan()

        assert result.digests == []
        assert mail.outbox == []


class TestEscalation:
    def test_tasks_late_by_more_than_the_limit_go_to_the_offices_and_leaders_that_see_them(
        self, scan, ledger, cast
    ):
        scan()

        found = digests()
        county, changsha = ledger["county"].pk, ledger["changsha"].pk
        assert found[("zz_office", Reminder.Kind.ESCALATION)] == [county]
        assert found[("zz_leader", Reminder.Kind.ESCALATION)] == [county]
        assert found[("ha_office", Reminder.Kind.ESCALATION)] == [county]
        assert found[("cs_office", Reminder.Kind.ESCALATION)] == [changsha]
        # 卫健委's task is six days late: its liaison hears of it, the office not yet.
        assert ledger["health"].pk not in found[("zz_office", Reminder.Kind.ESCALATION)]

    def test_a_task_exactly_at_the_limit_is_not_escalated(self, settings, scan, ledger, office):
        settings.REMINDER_ESCALATE_AFTER_DAYS = 15  # changsha_task is 15 days late, county_task 46

        scan()

        assert digests()[("zz_office", Reminder.Kind.ESCALATION)] == [ledger["county"].pk]
        assert ("cs_office", Reminder.Kind.ESCALATION) not in digests()

    def test_the_escalation_email_names_the_limit_and_links_to_the_overdue_list(self, scan, ledger, office):
        scan()

        [email] = mail.outbox
        assert "14" in email.subject
        assert "各县（区）落实基层医疗卫生机构建设" in email.body
        assert "https://ledger.example.cn/tasks/?overdue=true" in email.body
        assert f'href="https://ledger.example.cn/tasks/{ledger["county"].pk}/"' in email.alternatives[0][0]


class TestNeverTwice:
    def test_a_second_scan_the_same_day_sends_nothing(self, scan, ledger, cast):
        first = scan()
        sent = len(mail.outbox)
        mail.outbox.clear()

        second = scan()

        assert sent == 6
        assert len(first.claimed) == 6
        assert mail.outbox == []
        assert second.claimed == []
        assert len(second.already_sent) == 6
        assert Reminder.objects.count() == 6

    def test_the_next_working_day_sends_again(self, scan, ledger, liaison):
        scan()
        scan(MONDAY + datetime.timedelta(days=1))

        assert len(mail.outbox) == 2

    def test_a_failed_send_is_not_claimed_again_by_a_rerun(self, scan, ledger, liaison):
        with (
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=ValueError("bad header"),
            ),
            pytest.raises(ValueError, match="bad header"),
        ):
            scan()

        scan()

        assert mail.outbox == []
        assert Reminder.objects.get().status == Reminder.Status.FAILED


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_digest_once(ledger, cast):
    # Both scans plan before either claims, so both try to insert the same claims: the unique
    # constraint makes one insert wait for the other's commit and then fail.
    # SQLite takes the write lock when a transaction begins (transaction_mode IMMEDIATE): there the
    # second scan waits for the first to commit and finds its claims, and cannot plan beside it.
    interleave = connection.vendor == "postgresql"
    barrier = threading.Barrier(2, timeout=20)
    real_plan = reminder_scan.plan_digests
    errors = []

    def plan_then_wait(day):
        planned = real_plan(day)
        if interleave:
            barrier.wait()
        return planned

    def run():
        try:
            scan_reminders(MONDAY)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(reminder_scan, "plan_digests", plan_then_wait):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert recipients() == sorted(f"{name}@example.com" for name in cast)
    assert Reminder.objects.count() == 6


class TestWorkingDays:
    def test_a_public_holiday_sends_nothing(self, scan, ledger, cast):
        result = scan(NATIONAL_DAY)

        assert not result.workday
        assert mail.outbox == []
        assert not Reminder.objects.exists()

    def test_a_weekend_sends_nothing(self, scan, ledger, cast):
        assert not scan(datetime.date(2025, 6, 15)).workday
        assert mail.outbox == []

    def test_a_make_up_saturday_is_a_working_day(self, scan, health_task, other_liaison):
        due(health_task, MAKE_UP_SATURDAY + datetime.timedelta(days=3))

        result = scan(MAKE_UP_SATURDAY)

        assert result.workday
        assert [m.to for m in mail.outbox] == [["zz_health@example.com"]]


class TestQueries:
    def test_the_scan_takes_the_same_queries_however_many_tasks_and_people(
        self,
        django_capture_on_commit_callbacks,
        ledger,
        cast,
        zhengzhou_document,
        insurance_bureau,
        zhengzhou,
    ):
        def count(day):
            with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
                scan_reminders(day)
            return len(queries)

        small = count(MONDAY)
        for n in range(20):
            task = TaskFactory(document=zhengzhou_document, position=200 + n)
            AssignmentFactory(task=task, department=insurance_bureau)
            due(task, MONDAY - datetime.timedelta(days=n))
        for n in range(5):
            UserFactory(username=f"more_liaison{n}", liaison=True, department=insurance_bureau)
            UserFactory(username=f"more_office{n}", office=True, region=zhengzhou)
        larger = count(MONDAY + datetime.timedelta(days=1))

        # The scan's savepoint; liaisons, their overdue and their due-soon tasks, offices and leaders,
        # their late tasks, today's claims; the claims' savepoint, insert and release; the digests'
        # tasks in one insert; in-app, the events, their notifications and the reminders' link to
        # them; release.
        assert small == larger == 15


class TestJobAndCommand:
    def test_the_job_takes_a_date_string_and_reports_in_json(
        self, django_capture_on_commit_callbacks, ledger, cast
    ):
        with django_capture_on_commit_callbacks(execute=True):
            summary = scan_job.delay("2025-06-16").get()

        assert summary == {
            "today": "2025-06-16",
            "workday": True,
            "digests": 6,
            "already_sent": 0,
            "claimed": 6,
            "escalation": {"today": "2025-06-16", "workday": True, "escalated": 0},
        }
        assert scan_job.acks_late
        assert len(mail.outbox) == 6

    def test_the_job_does_nothing_on_a_holiday(self, ledger, cast):
        assert scan_job.delay(NATIONAL_DAY.isoformat()).get()["workday"] is False

    def test_the_beat_schedule_runs_the_scan_daily_at_the_configured_hour(self, settings):
        settings.REMINDER_SCAN_HOUR = 8
        settings.REMINDER_SCAN_MINUTE = 30

        entry = beat_schedule(settings)["reminder-scan-every-working-day"]

        assert entry["task"] == "tasks.scan_reminders"
        assert entry["schedule"].hour == {8}
        assert entry["schedule"].minute == {30}

    def test_dry_run_prints_who_gets_what_and_sends_nothing(self, capsys, ledger, cast):
        call_command("send_reminders", "--today", "2025-06-16", "--dry-run")

        out = capsys.readouterr().out
        assert "zz_health <zz_health@example.com> digest: 1 overdue, 1 due soon — would send" in out
        assert "zz_office <zz_office@example.com> escalation: 1 overdue, 0 due soon — would send" in out
        assert mail.outbox == []
        assert not Reminder.objects.exists()

    def test_the_command_sends_and_a_rerun_says_already_sent(
        self, django_capture_on_commit_callbacks, capsys, ledger, cast
    ):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("send_reminders", "--today", "2025-06-16")

        out = capsys.readouterr().out
        assert len(mail.outbox) == 6
        assert "zz_insurance <zz_insurance@example.com> digest: 0 overdue, 1 due soon — sent" in out
        assert "already sent today" in out
        assert "6 digest(s), sent 0, 6 already sent today" in out

    def test_the_command_says_when_the_day_is_off(self, capsys, ledger, cast):
        call_command("send_reminders", "--today", "2025-10-01")

        assert "not a working day" in capsys.readouterr().out

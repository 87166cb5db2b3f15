"""Manual reminders (催办): one email per liaison of the task's departments, never twice a day."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from tasks.access import NotPermitted
from tasks.jobs import deliver_reminder
from tasks.models import Reminder, Task
from tasks.reminders.services.sending import send_manual_reminder
from tests.factories import ReminderFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "请于本周五前报送DRG/DIP改革进展及佐证材料。"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send as the views will: the jobs run once the transaction commits."""

    def send(task, sender, message=MESSAGE):
        with django_capture_on_commit_callbacks(execute=True):
            return send_manual_reminder(task, sender, message=message)

    return send


@pytest.fixture
def second_insurance_liaison(insurance_bureau):
    return UserFactory(
        username="zz_insurance_2", first_name="医保局副联络员", liaison=True, department=insurance_bureau
    )


class TestSending:
    def test_one_email_per_liaison_of_each_assigned_department(
        self, send, office, insurance_task, liaison, other_liaison, second_insurance_liaison
    ):
        reminders = send(insurance_task, office)

        assert sorted(r.recipient.username for r in reminders) == [
            "zz_health",
            "zz_insurance",
            "zz_insurance_2",
        ]
        assert sorted(m.to[0] for m in mail.outbox) == [
            "zz_health@example.com",
            "zz_insurance@example.com",
            "zz_insurance_2@example.com",
        ]
        assert all(r.status == Reminder.Status.SENT for r in Reminder.objects.all())
        assert (
            Reminder.objects.filter(kind=Reminder.Kind.MANUAL, sender=office, task=insurance_task).count()
            == 3
        )

    def test_the_email_is_in_chinese_with_the_message_and_a_link(self, send, office, insurance_task, liaison):
        send(insurance_task, office)

        [email] = [m for m in mail.outbox if m.to == [liaison.email]]
        assert "全面推进DRG/DIP支付方式改革" in email.subject
        assert MESSAGE in email.body
        assert f"http://127.0.0.1:8000/tasks/{insurance_task.pk}/" in email.body
        [(html, mimetype)] = email.alternatives
        assert mimetype == "text/html"
        assert MESSAGE in html
        assert f'href="http://127.0.0.1:8000/tasks/{insurance_task.pk}/"' in html

    def test_the_email_is_rendered_in_the_sites_language_not_the_senders(
        self, send, office, insurance_task, liaison
    ):
        send(insurance_task, office)

        assert translation.get_language() == "en"
        assert "全面推进" in mail.outbox[0].subject

    def test_the_days_are_counted_in_shanghai(self, office, insurance_task, liaison):
        reminders = send_manual_reminder(insurance_task, office, message=MESSAGE)

        assert (
            reminders[0].sent_on
            == datetime.datetime.now(datetime.UTC)
            .astimezone(datetime.timezone(datetime.timedelta(hours=8)))
            .date()
        )

    def test_nothing_is_sent_before_the_transaction_commits(
        self, django_capture_on_commit_callbacks, office, insurance_task, liaison
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            send_manual_reminder(insurance_task, office, message=MESSAGE)

        assert len(callbacks) == 1
        assert mail.outbox == []
        assert Reminder.objects.get().status == Reminder.Status.CLAIMED

    def test_inactive_users_and_other_roles_are_not_reminded(
        self, send, office, insurance_task, liaison, insurance_bureau
    ):
        UserFactory(liaison=True, department=insurance_bureau, is_active=False)

        send(insurance_task, office)

        assert [m.to for m in mail.outbox] == [[liaison.email]]

    def test_the_queries_do_not_grow_with_the_recipients(
        self, office, insurance_task, insurance_bureau, django_assert_num_queries
    ):
        for n in range(10):
            UserFactory(liaison=True, department=insurance_bureau, username=f"many{n}")

        # Scope, liaisons, reminded today and one insert, plus the transaction's and the insert's
        # savepoints; then the in-app event: the document (its region), the event, its notifications,
        # the robots to post it, and the reminders' link to the event.
        with django_assert_num_queries(12):
            reminders = send_manual_reminder(insurance_task, office, message=MESSAGE)

        assert len(reminders) == 10


class TestTwiceOnTheSameDay:
    def test_the_second_reminder_skips_who_has_one_and_says_so(
        self, send, office, insurance_task, liaison, other_liaison
    ):
        send(insurance_task, office)
        mail.outbox.clear()
        newcomer = UserFactory(username="zz_health_2", liaison=True, department=other_liaison.department)

        again = send(insurance_task, office, message="再次提醒。")

        assert [r.recipient for r in again] == [newcomer]
        assert sorted(u.username for u in again.skipped) == ["zz_health", "zz_insurance"]
        assert [m.to for m in mail.outbox] == [[newcomer.email]]
        assert Reminder.objects.count() == 3

    def test_a_claim_lost_to_a_concurrent_sender_is_skipped(
        self, send, office, insurance_task, liaison, other_liaison
    ):
        # Another sender claimed the liaison's reminder between our read and our insert.
        real_filter = Reminder.objects.filter

        def stale_read(*args, **kwargs):
            if "sent_on" not in kwargs:
                return real_filter(*args, **kwargs)
            ReminderFactory(
                task=insurance_task, recipient=liaison, kind=Reminder.Kind.MANUAL, sent_on=kwargs["sent_on"]
            )
            return real_filter(pk=None)

        with mock.patch.object(Reminder.objects, "filter", side_effect=stale_read, autospec=False):
            reminders = send(insurance_task, office)

        assert [r.recipient for r in reminders] == [other_liaison]
        assert [u.username for u in reminders.skipped] == ["zz_insurance"]
        assert [m.to for m in mail.outbox] == [[other_liaison.email]]

    def test_a_reminder_on_another_day_is_sent(self, send, office, insurance_task, liaison):
        ReminderFactory(
            task=insurance_task,
            recipient=liaison,
            kind=Reminder.Kind.MANUAL,
            sent_on=datetime.date(2020, 1, 1),
        )

        assert len(send(insurance_task, office)) == 1


class TestRefusals:
    @pytest.mark.parametrize("persona", ["liaison", "leader"])
    def test_liaisons_and_leaders_cannot_send(self, request, persona, insurance_task, liaison):
        with pytest.raises(NotPermitted):
            send_manual_reminder(insurance_task, request.getfixturevalue(persona), message=MESSAGE)
        assert not Reminder.objects.exists()

    def test_an_office_of_another_city_does_not_see_the_task(self, outsider, insurance_task, liaison):
        with pytest.raises(Task.DoesNotExist):
            send_manual_reminder(insurance_task, outsider, message=MESSAGE)
        assert not Reminder.objects.exists()

    def test_a_message_is_required(self, office, insurance_task, liaison):
        with pytest.raises(ValidationError, match="Write a message"):
            send_manual_reminder(insurance_task, office, message="  ")
        assert not Reminder.objects.exists()

    def test_a_task_without_liaisons(self, office, county_task):
        with pytest.raises(ValidationError, match="no active liaison|None of the departments"):
            send_manual_reminder(county_task, office, message=MESSAGE)
        assert not Reminder.objects.exists()


@pytest.fixture
def eager_retries():
    # With eager propagation Celery raises Retry instead of running the retry; without it, apply()
    # runs the retries in-process as a worker would (without the backoff wait).
    conf = deliver_reminder.app.conf
    saved = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = saved


class TestDelivery:
    def test_a_reminder_already_sent_is_not_sent_again(self, send, office, insurance_task, liaison):
        [reminder] = send(insurance_task, office)
        mail.outbox.clear()

        assert deliver_reminder.apply(args=[reminder.pk]).get() == "skipped"
        assert mail.outbox == []

    def test_transient_smtp_failures_are_retried_then_marked_failed(
        self, eager_retries, send, office, insurance_task, liaison
    ):
        error = smtplib.SMTPServerDisconnected("connection unexpectedly closed")
        with mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=error
        ) as sending:
            send(insurance_task, office)

        assert sending.call_count == 1 + deliver_reminder.max_retries
        reminder = Reminder.objects.get()
        assert reminder.status == Reminder.Status.FAILED
        assert "connection unexpectedly closed" in reminder.error
        assert mail.outbox == []

    def test_a_transient_failure_then_success_sends_once(
        self, eager_retries, send, office, insurance_task, liaison
    ):
        from django.core.mail.backends.locmem import EmailBackend

        real = EmailBackend.send_messages
        attempts = []

        def flaky(backend, messages):
            attempts.append(1)
            if len(attempts) == 1:
                raise TimeoutError("timed out")
            return real(backend, messages)

        with mock.patch.object(EmailBackend, "send_messages", flaky):
            send(insurance_task, office)

        assert len(attempts) == 2
        assert len(mail.outbox) == 1
        assert Reminder.objects.get().status == Reminder.Status.SENT

    def test_an_error_that_retrying_cannot_fix_is_marked_failed_at_once(
        self, send, office, insurance_task, liaison
    ):
        with (
            mock.patch(
                "django.core.mail.backends.locmem.EmailBackend.send_messages",
                side_effect=ValueError("bad header"),
            ) as sending,
            pytest.raises(ValueError, match="bad header"),
        ):
            send(insurance_task, office)

        assert sending.call_count == 1
        assert Reminder.objects.get().status == Reminder.Status.FAILED

    def test_a_recipient_without_an_email_address_is_marked_failed(
        self, send, office, insurance_task, liaison
    ):
        type(liaison).objects.filter(pk=liaison.pk).update(email="")

        send(insurance_task, office)

        reminder = Reminder.objects.get()
        assert (reminder.status, reminder.error) == (
            Reminder.Status.FAILED,
            "The recipient has no email address.",
        )
        assert mail.outbox == []

    def test_a_digest_lists_its_tasks(self, office, insurance_task, health_task, liaison):
        digest = ReminderFactory(
            task=None, recipient=liaison, kind=Reminder.Kind.OVERDUE, message="以下任务已逾期。"
        )
        digest.tasks.set([insurance_task, health_task])

        assert deliver_reminder.apply(args=[digest.pk]).get() == "sent"

        [email] = mail.outbox
        assert "2" in email.subject
        assert "推进紧密型城市医疗集团建设" in email.body
        assert "全面推进DRG/DIP支付方式改革" in email.body

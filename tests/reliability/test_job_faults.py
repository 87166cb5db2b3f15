"""Jobs when their services fail: a mail server that hangs up, and Redis that is not there.

The worker killed mid-scan is in test_worker_killed.py (it needs a real Redis and a worker process).
"""

import datetime
import smtplib
import socket
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.urls import reverse
from django.utils import translation

from reform.celery import app
from tasks.jobs import TRANSIENT_MAIL_ERRORS, deliver_reminder
from tasks.models import ProgressUpdate, Reminder, Task, TaskStatus
from tasks.reminders.services import sending as reminders
from tasks.reminders.services.sending import send_manual_reminder

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
DELAYED = "Background jobs are delayed; reminders will be sent when the queue is back."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages in English (Chinese by default)
    return client


def claim_manual_reminder(task, office, django_capture_on_commit_callbacks) -> Reminder:
    """A claimed reminder whose delivery job has not run (the test runs it)."""
    with django_capture_on_commit_callbacks(execute=False):
        [reminder] = send_manual_reminder(task, office, message="请于本周内报送进展。")
    return reminder


class TestTheMailServerHangsUp:
    def test_delivery_retries_named_transient_errors_with_backoff(self):
        assert issubclass(smtplib.SMTPServerDisconnected, TRANSIENT_MAIL_ERRORS)
        assert deliver_reminder.autoretry_for == TRANSIENT_MAIL_ERRORS
        assert (deliver_reminder.retry_backoff, deliver_reminder.retry_backoff_max) == (30, 30 * 60)
        assert deliver_reminder.retry_jitter is True
        assert deliver_reminder.max_retries == 5

    @pytest.mark.django_db
    def test_a_transient_error_hands_the_reminder_back_for_the_retry(
        self, office, liaison, insurance_task, django_capture_on_commit_callbacks
    ):
        reminder = claim_manual_reminder(insurance_task, office, django_capture_on_commit_callbacks)
        error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

        with mock.patch(LOCMEM_SEND, side_effect=error), pytest.raises(Retry):
            deliver_reminder.apply(args=[reminder.pk], throw=True)

        reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.CLAIMED
        assert "Connection unexpectedly closed" in reminder.error
        assert mail.outbox == []

    @pytest.mark.django_db
    def test_once_the_retries_are_used_up_it_is_failed_and_the_office_sees_it_on_the_task_page(
        self, client, office, liaison, insurance_task, django_capture_on_commit_callbacks
    ):
        reminder = claim_manual_reminder(insurance_task, office, django_capture_on_commit_callbacks)
        conf = app.conf
        saved, conf.task_eager_propagates = conf.task_eager_propagates, False  # run the retries in-process
        try:
            error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            with mock.patch(LOCMEM_SEND, side_effect=error) as sending:
                deliver_reminder.apply(args=[reminder.pk])
        finally:
            conf.task_eager_propagates = saved

        assert sending.call_count == 1 + deliver_reminder.max_retries
        reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.FAILED
        assert "SMTPServerDisconnected" in reminder.error
        client.force_login(office)
        page = client.get(reverse("task_detail", args=[insurance_task.pk])).content.decode()
        assert "1 reminder about this task could not be sent by email." in page
        # The liaison, who has no remedy, is not shown the office's notice.
        client.force_login(liaison)
        page = client.get(reverse("task_detail", args=[insurance_task.pk])).content.decode()
        assert "could not be sent by email" not in page

    @pytest.mark.django_db
    def test_a_failed_digest_counts_on_the_page_of_each_task_it_lists(self, client, office, insurance_task):
        digest = Reminder.objects.create(
            recipient=office,
            kind=Reminder.Kind.ESCALATION,
            sent_on=datetime.date(2026, 6, 1),
            status=Reminder.Status.FAILED,
            error="SMTPServerDisconnected()",
        )
        digest.tasks.add(insurance_task)
        client.force_login(office)
        page = client.get(reverse("task_detail", args=[insurance_task.pk])).content.decode()
        assert "1 reminder about this task could not be sent by email." in page


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """REDIS_URL pointing at a port nobody listens on: the cache and the broker both refuse."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    conf = app.conf
    saved = {"task_always_eager": conf.task_always_eager, "broker_url": conf.broker_url}
    conf.update(task_always_eager=False, broker_url=url)
    app._pool = None  # the connection pool is built from broker_url on first use
    app.amqp._producer_pool = None
    yield url
    conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
class TestRedisIsDown:
    def test_the_pages_still_answer(self, client, office, insurance_task, redis_down):
        client.force_login(office)
        assert client.get(reverse("task_list")).status_code == 200
        assert client.get(reverse("task_detail", args=[insurance_task.pk])).status_code == 200
        assert client.get(reverse("dashboard")).status_code == 200

    def test_a_progress_report_is_saved(self, client, liaison, insurance_task, redis_down):
        client.force_login(liaison)
        response = client.post(
            reverse("task_progress", args=[insurance_task.pk]),
            {"status": TaskStatus.IN_PROGRESS, "percent": 35, "narrative": "已完成方案起草。"},
            follow=True,
        )

        assert response.status_code == 200
        assert "Progress reported." in response.content.decode()
        update = ProgressUpdate.objects.get(task=insurance_task)
        assert (update.percent, update.author) == (35, liaison)
        assert Task.objects.get(pk=insurance_task.pk).progress == 35

    def test_a_manual_reminder_is_kept_and_sent_once_the_queue_is_back(
        self, client, office, liaison, insurance_task, redis_down
    ):
        client.force_login(office)
        response = client.post(
            reverse("task_remind", args=[insurance_task.pk]), {"message": "请尽快报送。"}, follow=True
        )

        assert response.status_code == 200
        page = response.content.decode()
        assert "Notified 1 person (in-app). Email: 1 queued to send." in page
        assert DELAYED in page
        reminder = Reminder.objects.get()
        assert (reminder.recipient, reminder.status) == (liaison, Reminder.Status.CLAIMED)
        assert mail.outbox == []

        # Redis is back (jobs in-process here): the next scan's requeue sends it, once.
        app.conf.update(task_always_eager=True)
        assert reminders.requeue_unsent(older_than=datetime.timedelta(0)) == 1
        assert reminders.requeue_unsent(older_than=datetime.timedelta(0)) == 0
        assert Reminder.objects.get().status == Reminder.Status.SENT
        assert [message.to for message in mail.outbox] == [[liaison.email]]

"""The notification bell: the reminders a user received, with an unread count, the same rows as the emails."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tasks.models import Reminder
from tests.factories import ReminderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def received(liaison, other_liaison, office, insurance_task, health_task):
    manual = ReminderFactory(
        task=insurance_task,
        recipient=liaison,
        kind=Reminder.Kind.MANUAL,
        sender=office,
        message="请于周五前报送。",
    )
    digest = ReminderFactory(
        task=None, recipient=liaison, kind=Reminder.Kind.DIGEST, sent_on=datetime.date(2025, 6, 16)
    )
    digest.tasks.set([insurance_task, health_task])
    ReminderFactory(
        task=health_task, recipient=other_liaison, kind=Reminder.Kind.MANUAL, message="卫健委的催办。"
    )
    return {"manual": manual, "digest": digest}


def test_the_bell_counts_the_unread_reminders_of_the_user(client, liaison, received):
    client.force_login(liaison)

    response = client.get(reverse("notifications_unread"))

    assert response.status_code == 200
    assert '<span class="badge rounded-pill text-bg-danger" id="unread-badge">2' in response.content.decode()


def test_no_unread_reminders_shows_no_number(client, office, received):
    client.force_login(office)

    assert 'id="unread-badge"></span>' in client.get(reverse("notifications_unread")).content.decode()


def test_the_list_shows_a_users_own_reminders_with_their_tasks(client, liaison, received, insurance_task):
    client.force_login(liaison)

    page = client.get(reverse("notifications")).content.decode()

    assert "请于周五前报送。" in page
    assert "卫健委的催办。" not in page
    assert reverse("task_detail", args=[insurance_task.pk]) in page
    assert "2 项任务" in page  # an existing msgid, already translated
    assert page.count("unread") >= 2


def test_mark_all_as_read_empties_the_bell(client, liaison, received, other_liaison):
    client.force_login(liaison)

    response = client.post(reverse("notifications_read"))

    assert response.status_code == 302
    assert not Reminder.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    assert Reminder.objects.filter(recipient=other_liaison, read_at__isnull=True).exists()


def test_marking_read_needs_a_post(client, liaison, received):
    client.force_login(liaison)

    assert client.get(reverse("notifications_read")).status_code == 405


def test_every_page_fetches_the_bell_after_loading_so_its_queries_do_not_change(client, liaison):
    client.force_login(liaison)

    page = client.get(reverse("home")).content.decode()

    assert f'hx-get="{reverse("notifications_unread")}" hx-trigger="load"' in page
    assert f'href="{reverse("notifications")}"' in page


def test_the_anonymous_are_sent_to_log_in(client):
    assert client.get(reverse("notifications")).status_code == 302
    assert client.get(reverse("notifications_unread")).status_code == 302

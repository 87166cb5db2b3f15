"""消息: the events a person received, with read receipts, an unread count, 标为已读 and 全部已读.

The notifications are written by the services that cause them (a verification, a return, a 催办),
so these tests act through those services rather than inserting rows.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from tasks.ledger.services.progress import request_completion, return_task, verify_completion
from tasks.models import EventKind, Notification, Task
from tasks.reminders.services.sending import send_manual_reminder

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def received(liaison, other_liaison, office, insurance_task, health_task):
    """The insurance liaison: a 催办 and a returned completion; the health liaison: a 催办 of their own."""
    send_manual_reminder(insurance_task, office, message="请于周五前报送。")
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    return_task(task, office, reason="佐证材料不全", expected_version=task.version)
    send_manual_reminder(health_task, office, message="卫健委的催办。")
    return insurance_task


def test_the_services_write_one_notification_per_person(liaison, other_liaison, office, received):
    mine = Notification.objects.filter(recipient=liaison)
    assert sorted(mine.values_list("kind", flat=True)) == [EventKind.REMINDER, EventKind.TASK_RETURNED]
    # The health commission cooperates on the insurance task: reminded about both tasks, but the
    # return concerns the leading department only.
    assert sorted(Notification.objects.filter(recipient=other_liaison).values_list("kind", flat=True)) == [
        EventKind.REMINDER,
        EventKind.REMINDER,
    ]
    # The office does not hear of its own acts.
    assert not Notification.objects.filter(recipient=office).exists()
    returned = mine.get(kind=EventKind.TASK_RETURNED).event
    assert "佐证材料不全" in returned.body
    assert returned.url == reverse("task_detail", args=[received.pk])


def test_the_bell_counts_the_unread_notifications_of_the_user(client, liaison, received):
    client.force_login(liaison)

    response = client.get(reverse("notifications_unread"))

    assert response.status_code == 200
    assert '<span class="badge rounded-pill text-bg-danger" id="unread-badge">2' in response.content.decode()


def test_no_unread_notifications_shows_no_number(client, office, received):
    client.force_login(office)

    assert 'id="unread-badge"></span>' in client.get(reverse("notifications_unread")).content.decode()


def test_the_list_shows_a_users_own_notifications(client, liaison, received):
    client.force_login(liaison)

    page = client.get(reverse("notifications")).content.decode()

    assert "请于周五前报送。" in page
    assert "佐证材料不全" in page
    assert "卫健委的催办。" not in page
    assert page.count('class="list-group-item list-group-item-warning unread"') == 2


def test_opening_one_reads_it_and_goes_where_it_is_acted_on(client, liaison, received):
    client.force_login(liaison)
    notification = Notification.objects.get(recipient=liaison, kind=EventKind.TASK_RETURNED)

    response = client.get(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("task_detail", args=[received.pk])
    notification.refresh_from_db()
    first_read = notification.read_at
    assert first_read is not None
    # The receipt is the first reading: opening it again keeps the time.
    client.get(reverse("notification_open", args=[notification.pk]))
    notification.refresh_from_db()
    assert notification.read_at == first_read
    assert Notification.objects.filter(recipient=liaison, read_at__isnull=True).count() == 1


def test_mark_one_as_read(client, liaison, received):
    client.force_login(liaison)
    notification = Notification.objects.get(recipient=liaison, kind=EventKind.REMINDER)

    response = client.post(reverse("notification_read", args=[notification.pk]))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_reads_anothers_notification(client, liaison, other_liaison, received):
    client.force_login(other_liaison)
    notification = Notification.objects.get(recipient=liaison, kind=EventKind.REMINDER)

    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notification_read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_empties_the_bell_and_says_how_many(client, liaison, received, other_liaison):
    client.force_login(liaison)

    response = client.post(reverse("notifications_read"), follow=True)

    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_liaison, read_at__isnull=True).exists()


def test_marking_read_needs_a_post(client, liaison, received):
    client.force_login(liaison)

    assert client.get(reverse("notifications_read")).status_code == 405


def test_verification_reaches_the_leading_department(liaison, office, insurance_task):
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    verify_completion(task, office, expected_version=task.version)

    notice = Notification.objects.get(recipient=liaison)
    assert notice.kind == EventKind.TASK_VERIFIED
    assert notice.read_at is None


def test_every_page_fetches_the_badges_after_loading_so_its_queries_do_not_change(client, liaison):
    client.force_login(liaison)

    page = client.get(reverse("home")).content.decode()

    assert f'hx-get="{reverse("notifications_unread")}" hx-trigger="load"' in page
    assert f'hx-get="{reverse("inbox_badge")}" hx-trigger="load"' in page
    assert f'href="{reverse("notifications")}"' in page


def test_the_anonymous_are_sent_to_log_in(client):
    for name in ("notifications", "notifications_unread", "inbox", "inbox_badge"):
        assert client.get(reverse(name)).status_code == 302


def test_a_notice_is_in_the_portals_language_whoever_acts(client, office, liaison, insurance_task):
    """An office clerk on the English interface returns a task: the liaison reads it in Chinese."""
    request_completion(insurance_task, liaison, "已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    with translation.override("en"):
        return_task(task, office, reason="佐证材料不全", expected_version=task.version)
    event = Notification.objects.get(recipient=liaison).event
    assert event.title.startswith("已退回")
    assert "医改办退回了销号申请" in event.body


def test_a_second_reminder_to_a_newcomer_posts_only_to_the_newcomers_group(
    office, liaison, other_liaison, insurance_task, health_commission, insurance_bureau
):
    from tasks.models import Delivery
    from tests.factories import UserFactory
    from tests.notices.factories import RobotFactory

    health_group = RobotFactory(region=insurance_bureau.region, department=health_commission)
    insurance_group = RobotFactory(region=insurance_bureau.region, department=insurance_bureau)
    send_manual_reminder(insurance_task, office, message="请报送。")
    assert set(Delivery.objects.values_list("robot_id", flat=True)) >= {health_group.pk, insurance_group.pk}
    Delivery.objects.all().delete()
    UserFactory(username="zz_insurance_2", liaison=True, department=insurance_bureau)
    send_manual_reminder(insurance_task, office, message="请报送。")
    assert list(Delivery.objects.values_list("robot_id", flat=True)) == [insurance_group.pk]


def test_a_long_list_of_notifications_pages_on(client, liaison):
    from tasks.models import Event

    event = Event.objects.create(kind=EventKind.REMINDER, title="催办")
    Notification.objects.bulk_create(
        [
            Notification(
                event=Event.objects.create(kind=EventKind.REMINDER, title=f"催办{n}"),
                recipient=liaison,
                kind="reminder",
            )
            for n in range(30)
        ]
        + [Notification(event=event, recipient=liaison, kind="reminder")]
    )
    client.force_login(liaison)
    first = client.get(reverse("notifications")).content.decode()
    assert 'href="?page=2" rel="next"' in first
    second = client.get(reverse("notifications") + "?page=2").content.decode()
    assert 'href="?page=1" rel="prev"' in second
    assert second.count('class="list-group-item list-group-item-warning unread"') == 1

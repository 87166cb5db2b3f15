"""Failed deliveries for the office: those of its region and below, until resent or acknowledged."""

from __future__ import annotations

import pytest

from tasks.access import NotPermitted
from tasks.models import Channel, Delivery
from tasks.notices.services.failures import acknowledge, attention_deliveries, resend
from tests.notices.factories import DeliveryFactory, EventFactory, RobotFactory

pytestmark = pytest.mark.django_db


def failed(region, **fields):
    return DeliveryFactory(
        robot=RobotFactory(region=region, platform=Channel.WECOM, secret=""),
        status=Delivery.Status.FAILED,
        error="企业微信群机器人拒绝了消息",
        **fields,
    )


def test_office_staff_see_the_failures_of_their_region_and_below_only(
    office, province_office, outsider, superuser, leader, liaison, zhengzhou, zhongyuan, changsha
):
    city, county, elsewhere = failed(zhengzhou), failed(zhongyuan), failed(changsha)
    DeliveryFactory(robot=RobotFactory(region=zhengzhou))  # queued: nothing to do
    failed(zhengzhou, acknowledged_at="2026-06-01T09:00:00+08:00")

    assert list(attention_deliveries(office)) == [city, county]
    assert list(attention_deliveries(province_office)) == [city, county]
    assert list(attention_deliveries(outsider)) == [elsewhere]
    assert set(attention_deliveries(superuser)) == {city, county, elsewhere}
    assert list(attention_deliveries(leader)) == list(attention_deliveries(liaison)) == []


def test_a_resend_queues_a_new_attempt_once(office, zhengzhou, webhook, django_capture_on_commit_callbacks):
    delivery = failed(zhengzhou)
    Delivery.objects.filter(pk=delivery.pk).update(
        robot=RobotFactory(region=zhengzhou, platform=Channel.WECOM, secret="", webhook_url=webhook.url())
    )

    with django_capture_on_commit_callbacks(execute=True):
        resent = resend(delivery, office)

    assert resent.pk == delivery.pk
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error, delivery.attempts) == (Delivery.Status.SENT, "", 1)
    assert len(webhook.received) == 1
    with pytest.raises(Delivery.DoesNotExist):
        resend(delivery, office)  # sent: nothing to resend


def test_a_second_resend_of_the_same_failure_is_refused(
    office, zhengzhou, django_capture_on_commit_callbacks
):
    delivery = failed(zhengzhou)
    with django_capture_on_commit_callbacks(execute=False):
        resend(delivery, office)
        with pytest.raises(Delivery.DoesNotExist):
            resend(delivery, office)
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.QUEUED


def test_acknowledging_takes_a_failure_off_the_list_without_resending(office, zhengzhou):
    delivery = failed(zhengzhou)

    acknowledge(delivery, office)

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.acknowledged_at is not None
    assert list(attention_deliveries(office)) == []


def test_others_may_not_resend_nor_acknowledge(leader, outsider, zhengzhou):
    delivery = failed(zhengzhou)
    with pytest.raises(NotPermitted):
        resend(delivery, leader)
    with pytest.raises(Delivery.DoesNotExist):
        acknowledge(delivery, outsider)


def test_an_email_failure_of_an_event_without_region_is_the_superusers_only(office, superuser):
    delivery = Delivery.objects.create(
        event=EventFactory(region=None),
        channel=Channel.EMAIL,
        address="x@example.com",
        status=Delivery.Status.FAILED,
    )
    assert list(attention_deliveries(office)) == []
    assert list(attention_deliveries(superuser)) == [delivery]

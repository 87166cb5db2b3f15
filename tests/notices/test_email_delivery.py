"""Email deliveries through a real SMTP server the test starts (aiosmtpd), with Django's SMTP backend."""

from __future__ import annotations

import email
from email.policy import default as default_policy

import pytest

from tasks.models import Channel, Delivery
from tasks.notices.services.delivery import deliver
from tests.factories import LiaisonFactory
from tests.notices.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_an_email_delivery_reaches_the_smtp_server_with_subject_recipient_and_link(smtp_server, settings):
    settings.SITE_URL = "https://ledger.example.gov.cn"
    liaison = LiaisonFactory(email="liaison@example.gov.cn", first_name="医保局联络员")
    event = EventFactory(url="/tasks/42/", region=liaison.department.region)
    delivery = Delivery.objects.create(
        event=event, channel=Channel.EMAIL, recipient=liaison, address=liaison.email, label=str(liaison)
    )

    assert deliver(delivery.pk) == "sent"

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["liaison@example.gov.cn"]
    message = email.message_from_bytes(envelope.original_content, policy=default_policy)
    assert message["Subject"] == "已销号：全面推进DRG/DIP支付方式改革。"
    assert message["To"] == "liaison@example.gov.cn"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "市医改办已核验该任务完成。" in text
    assert "https://ledger.example.gov.cn/tasks/42/" in text
    assert 'href="https://ledger.example.gov.cn/tasks/42/"' in html
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENT


def test_an_smtp_server_that_is_down_is_a_transient_failure(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    liaison = LiaisonFactory()
    event = EventFactory(region=liaison.department.region)
    delivery = Delivery.objects.create(
        event=event, channel=Channel.EMAIL, recipient=liaison, address=liaison.email
    )

    with pytest.raises(ConnectionRefusedError):
        deliver(delivery.pk)

"""Robot deliveries against a platform's webhook the test starts on 127.0.0.1: the exact URL and JSON
each platform receives, its signature recomputed here from what arrived, and what each kind of answer
does to the delivery (sent; retried with backoff; failed for good with the platform's reason)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import threading
from urllib.parse import quote_plus

import pytest
from django.db import connection
from django.utils import timezone

from tasks.models import Channel, Delivery
from tasks.notices.services.delivery import TransientError, deliver, sweep_interrupted
from tasks.notices.services.failures import attention_deliveries
from tasks.queueing import DELIVER_NOTICE, job
from tests.factories import OfficeUserFactory
from tests.notices.factories import DeliveryFactory, RobotFactory

pytestmark = pytest.mark.django_db

SECRET = "SECtest-secret-0123456789abcdef"
TEXT = "**已销号：全面推进DRG/DIP支付方式改革。**\n\n市医改办已核验该任务完成。\n\n[Open in the portal](http://testserver.example/tasks/1/)"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver.example"
    settings.LANGUAGE_CODE = "en"


def robot_delivery(webhook, platform: str, secret: str = "", path: str = "/hook"):
    robot = RobotFactory(platform=platform, webhook_url=webhook.url(path), secret=secret)
    return DeliveryFactory(robot=robot)


def status_of(delivery) -> Delivery:
    return Delivery.objects.get(pk=delivery.pk)


def test_a_wecom_robot_receives_its_markdown_and_the_delivery_is_sent(webhook):
    delivery = robot_delivery(webhook, Channel.WECOM, path="/cgi-bin/webhook/send?key=k-1")

    assert deliver(delivery.pk) == "sent"

    [request] = webhook.received
    assert request.path == "/cgi-bin/webhook/send?key=k-1"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.body == {"msgtype": "markdown", "markdown": {"content": TEXT}}
    delivery = status_of(delivery)
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.SENT, 1, "")
    assert delivery.sent_at is not None


def test_a_dingtalk_robot_receives_markdown_signed_with_its_secret(webhook):
    delivery = robot_delivery(webhook, Channel.DINGTALK, SECRET, path="/robot/send?access_token=t-1")
    before = int(timezone.now().timestamp() * 1000)

    assert deliver(delivery.pk) == "sent"

    [request] = webhook.received
    assert request.body == {
        "msgtype": "markdown",
        "markdown": {"title": "已销号：全面推进DRG/DIP支付方式改革。", "text": TEXT},
    }
    timestamp = request.query["timestamp"]
    assert before <= int(timestamp) <= int(timezone.now().timestamp() * 1000)
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    assert request.query["sign"] == expected
    # The exact URL: the webhook's own query, then timestamp and the URL-encoded signature.
    assert request.path == f"/robot/send?access_token=t-1&timestamp={timestamp}&sign={quote_plus(expected)}"


def test_a_dingtalk_robot_without_a_secret_gets_no_signature(webhook):
    delivery = robot_delivery(webhook, Channel.DINGTALK, path="/robot/send?access_token=t-2")

    assert deliver(delivery.pk) == "sent"

    assert webhook.received[0].path == "/robot/send?access_token=t-2"


def test_a_feishu_bot_receives_a_card_signed_in_its_body(webhook):
    webhook.default = (200, {"code": 0, "msg": "success", "data": {}})
    delivery = robot_delivery(webhook, Channel.FEISHU, SECRET, path="/open-apis/bot/v2/hook/h-1")

    assert deliver(delivery.pk) == "sent"

    [request] = webhook.received
    body = request.body
    timestamp = body["timestamp"]
    assert isinstance(timestamp, str)
    assert abs(int(timestamp) - timezone.now().timestamp()) < 5
    key = f"{timestamp}\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert request.path == "/open-apis/bot/v2/hook/h-1"
    assert body == {
        "timestamp": timestamp,
        "sign": body["sign"],
        "msg_type": "interactive",
        "card": {
            "header": {
                "title": {"tag": "plain_text", "content": "已销号：全面推进DRG/DIP支付方式改革。"},
                "template": "blue",
            },
            "elements": [
                {
                    "tag": "div",
                    "text": {
                        "tag": "lark_md",
                        "content": "市医改办已核验该任务完成。\n\n[Open in the portal](http://testserver.example/tasks/1/)",
                    },
                }
            ],
        },
    }


def test_an_older_feishu_answer_with_status_code_counts_too(webhook):
    webhook.default = (200, {"StatusCode": 0, "StatusMessage": "success"})
    delivery = robot_delivery(webhook, Channel.FEISHU, SECRET)

    assert deliver(delivery.pk) == "sent"


def test_a_platform_error_fails_the_delivery_for_good_with_the_platforms_reason(webhook):
    webhook.default = (200, {"errcode": 310000, "errmsg": "sign not match"})
    delivery = robot_delivery(webhook, Channel.DINGTALK, SECRET)

    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "failed"

    assert len(webhook.received) == 1, "a refusal is not retried"
    delivery = status_of(delivery)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "DingTalk robot refused the message (code 310000): sign not match"


def test_a_4xx_answer_fails_the_delivery_for_good(webhook):
    webhook.default = (404, "no such hook")
    delivery = robot_delivery(webhook, Channel.WECOM)

    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "failed"

    assert len(webhook.received) == 1
    assert status_of(delivery).error == "WeCom group robot: HTTP 404: no such hook"


@pytest.fixture
def countdowns(monkeypatch):
    """The countdown of each retry the job asks for. With eager propagation Celery raises Retry
    instead of running it; without, apply() runs the retries in-process (without the wait)."""
    task = job(DELIVER_NOTICE)
    conf = task.app.conf
    saved, conf.task_eager_propagates = conf.task_eager_propagates, False
    original = task.retry
    asked: list[float] = []

    def retry(*args, **kwargs):
        asked.append(kwargs["countdown"])
        return original(*args, **kwargs)

    monkeypatch.setattr(task, "retry", retry)
    yield asked
    conf.task_eager_propagates = saved


def test_a_5xx_answer_is_retried_with_backoff_then_sent(webhook, countdowns):
    webhook.answer(503, "upstream unavailable")
    webhook.answer(502, "bad gateway")
    delivery = robot_delivery(webhook, Channel.WECOM)

    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "sent"

    assert len(webhook.received) == 3
    assert countdowns == [30, 60]
    delivery = status_of(delivery)
    assert (delivery.status, delivery.attempts, delivery.error) == (Delivery.Status.SENT, 3, "")


def test_a_rate_limit_is_retried_like_a_5xx(webhook, countdowns):
    webhook.answer(200, {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"})
    delivery = robot_delivery(webhook, Channel.DINGTALK)

    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "sent"

    assert countdowns == [30]
    assert len(webhook.received) == 2


def test_a_far_side_that_stays_down_fails_once_the_retries_are_used_up(webhook, countdowns):
    webhook.default = (500, "internal error")
    delivery = robot_delivery(webhook, Channel.WECOM)

    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "failed"

    assert countdowns == [30, 60, 120, 240, 480]
    assert len(webhook.received) == 6
    delivery = status_of(delivery)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 6)
    assert delivery.error == "WeCom group robot: HTTP 500: internal error"


def test_a_far_side_slower_than_the_timeout_is_a_transient_failure(webhook, settings):
    settings.NOTICE_HTTP_TIMEOUT_SECONDS = 0.3
    webhook.delay = 1.5
    delivery = robot_delivery(webhook, Channel.WECOM)
    started = timezone.now()

    with pytest.raises(TransientError, match="no answer within 0.3 seconds"):
        deliver(delivery.pk)

    assert timezone.now() - started < datetime.timedelta(seconds=1.4)
    assert status_of(delivery).status == Delivery.Status.SENDING, "the job releases it for the retry"


def test_a_refused_connection_is_a_transient_failure(settings):
    robot = RobotFactory(platform=Channel.WECOM, webhook_url="http://127.0.0.1:9/hook", secret="")
    delivery = DeliveryFactory(robot=robot)

    with pytest.raises(TransientError, match="could not connect"):
        deliver(delivery.pk)


def test_a_killed_worker_leaves_the_delivery_sending_never_resent_and_the_sweep_fails_it(
    webhook, monkeypatch, zhengzhou
):
    delivery = DeliveryFactory(
        robot=RobotFactory(platform=Channel.WECOM, webhook_url=webhook.url(), secret="", region=zhengzhou)
    )

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("tasks.notices.services.delivery.requests.post", killed)
    with pytest.raises(SystemExit):
        deliver(delivery.pk)
    monkeypatch.undo()
    assert status_of(delivery).status == Delivery.Status.SENDING

    # The job comes back (acks_late): the claim is taken, nothing is posted.
    assert job(DELIVER_NOTICE).apply(args=[delivery.pk]).get() == "skipped"
    assert sweep_interrupted() == 0, "not before the claim is old"
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=timezone.now() - datetime.timedelta(minutes=16))
    office = OfficeUserFactory(region=zhengzhou)
    assert list(attention_deliveries(office)) == [status_of(delivery)], "interrupted: the office sees it"

    assert sweep_interrupted() == 1
    assert deliver(delivery.pk) == "skipped"

    delivery = status_of(delivery)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "Interrupted while sending; it may not have been delivered."
    assert webhook.received == [], "never posted twice (nor here, once)"


def test_a_deactivated_robot_does_not_post_and_bothers_nobody(webhook):
    delivery = robot_delivery(webhook, Channel.WECOM)
    delivery.robot.is_active = False
    delivery.robot.save()

    assert deliver(delivery.pk) == "failed"

    assert webhook.received == []
    delivery = status_of(delivery)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.acknowledged_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_at_once_post_once(webhook):
    webhook.delay = 0.3
    delivery = robot_delivery(webhook, Channel.WECOM)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(deliver(delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(webhook.received) == 1
    assert status_of(delivery).attempts == 1

"""/api/v1/robots/ as office staff: their region's robots only, the webhook checked, the secret never
answered back; and the pages' add, edit and test post."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tasks.models import Channel, Robot
from tests.api_world import token_client as any_client
from tests.notices.factories import RobotFactory

pytestmark = pytest.mark.django_db

SECRET = "SECtest-secret-0123456789abcdef"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1"


def token_client(user):
    """The API in English, so that the messages read as written here."""
    client = any_client(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def new_robot(**fields):
    return {
        "platform": "dingtalk",
        "name": "医保局工作群",
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
        **fields,
    }


def test_office_staff_add_a_department_robot_and_never_see_its_secret_again(
    office, insurance_bureau, zhengzhou
):
    client = token_client(office)

    created = client.post(
        "/api/v1/robots/", new_robot(secret=SECRET, department=insurance_bureau.pk, events=["task_verified"])
    )

    assert created.status_code == 201, created.content
    assert SECRET not in created.content.decode()
    body = created.json()
    assert body["secret_hint"] == "••••cdef"
    assert (body["region"], body["department"], body["events"]) == (
        zhengzhou.pk,
        insurance_bureau.pk,
        ["task_verified"],
    )
    robot = Robot.objects.get(pk=body["id"])
    assert (robot.secret, robot.created_by) == (SECRET, office)
    for response in (client.get("/api/v1/robots/"), client.get(f"/api/v1/robots/{robot.pk}/")):
        assert response.status_code == 200
        assert SECRET not in response.content.decode()


def test_a_patch_without_the_secret_keeps_it_and_an_empty_one_removes_it(office, zhengzhou):
    robot = RobotFactory(region=zhengzhou, secret=SECRET)
    client = token_client(office)

    assert client.patch(f"/api/v1/robots/{robot.pk}/", {"name": "改名"}).status_code == 200
    assert Robot.objects.get(pk=robot.pk).secret == SECRET
    assert client.patch(f"/api/v1/robots/{robot.pk}/", {"secret": ""}).status_code == 200
    assert Robot.objects.get(pk=robot.pk).secret == ""


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"webhook_url": "https://evil.example.com/robot/send"},
            "webhook_url",
            "A DingTalk robot webhook is on oapi.dingtalk.com, not evil.example.com.",
        ),
        (
            {"webhook_url": "http://oapi.dingtalk.com/robot/send?access_token=t"},
            "webhook_url",
            "The webhook URL must start with https://.",
        ),
        (
            {"webhook_url": "https://u:p@oapi.dingtalk.com/robot/send"},
            "webhook_url",
            "The webhook URL must not carry a user name or password.",
        ),
        (
            {"platform": "wecom", "webhook_url": WECOM, "secret": SECRET},
            "secret",
            "WeCom group robots do not sign their messages; leave the secret empty.",
        ),
        ({"events": ["no_such_kind"]}, "events", None),
    ],
)
def test_a_robot_that_breaks_a_rule_is_refused_by_field(office, fields, field, message):
    response = token_client(office).post("/api/v1/robots/", new_robot(**fields))

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"]
    assert any(name.split(".")[0] == field for name in body["errors"]), body
    if message:
        assert message in body["errors"][field]
    assert not Robot.objects.exists()


def test_a_wecom_robot_needs_no_secret(office):
    response = token_client(office).post("/api/v1/robots/", new_robot(platform="wecom", webhook_url=WECOM))
    assert response.status_code == 201, response.content


def test_plain_http_to_a_host_that_is_not_loopback_is_refused_even_where_allowed(office, settings):
    settings.NOTICE_ROBOT_ALLOWED_HOSTS = ["proxy.internal"]
    response = token_client(office).post(
        "/api/v1/robots/", new_robot(webhook_url="http://proxy.internal/hook")
    )
    assert response.status_code == 400
    assert response.json()["errors"]["webhook_url"] == ["The webhook URL must start with https://."]
    ok = token_client(office).post("/api/v1/robots/", new_robot(webhook_url="https://proxy.internal/hook"))
    assert ok.status_code == 201


def test_plain_http_to_loopback_is_refused_outside_development(office, settings):
    settings.NOTICE_ROBOT_ALLOW_PLAIN_HTTP = False
    response = token_client(office).post(
        "/api/v1/robots/", new_robot(webhook_url="http://127.0.0.1:8080/hook")
    )
    assert response.status_code == 400


def test_a_department_of_another_region_is_refused(office, changsha_bureau):
    response = token_client(office).post("/api/v1/robots/", new_robot(department=changsha_bureau.pk))
    assert response.status_code == 400
    assert "department" in response.json()["errors"]


def test_another_regions_robot_is_not_found_and_a_leader_is_refused(office, leader, liaison, changsha):
    robot = RobotFactory(region=changsha)
    assert token_client(office).get(f"/api/v1/robots/{robot.pk}/").status_code == 404
    assert token_client(office).delete(f"/api/v1/robots/{robot.pk}/").status_code == 404
    for user in (leader, liaison):
        response = token_client(user).get("/api/v1/robots/")
        assert response.status_code == 403
        assert response.json()["detail"] == "Only reform office staff may configure group robots."
    assert Robot.objects.filter(pk=robot.pk).exists()


def test_the_test_post_says_exactly_what_the_platform_answered(office, zhengzhou, webhook):
    webhook.default = (200, {"errcode": 310000, "errmsg": "keywords not in content"})
    robot = RobotFactory(region=zhengzhou, webhook_url=webhook.url())

    response = token_client(office).post(f"/api/v1/robots/{robot.pk}/test/")

    assert response.status_code == 200
    assert response.json() == {
        "ok": False,
        "summary": "DingTalk robot refused the message (code 310000): keywords not in content",
        "answer": 'HTTP 200 {"errcode": 310000, "errmsg": "keywords not in content"}',
    }
    [received] = webhook.received
    assert received.body["markdown"]["title"] == "Test message from the reform task ledger"


# The pages ------------------------------------------------------------------------------------


def test_office_staff_add_a_robot_on_the_page_and_the_secret_is_masked(client, office, zhengzhou, english):
    client.force_login(office)
    response = client.post(
        reverse("robot_add"),
        {
            "platform": "feishu",
            "name": "医改办飞书群",
            "webhook_url": "https://open.feishu.cn/open-apis/bot/v2/hook/h",
            "secret": SECRET,
            "region": zhengzhou.pk,
            "is_active": "on",
        },
    )
    robot = Robot.objects.get()
    assert response.status_code == 302
    assert (robot.platform, robot.secret, robot.region) == (Channel.FEISHU, SECRET, zhengzhou)

    for url in (reverse("robot_list"), reverse("robot_edit", args=[robot.pk])):
        page = client.get(url).content.decode()
        assert SECRET not in page
        assert "••••cdef" in page

    # Saved again without a secret: the robot keeps its own.
    client.post(
        reverse("robot_edit", args=[robot.pk]),
        {"platform": "feishu", "name": "改名", "webhook_url": robot.webhook_url, "region": zhengzhou.pk},
    )
    robot.refresh_from_db()
    assert (robot.name, robot.secret, robot.is_active) == ("改名", SECRET, False)


def test_the_page_refuses_a_webhook_on_another_host(client, office, zhengzhou, english):
    client.force_login(office)
    response = client.post(
        reverse("robot_add"),
        {"platform": "wecom", "name": "x", "webhook_url": "https://example.com/hook", "region": zhengzhou.pk},
    )
    assert response.status_code == 200
    assert (
        "A WeCom group robot webhook is on qyapi.weixin.qq.com, not example.com." in response.content.decode()
    )
    assert not Robot.objects.exists()


def test_a_robot_that_posted_is_deactivated_not_deleted(client, office, zhengzhou, english):
    from tests.notices.factories import DeliveryFactory

    robot = RobotFactory(region=zhengzhou)
    DeliveryFactory(robot=robot)
    client.force_login(office)

    client.post(reverse("robot_delete", args=[robot.pk]))

    assert Robot.objects.get(pk=robot.pk).is_active is False


def test_the_navigation_links_the_robots_for_office_staff_only(client, office, liaison, english):
    client.force_login(office)
    assert reverse("robot_list") in client.get(reverse("home")).content.decode()
    client.force_login(liaison)
    assert reverse("robot_list") not in client.get(reverse("home")).content.decode()

"""Department heads' contacts: office staff keep those of their region's departments; checked first."""

import html

import pytest
from django.conf import settings
from django.urls import reverse

from regions.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_office_staff_set_a_heads_contact(client, office, insurance_bureau):
    client.force_login(office)
    assert insurance_bureau.name in client.get(reverse("contacts")).content.decode()

    response = client.post(
        reverse("contacts"),
        {
            "department": insurance_bureau.pk,
            "head_name": "王局长",
            "head_mobile": "138 0000 0000",
            "head_email": "head@ybj.example.cn",
        },
        follow=True,
    )

    assert f"Saved the head's contact of {insurance_bureau.name}." in html.unescape(response.content.decode())
    department = Department.objects.get(pk=insurance_bureau.pk)
    assert (department.head_name, department.head_mobile, department.head_email) == (
        "王局长",
        "13800000000",
        "head@ybj.example.cn",
    )


def test_a_bad_number_or_address_changes_nothing_and_says_why(client, office, insurance_bureau):
    client.force_login(office)
    response = client.post(
        reverse("contacts"),
        {
            "department": insurance_bureau.pk,
            "head_name": "王局长",
            "head_mobile": "12345",
            "head_email": "不是邮箱",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give an 11-digit mobile number starting with 1." in page
    assert "Give a valid email address." in page
    assert Department.objects.get(pk=insurance_bureau.pk).head_name == ""


def test_another_regions_department_and_other_roles_are_refused(
    client, outsider, liaison, leader, insurance_bureau
):
    client.force_login(outsider)
    response = client.post(reverse("contacts"), {"department": insurance_bureau.pk, "head_name": "x"})
    assert response.status_code == 404
    for user in (liaison, leader):
        client.force_login(user)
        assert client.get(reverse("contacts")).status_code == 403
    assert Department.objects.get(pk=insurance_bureau.pk).head_name == ""

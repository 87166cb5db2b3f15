"""Regions and departments: reference data every signed-in user reads, with the aliases documents use."""

import pytest

from tests.factories import DepartmentAliasFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def regions(zhongyuan, jinshui, changsha):
    return None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["410000", "410100", "410102", "410105", "430000", "430100"]),
        ("level=county", ["410102", "410105"]),
        ("parent=410100", ["410102", "410105"]),
        ("q=郑州", ["410100"]),
        ("q=4301", ["430100"]),
    ],
)
def test_region_filters(api_client, liaison, regions, query, expected):
    assert codes(api_client(liaison).get(f"/api/v1/regions/?{query}")) == expected


def test_an_invalid_region_level_is_named(api_client, liaison, regions):
    response = api_client(liaison).get("/api/v1/regions/?level=planet")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["level"]


@pytest.fixture
def departments(insurance_bureau, health_commission, county_government, changsha_bureau):
    DepartmentAliasFactory(department=insurance_bureau, alias="市医保局")
    DepartmentAliasFactory(department=insurance_bureau, alias="医保局")
    DepartmentFactory(region=insurance_bureau.region, name="郑州市原卫生局", is_active=False)


def test_departments_carry_their_region_and_aliases(api_client, leader, departments, insurance_bureau):
    rows = api_client(leader).get(f"/api/v1/departments/{insurance_bureau.pk}/").json()
    assert rows["aliases"] == ["医保局", "市医保局"]
    assert rows["region"] == {"id": insurance_bureau.region_id, "code": "410100", "name": "郑州市"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=医疗保障局", ["郑州市医疗保障局", "长沙市医疗保障局"]),
        ("q=医保局", ["郑州市医疗保障局"]),
        ("q=市医保", ["郑州市医疗保障局"]),
        ("region=430100", ["长沙市医疗保障局"]),
        ("kind=subordinate_government", ["中原区人民政府"]),
        ("is_active=false", ["郑州市原卫生局"]),
    ],
)
def test_department_filters(api_client, leader, departments, query, expected):
    assert names(api_client(leader).get(f"/api/v1/departments/?{query}")) == expected

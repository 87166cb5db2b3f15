"""Suggestions for a name no department is called: of the same kind of body, then by characters."""

import pytest

from regions.models import Department, Region
from regions.resolve import DepartmentResolver, body_of


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


def names(resolver: DepartmentResolver, text: str) -> list[str]:
    return [d.name for d in resolver.suggest(text)]


def test_an_organisation_department_is_never_offered_the_propaganda_department(zhengzhou):
    suggested = names(DepartmentResolver(zhengzhou), "市委组织部")
    assert "中共郑州市委宣传部" not in suggested


def test_the_propaganda_department_is_still_offered_for_a_variant_of_its_name(zhengzhou):
    assert names(DepartmentResolver(zhengzhou), "郑州市委宣传部门")[:1] == ["中共郑州市委宣传部"]


def test_a_hospital_is_not_offered_a_government(zhengzhou):
    suggested = names(DepartmentResolver(zhengzhou), "中牟县人民医院")
    assert not [name for name in suggested if name.endswith("政府")]


def test_a_bureau_is_preferred_for_a_bureau(zhengzhou):
    Department.objects.create(region=zhengzhou, name="郑州市数据资源委员会")
    suggested = names(DepartmentResolver(zhengzhou), "郑州市数据资源局")
    assert suggested[0] == "郑州市大数据管理局"
    assert "郑州市数据资源委员会" in suggested


def test_a_body_of_the_same_family_is_offered_across_endings(zhengzhou):
    # A county writes 卫生健康局 where the city has a 卫生健康委员会.
    assert names(DepartmentResolver(zhengzhou), "市卫生健康局")[:1] == ["郑州市卫生健康委员会"]


@pytest.mark.parametrize(
    ("name", "suffix", "family"),
    [
        ("郑州市医疗保障局", "局", "agency"),
        ("中牟县人民政府", "人民政府", "government"),
        ("郑州市第一人民医院", "医院", "hospital"),
        ("中共郑州市委组织部", "部", "party"),
        ("市医疗保障部门", "", ""),
    ],
)
def test_a_name_is_read_as_a_kind_of_body(name, suffix, family):
    body = body_of(name)
    assert (body.suffix, body.family) == (suffix, family)


def test_suggesting_costs_no_query_once_the_resolver_is_loaded(zhengzhou, django_assert_num_queries):
    resolver = DepartmentResolver(zhengzhou)
    with django_assert_num_queries(0):
        for text in ("市委组织部", "中牟县人民医院", "市卫生健康局"):
            resolver.suggest(text)

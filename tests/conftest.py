"""The cast of the test suite: two provinces, their offices and departments, and who works there.

    河南省 (410000)                         湖南省 (430000)
    └── 郑州市 (410100)                     └── 长沙市 (430100)
        ├── 中原区 (410102)                     └── 长沙市医疗保障局
        ├── 金水区 (410105)
        ├── 郑州市医疗保障局      (insurance_bureau)
        ├── 郑州市卫生健康委员会  (health_commission)
        └── 中原区人民政府        (county_government, governs 中原区)

Personas:
    office           office staff of 郑州市
    leader           leader of 郑州市
    liaison          liaison of 郑州市医疗保障局
    other_liaison    liaison of 郑州市卫生健康委员会
    county_liaison   liaison of 中原区人民政府
    outsider         office staff of 长沙市
    province_office  office staff of 河南省
    nobody           a user with no role
    superuser        a superuser with no role

The 郑州市 document has three tasks: insurance_task (led by 医保局, 卫健委 cooperating),
health_task (卫健委 alone) and county_task (中原区人民政府). The 长沙市 document has changsha_task
(长沙市医疗保障局).
"""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from regions.models import Department, Region
from tasks.models import Assignment
from tests.factories import (
    AssignmentFactory,
    DepartmentFactory,
    PolicyDocumentFactory,
    RegionFactory,
    TaskFactory,
    UserFactory,
)

# The real reference data (regions, departments, aliases), for tests that need it: `reference_data`;
# LibreOffice as a client (`libreoffice`, tests/libreoffice.py).
pytest_plugins = ["tests.reference", "tests.reports.cast", "tests.libreoffice", "tests.api_world"]


@pytest.fixture(autouse=True)
def _api_tests_isolated(request):
    """The API's tests (tests/api/ and each feature's test_api*.py) start with no throttle counts and
    their own media folder (tests/api_world.py: api_isolation)."""
    path = request.node.path
    if path.name.startswith("test_api") or path.parent.name == "api":
        request.getfixturevalue("api_isolation")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached dashboards and API throttle counts of one test
    must not leak into the next (SQLite may reuse the ids a rolled-back test used)."""
    from django.core.cache import cache

    cache.clear()


# Regions --------------------------------------------------------------------------------------


@pytest.fixture
def henan(db):
    return RegionFactory(code="410000", name="河南省", level=Region.Level.PROVINCE)


@pytest.fixture
def zhengzhou(henan):
    return RegionFactory(code="410100", name="郑州市", level=Region.Level.CITY, parent=henan)


@pytest.fixture
def zhongyuan(zhengzhou):
    return RegionFactory(code="410102", name="中原区", level=Region.Level.COUNTY, parent=zhengzhou)


@pytest.fixture
def jinshui(zhengzhou):
    return RegionFactory(code="410105", name="金水区", level=Region.Level.COUNTY, parent=zhengzhou)


@pytest.fixture
def hunan(db):
    return RegionFactory(code="430000", name="湖南省", level=Region.Level.PROVINCE)


@pytest.fixture
def changsha(hunan):
    return RegionFactory(code="430100", name="长沙市", level=Region.Level.CITY, parent=hunan)


# Departments ----------------------------------------------------------------------------------


@pytest.fixture
def insurance_bureau(zhengzhou):
    return DepartmentFactory(region=zhengzhou, name="郑州市医疗保障局")


@pytest.fixture
def health_commission(zhengzhou):
    return DepartmentFactory(region=zhengzhou, name="郑州市卫生健康委员会")


@pytest.fixture
def county_government(zhengzhou, zhongyuan, jinshui):
    return DepartmentFactory(
        region=zhengzhou,
        name="中原区人民政府",
        kind=Department.Kind.SUBORDINATE_GOVERNMENT,
        governed_region=zhongyuan,
    )


@pytest.fixture
def changsha_bureau(changsha):
    return DepartmentFactory(region=changsha, name="长沙市医疗保障局")


# Personas -------------------------------------------------------------------------------------


@pytest.fixture
def office(zhengzhou):
    return UserFactory(username="zz_office", first_name="郑州市医改办", office=True, region=zhengzhou)


@pytest.fixture
def leader(zhengzhou):
    return UserFactory(username="zz_leader", first_name="郑州市分管领导", leader=True, region=zhengzhou)


@pytest.fixture
def liaison(insurance_bureau):
    return UserFactory(
        username="zz_insurance", first_name="医保局联络员", liaison=True, department=insurance_bureau
    )


@pytest.fixture
def other_liaison(health_commission):
    return UserFactory(
        username="zz_health", first_name="卫健委联络员", liaison=True, department=health_commission
    )


@pytest.fixture
def county_liaison(county_government):
    return UserFactory(
        username="zy_government", first_name="中原区政府联络员", liaison=True, department=county_government
    )


@pytest.fixture
def outsider(changsha):
    return UserFactory(username="cs_office", first_name="长沙市医改办", office=True, region=changsha)


@pytest.fixture
def province_office(henan):
    return UserFactory(username="ha_office", first_name="河南省医改办", office=True, region=henan)


@pytest.fixture
def nobody(db):
    return UserFactory(username="nobody")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", superuser=True)


# Documents and tasks --------------------------------------------------------------------------


@pytest.fixture
def zhengzhou_document(zhengzhou):
    return PolicyDocumentFactory(region=zhengzhou, title="郑州市2026年深化医改重点工作任务")


@pytest.fixture
def insurance_task(zhengzhou_document, insurance_bureau, health_commission):
    task = TaskFactory(document=zhengzhou_document, position=1, text="全面推进DRG/DIP支付方式改革。")
    AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
    AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.COOPERATING)
    return task


@pytest.fixture
def health_task(zhengzhou_document, health_commission):
    task = TaskFactory(document=zhengzhou_document, position=2, text="推进紧密型城市医疗集团建设。")
    AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.LEAD)
    return task


@pytest.fixture
def county_task(zhengzhou_document, county_government):
    task = TaskFactory(document=zhengzhou_document, position=3, text="各县（区）落实基层医疗卫生机构建设。")
    AssignmentFactory(
        task=task,
        department=county_government,
        role=Assignment.Role.LEAD,
        collective_text="各县（区）人民政府",
    )
    return task


@pytest.fixture
def zhengzhou_tasks(insurance_task, health_task, county_task):
    return [insurance_task, health_task, county_task]


@pytest.fixture
def changsha_document(changsha):
    return PolicyDocumentFactory(region=changsha, title="长沙市2026年深化医改重点工作任务")


@pytest.fixture
def changsha_task(changsha_document, changsha_bureau):
    task = TaskFactory(document=changsha_document, position=1, text="推进医保基金智能监管。")
    AssignmentFactory(task=task, department=changsha_bureau, role=Assignment.Role.LEAD)
    return task


@pytest.fixture
def all_tasks(zhengzhou_tasks, changsha_task):
    return [*zhengzhou_tasks, changsha_task]


# Property-based tests are reproducible in CI: the same examples every run, no example database.
if os.environ.get("CI"):
    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    hypothesis_settings.load_profile("ci")

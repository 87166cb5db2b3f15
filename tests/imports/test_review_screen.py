"""The review screen a clerk finishes in minutes: the summary and its problem flags, confidence badges,
names mapped once for the whole import, missing departments added, unmapped names acknowledged, and
the document's region checked against its header."""

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.models import User
from regions.models import Department, DepartmentAlias, Region
from regions.resolve import DepartmentResolver
from tasks.access import may_create_department
from tasks.imports.review_page import review_context, task_row
from tasks.imports.services.document_region import detect_region
from tasks.imports.services.review import (
    allowed_departments,
    change_region,
    confirm_import,
    create_department,
    department_regions,
)
from tasks.imports.services.review_edits import apply_review, draft_revision
from tasks.imports.services.review_names import reresolve, unmatched_groups
from tasks.models import Assignment, DocumentImport, PolicyDocument
from tests.imports.test_import_views import SEED_004, review_url, upload
from tests.imports.test_importing import SMALL

pytestmark = pytest.mark.django_db

# 市医疗保障部门 leads two tasks; 市数据局 is a body the reference data does not have.
TWICE = (
    SMALL.replace("市医保局牵头", "市医疗保障部门牵头")
    .replace("（市医保局、卫生健康委等按职责分工负责）", "（市医疗保障部门牵头，市数据局配合）")
    .replace("6月底前完成调价评估。", "完成调价评估。")
    .replace("推进县域医共体建设，", "推进县域医共体建设，9月底前完成，")
)


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


@pytest.fixture
def henan(reference_data):
    return Region.objects.get(code="410000")


@pytest.fixture
def office(zhengzhou):
    return User.objects.create_user("zz_office", password="x", role="office", region=zhengzhou)


@pytest.fixture
def client_for():
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def office_client(client_for, office):
    return client_for(office)


@pytest.fixture
def pending(office_client, zhengzhou) -> DocumentImport:
    assert upload(office_client, TWICE.encode(), "twice.txt", zhengzhou).status_code == 302
    return DocumentImport.objects.get()


def post(client, doc_import: DocumentImport, action: str, **fields):
    doc_import.refresh_from_db()
    form = {"revision": draft_revision(doc_import.draft), "action": action, **fields}
    return client.post(review_url(doc_import), form, follow=True)


def rated(draft: dict, task: float, assignee: float = 0.9, deadline: float = 0.9) -> dict:
    draft = copy.deepcopy(draft)
    for item in draft["tasks"]:
        item.update(confidence=task, confidence_reason="括号内单位识别")
        for a in item["assignees"]:
            a.update(confidence=assignee, confidence_reason="名称与单位表一致")
        for d in item["deadlines"]:
            d.update(confidence=deadline, confidence_reason="时限短语明确")
    return draft


# The summary ------------------------------------------------------------------------------------


def test_the_summary_counts_and_flags_each_task(pending):
    rows = [task_row(i, t, 1) for i, t in enumerate(pending.draft["tasks"])]
    first, second, third = rows
    assert first["counts"] == {"assignees": 2, "deadlines": 1, "targets": 1}
    assert {f["code"] for f in first["flags"]} == {"no-lead", "unknown"}
    assert {f["code"] for f in second["flags"]} == {"no-lead", "unknown", "no-deadline"}
    assert third["flags"] == []
    # Collective assignees count their departments: 市卫生健康委 and the counties of 郑州.
    assert third["counts"]["assignees"] == 1 + len(third["task"]["collective"][0]["department_ids"]) > 2


def test_the_page_shows_the_summary_first_with_a_filter_and_folded_tasks(pending, office_client):
    page = office_client.get(review_url(pending)).content.decode()
    assert page.index('id="summary"') < page.index('id="task-0"')
    assert "只看有问题的项" in page
    assert page.count('<tr class="summary-row has-problems">') == 2
    assert page.count('<tr class="summary-row">') == 1
    # Tasks with problems come open, the others folded; headings stand above their tables.
    assert 'id="task-0" open>' in page
    assert 'id="task-2">' in page
    assert page.index('<h3 class="table-title">责任单位</h3>') < page.index('class="edit assignees"')
    assert "<caption>" not in page


def test_confidence_is_shown_with_its_reason_and_low_confidence_is_flagged(pending):
    draft = rated(pending.draft, task=0.9, deadline=0.4)
    rows = [task_row(i, t, 1) for i, t in enumerate(draft["tasks"])]
    assert rows[0]["confidence"] == {"percent": 90, "reason": "括号内单位识别", "low": False}
    assert rows[0]["deadlines"][0]["confidence"]["low"] is True
    assert "low-confidence" in {f["code"] for f in rows[0]["flags"]}
    assert "low-confidence" not in {f["code"] for f in rows[1]["flags"]}, "no deadline, nothing rated low"


def test_the_page_shows_confidence_badges_with_the_reason_as_title(pending, office_client):
    pending.draft = rated(pending.draft, task=0.5)
    pending.save(update_fields=["draft"])
    page = office_client.get(review_url(pending)).content.decode()
    assert 'class="badge confidence low" title="括号内单位识别">置信度 50%' in page
    assert page.count('class="flag low-confidence"') >= 3


def strip_confidence(draft: dict) -> dict:
    """A draft as stored before the parser gave confidences (older drafts)."""
    for task in draft["tasks"]:
        for item in [task, *task["assignees"], *task["deadlines"]]:
            item.pop("confidence", None)
            item.pop("confidence_reason", None)
    return draft


def test_a_draft_without_confidence_shows_no_badge_and_no_flag(pending, office_client):
    pending.draft = strip_confidence(pending.draft)
    pending.save(update_fields=["draft"])
    page = office_client.get(review_url(pending)).content.decode()
    assert "badge confidence" not in page
    assert "low-confidence" not in page


# A name mapped once -----------------------------------------------------------------------------


def test_an_unknown_name_is_listed_once_with_the_tasks_that_write_it(pending):
    groups = {g.text: g for g in unmatched_groups(pending.draft)}
    assert groups["市医疗保障部门"].tasks == [0, 1]
    assert groups["市数据局"].tasks == [0]


def test_mapping_a_name_once_maps_it_in_every_task_and_remembers_it(pending, office_client, zhengzhou):
    groups = unmatched_groups(pending.draft)
    n = next(i for i, g in enumerate(groups) if g.text == "市医疗保障部门")
    fields = {f"map{i}-key": g.key for i, g in enumerate(groups)} | {f"map{n}-name": "郑州市医疗保障局"}
    post(office_client, pending, "save", **fields)
    pending.refresh_from_db()
    mapped = [a for t in pending.draft["tasks"] for a in t["assignees"] if a["text"] == "市医疗保障部门"]
    assert len(mapped) == 2
    assert {a["department"] for a in mapped} == {"郑州市医疗保障局"}

    post(office_client, pending, "confirm", acknowledge_unmatched="1")
    insurance = Department.objects.get(region=zhengzhou, name="郑州市医疗保障局")
    leads = Assignment.objects.filter(role=Assignment.Role.LEAD, department=insurance)
    assert leads.count() == 2
    assert DepartmentAlias.objects.filter(alias="市医疗保障部门", department=insurance).exists()


def test_a_name_mapped_to_nothing_known_is_reported_and_changes_nothing(pending, office_client):
    before = copy.deepcopy(pending.draft["tasks"])
    groups = unmatched_groups(pending.draft)
    page = post(office_client, pending, "save", **{"map0-key": groups[0].key, "map0-name": "不存在的局"})
    assert "不存在的局" in page.content.decode()
    pending.refresh_from_db()
    assert pending.draft["tasks"] == before


# Unmapped names are acknowledged ----------------------------------------------------------------


def test_the_unmapped_names_are_listed_before_confirming(pending, office_client):
    page = office_client.get(review_url(pending)).content.decode()
    actions = page[page.index('class="actions"') :]
    assert "市医疗保障部门、市数据局" in actions
    assert 'name="acknowledge_unmatched"' in actions


def test_confirming_with_unmapped_names_without_acknowledging_imports_nothing(pending, office_client):
    page = post(office_client, pending, "confirm").content.decode()
    assert "未对应任何单位" in page
    assert PolicyDocument.objects.count() == 0
    pending.refresh_from_db()
    assert pending.status == DocumentImport.Status.DRAFT


def test_confirming_with_the_acknowledgement_imports_without_those_names(pending, office, office_client):
    result = confirm_import(pending, office, acknowledge_unmatched=True)
    assert result.tasks_created == 3
    assert any("市数据局" in warning for warning in result.warnings)


# A missing department ---------------------------------------------------------------------------


def test_office_staff_add_a_missing_department_for_a_name(pending, office_client, zhengzhou):
    groups = {g.text: g for g in unmatched_groups(pending.draft)}
    page = post(
        office_client,
        pending,
        "create_department",
        **{
            "new_department-name": "郑州市数据局",
            "new_department-kind": Department.Kind.GOVERNMENT_DEPARTMENT,
            "new_department-region": str(zhengzhou.pk),
            "new_department-for": groups["市数据局"].key,
        },
    ).content.decode()
    assert "已在郑州市新建单位郑州市数据局" in page
    data_bureau = Department.objects.get(region=zhengzhou, name="郑州市数据局")
    pending.refresh_from_db()
    assignee = next(a for a in pending.draft["tasks"][0]["assignees"] if a["text"] == "市数据局")
    assert (assignee["department_id"], assignee["remember"]) == (data_bureau.pk, True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new_department-name": " "}, "请填写要新建的单位名称"),
        ({"new_department-kind": Department.Kind.SUBORDINATE_GOVERNMENT}, "请选择要新建的单位类型"),
        ({"new_department-name": "郑州市财政局"}, "已有名为郑州市财政局的单位"),
        ({"new_department-region": "430100"}, "只能在本地区及下级地区新建单位"),
    ],
)
def test_a_department_that_cannot_be_added_is_refused_in_chinese(
    pending, office_client, zhengzhou, fields, message
):
    if fields.get("new_department-region") == "430100":
        fields = {"new_department-region": str(Region.objects.get(code="430100").pk)}
    form = {
        "new_department-name": "郑州市数据局",
        "new_department-kind": Department.Kind.GOVERNMENT_DEPARTMENT,
        "new_department-region": str(zhengzhou.pk),
    } | fields
    before = Department.objects.count()
    page = post(office_client, pending, "create_department", **form).content.decode()
    assert message in page
    assert Department.objects.count() == before


def test_only_office_staff_of_the_region_or_above_may_add_departments(zhengzhou, henan):
    county = zhengzhou.children.first()
    city_office = User.objects.create_user("city", role="office", region=zhengzhou)
    province_office = User.objects.create_user("province", role="office", region=henan)
    county_office = User.objects.create_user("county", role="office", region=county)
    leader = User.objects.create_user("leader", role="leader", region=zhengzhou)
    superuser = User.objects.create_superuser("root", password="x")
    assert may_create_department(city_office, zhengzhou)
    assert may_create_department(city_office, county)
    assert may_create_department(province_office, zhengzhou)
    assert not may_create_department(city_office, henan)
    assert not may_create_department(county_office, zhengzhou)
    assert not may_create_department(leader, zhengzhou)
    assert may_create_department(superuser, henan)


def test_a_department_is_offered_only_where_the_user_may_add_it(zhengzhou, henan):
    city_office = User.objects.create_user("city", role="office", region=zhengzhou)
    regions = department_regions(city_office, zhengzhou)
    assert zhengzhou in regions
    assert henan not in regions
    assert {r.parent_id for r in regions if r != zhengzhou} == {zhengzhou.pk}


def test_someone_elses_import_cannot_get_a_department(pending, zhengzhou):
    other = User.objects.create_user("other", role="office", region=zhengzhou)
    with pytest.raises(PermissionDenied):
        create_department(pending, other, name="郑州市数据局", kind="department", region_id=zhengzhou.pk)
    assert not Department.objects.filter(name="郑州市数据局").exists()


# The document's region --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "code", "source"),
    [
        ({"header_region": "郑州市", "issuer": "郑州市深化医药卫生体制改革工作领导小组"}, "410100", "issuer"),
        ({"header_region": "郑州市", "issuer": ""}, "410100", "title"),
        ({"doc_number": "郑医改〔2021〕2号"}, "410100", "doc_number"),
        ({"doc_number": "豫政办〔2020〕5号"}, "410000", "doc_number"),
        ({"doc_number": "湘医改〔2022〕1号"}, "430000", "doc_number"),
    ],
)
def test_the_region_is_read_from_the_issuer_the_title_or_the_doc_number(zhengzhou, header, code, source):
    found = detect_region(header, zhengzhou)
    assert (found["code"], found["source"]) == (code, source)


def test_a_header_naming_no_region_detects_none(zhengzhou):
    assert detect_region({"header_region": None, "doc_number": "〔2021〕2号"}, zhengzhou) is None


@pytest.fixture
def province_office(henan):
    return User.objects.create_user("hn_office", role="office", region=henan)


@pytest.fixture
def uploaded_for_the_province(client_for, province_office, henan):
    client = client_for(province_office)
    assert upload(client, SMALL.encode(), "small.txt", henan).status_code == 302
    return client, DocumentImport.objects.get()


def test_a_document_of_another_region_than_chosen_is_pointed_out(
    uploaded_for_the_province, django_assert_max_num_queries
):
    client, doc_import = uploaded_for_the_province
    assert doc_import.draft["detected_region"]["code"] == "410100"
    with django_assert_max_num_queries(9):  # one more: the regions to choose from
        page = client.get(review_url(doc_import)).content.decode()
    assert "本文件属于郑州市，但上传时选择的是河南省" in page
    zhengzhou = Region.objects.get(code="410100")
    assert f'<option value="{zhengzhou.pk}" selected>' in page


def test_choosing_the_region_resolves_names_and_collectives_again(uploaded_for_the_province, zhengzhou):
    client, doc_import = uploaded_for_the_province
    collective = doc_import.draft["tasks"][2]["collective"][0]
    assert collective["department_ids"] == []
    page = post(client, doc_import, "change_region", new_region=str(zhengzhou.pk)).content.decode()
    assert "名称已按该地区重新匹配" in page
    doc_import.refresh_from_db()
    assert (doc_import.region, doc_import.draft["region"]) == (zhengzhou, "410100")
    collective = doc_import.draft["tasks"][2]["collective"][0]
    governments = Department.objects.subordinate_governments_of(zhengzhou)
    assert set(collective["department_ids"]) == set(governments.values_list("pk", flat=True)) != set()
    finance = next(a for a in doc_import.draft["tasks"][1]["assignees"] if a["text"] == "市财政局")
    assert finance["department"] == "郑州市财政局"
    assert "region-notice" not in client.get(review_url(doc_import)).content.decode()


def test_a_region_outside_the_users_scope_cannot_be_chosen(pending, office_client, office):
    changsha = Region.objects.get(code="430100")
    page = post(office_client, pending, "change_region", new_region=str(changsha.pk)).content.decode()
    assert "只能导入本地区及下辖地区的文件" in page
    pending.refresh_from_db()
    assert pending.region.code == "410100"
    with pytest.raises(PermissionDenied):
        change_region(pending, office, changsha)


def test_a_document_of_a_region_outside_the_users_scope_says_so(client_for, zhengzhou):
    city_office = User.objects.create_user("zz", role="office", region=zhengzhou)
    client = client_for(city_office)
    text = SMALL.replace("郑州市深化医药", "长沙市深化医药").replace("郑医改", "长医改")
    assert upload(client, text.encode(), "changsha.txt", zhengzhou).status_code == 302
    page = client.get(review_url(DocumentImport.objects.get())).content.decode()
    assert "本文件属于长沙市，不在您可导入的地区范围内" in page


# What the page costs ----------------------------------------------------------------------------


def test_the_review_page_of_a_small_draft_costs_few_queries(
    pending, office_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = office_client.get(review_url(pending))
    assert response.status_code == 200


def test_the_review_page_of_a_large_draft_costs_as_few(
    client_for, django_assert_max_num_queries, reference_data
):
    hunan = Region.objects.get(code="430000")
    client = client_for(User.objects.create_user("hn", role="office", region=hunan))
    upload(client, SEED_004.read_bytes(), SEED_004.name, hunan)
    doc_import = DocumentImport.objects.get()
    doc_import.draft = rated(doc_import.draft, task=0.5)
    doc_import.save(update_fields=["draft"])
    assert len(doc_import.draft["tasks"]) >= 50
    with django_assert_max_num_queries(8):
        response = client.get(review_url(doc_import))
    assert response.content.decode().count('class="summary-row') == len(doc_import.draft["tasks"])


def test_the_context_builds_without_the_request(pending, office):
    context = review_context(pending, office)
    assert context["with_problems"] == 2
    assert [g.text for g in context["name_groups"]] == ["市医疗保障部门", "市数据局"]


# The pure parts ---------------------------------------------------------------------------------


def test_apply_review_maps_a_name_once_without_a_query(pending, zhengzhou, django_assert_num_queries):
    resolver, departments = DepartmentResolver(zhengzhou), allowed_departments(zhengzhou)
    key = next(g.key for g in unmatched_groups(pending.draft) if g.text == "市医疗保障部门")
    with django_assert_num_queries(0):
        draft = apply_review(
            pending.draft,
            {"map0-key": key, "map0-name": "郑州市医疗保障局"},
            resolver,
            departments=departments,
        )
    mapped = [a for t in draft["tasks"] for a in t["assignees"] if a["text"] == "市医疗保障部门"]
    assert [(a["department"], a["remember"]) for a in mapped] == [("郑州市医疗保障局", True)] * 2
    assert [g.text for g in unmatched_groups(draft)] == ["市数据局"]


def test_reresolving_keeps_a_hand_mapping_the_new_region_may_assign(pending, zhengzhou, henan):
    finance = Department.objects.get(region=zhengzhou, name="郑州市财政局")
    draft = copy.deepcopy(pending.draft)
    lead = draft["tasks"][1]["assignees"][0]
    lead.update(department_id=finance.pk, department=finance.name, mapped=True)
    # For the province the city's bureau is still assignable (a region below); for 长沙市 it is not.
    kept = reresolve(draft, DepartmentResolver(henan), [d.pk for d in allowed_departments(henan)])
    assert kept["tasks"][1]["assignees"][0]["department_id"] == finance.pk
    changsha = Region.objects.get(code="430100")
    moved = reresolve(draft, DepartmentResolver(changsha), [d.pk for d in allowed_departments(changsha)])
    assert moved["tasks"][1]["assignees"][0]["department_id"] != finance.pk
    assert moved["region"] == "430100"
    assert draft["region"] == "410100", "the draft given is left alone"

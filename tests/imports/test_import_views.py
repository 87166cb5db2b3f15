"""The browser import: upload, review and correct the draft, confirm or discard; and the document page."""

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from regions.models import Department, DepartmentAlias, Region
from regions.resolve import DepartmentResolver
from tasks.imports.services.importing import DocumentImportError, build_draft, parse_upload
from tasks.imports.services.review import allowed_departments, review_problems, start_import
from tasks.imports.services.review_edits import apply_review, draft_revision
from tasks.models import Assignment, Deadline, DocumentImport, PolicyDocument, Target, Task
from tests.imports.test_importing import SEED_004, SEEDS, SMALL

UNKNOWN = SMALL.replace("市医保局牵头", "市医疗保障部门牵头")  # task 2 names a body no department is called
IMPORT_URL = reverse("document_import")


def review_url(doc_import: DocumentImport) -> str:
    return reverse("document_import_review", args=[doc_import.pk])


def media_files() -> set[str]:
    return {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def ledger_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (PolicyDocument, Task, Assignment, Deadline, Target, DepartmentAlias)
    }


class FormFields(HTMLParser):
    """What a browser would submit from the review form as rendered, without any field changed."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "submit"):
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "input" and name and "checked" in attrs:
            self.fields.append((name, attrs.get("value") or "on"))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs["value"]))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None


def rendered_form(page: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(page)
    form: dict[str, list[str]] = {}
    for name, value in parser.fields:
        form.setdefault(name, []).append(value)
    return form


def make_docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


@pytest.fixture
def hunan(reference_data):
    return Region.objects.get(code="430000")


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


def upload(client: Client, content: bytes, name: str, region: Region, **kwargs):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content), "region": region.pk}, **kwargs)


@pytest.fixture
def pending(office_client, zhengzhou) -> DocumentImport:
    """UNKNOWN uploaded by the office and awaiting review."""
    response = upload(office_client, UNKNOWN.encode(), "small.txt", zhengzhou)
    assert response.status_code == 302
    return DocumentImport.objects.get()


# Upload -----------------------------------------------------------------------------------------


def test_an_uploaded_text_is_shown_for_review_with_its_matched_departments(office_client, zhengzhou):
    response = upload(office_client, SMALL.encode(), "small.txt", zhengzhou, follow=True)
    doc_import = DocumentImport.objects.get()
    assert response.redirect_chain[-1][0] == review_url(doc_import)
    assert doc_import.status == DocumentImport.Status.DRAFT
    assert doc_import.original_name == "small.txt"
    assert doc_import.file.read() == SMALL.encode()
    assert len(doc_import.draft["tasks"]) == 3
    page = response.content.decode()
    for expected in (
        "郑医改〔2026〕1号",
        "郑州市深化医药卫生体制改革工作领导小组",
        "推进按病种付费",
        'value="郑州市医疗保障局"',
        'value="郑州市财政局"',
        "6月底前",
        'value="2026-06-30"',
        "病种数不少于100个",
        "12 个下级政府",  # 各县（市、区）人民政府
        "新建",
    ):
        assert expected in page, expected
    assert page.count('<datalist id="departments">') == 1
    assert PolicyDocument.objects.count() == 0, "nothing reaches the ledger before confirming"


def test_an_uploaded_docx_is_parsed_too(office_client, zhengzhou):
    data = make_docx([line for line in SMALL.splitlines() if line.strip()])
    response = upload(office_client, data, "重点任务.docx", zhengzhou, follow=True)
    assert response.status_code == 200
    doc_import = DocumentImport.objects.get()
    assert doc_import.original_name == "重点任务.docx"
    assert [t["number"] for t in doc_import.draft["tasks"]] == ["（一）", "（二）", "（三）"]
    assert 'value="郑州市医疗保障局"' in response.content.decode()


def test_an_unknown_department_is_flagged_with_clickable_suggestions(pending, office_client):
    page = office_client.get(review_url(pending)).content.decode()
    assert "未匹配" in page
    assert "市医疗保障部门" in page
    assert 'class="suggestion" data-fill="t1-a0-name" data-name="郑州市医疗保障局"' in page
    assert 'name="t1-a0-remember"' in page
    assert "js/review.js" in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.txt", "空"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "picture.docx", "PNG"),
        ("一、总体要求\n认真做好各项工作。\n".encode(), "none.txt", "未识别到任何工作任务"),
    ],
)
def test_bad_uploads_are_refused_in_chinese_and_store_nothing(
    office_client, zhengzhou, content, name, message
):
    before = media_files()
    response = upload(office_client, content, name, zhengzhou)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DocumentImport.objects.count() == 0
    assert media_files() == before


def test_an_oversize_upload_is_refused(office_client, zhengzhou, settings):
    settings.UPLOAD_MAX_BYTES = 100
    before = media_files()
    response = upload(office_client, SMALL.encode(), "small.txt", zhengzhou)
    assert "超过" in response.content.decode()
    assert DocumentImport.objects.count() == 0
    assert media_files() == before


@pytest.mark.parametrize("role", ["liaison", "leader"])
def test_liaisons_and_leaders_may_not_import(client_for, zhengzhou, role):
    extra = {"department": Department.objects.filter(region=zhengzhou).first()} if role == "liaison" else {}
    user = User.objects.create_user(role, role=role, region=zhengzhou, **extra)
    client = client_for(user)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, SMALL.encode(), "small.txt", zhengzhou).status_code == 403
    assert DocumentImport.objects.count() == 0
    assert "导入文件" not in client.get(reverse("home")).content.decode()


def test_the_upload_page_needs_a_login(client, db):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_upload_page_offers_the_users_regions_and_pending_drafts(pending, office_client, zhengzhou):
    page = office_client.get(IMPORT_URL).content.decode()
    assert f'<option value="{zhengzhou.pk}" selected>' in page
    assert "中原区" in page
    assert "湖南省" not in page
    assert review_url(pending) in page
    assert "导入文件" in office_client.get(reverse("home")).content.decode()


def test_a_region_outside_the_users_scope_is_refused(office_client, office, hunan):
    before = media_files()
    response = upload(office_client, SMALL.encode(), "small.txt", hunan)
    assert response.status_code == 200
    assert "只能导入本地区" in response.content.decode()
    assert DocumentImport.objects.count() == 0
    assert media_files() == before
    with pytest.raises(PermissionDenied):
        start_import(office, SimpleUploadedFile("small.txt", SMALL.encode()), hunan)


def test_someone_elses_import_is_not_found(pending, client_for, zhengzhou, hunan):
    colleague = User.objects.create_user("colleague", role="office", region=zhengzhou)
    outsider = User.objects.create_user("outsider", role="office", region=hunan)
    for user in (colleague, outsider):
        client = client_for(user)
        assert client.get(review_url(pending)).status_code == 404
        assert client.post(review_url(pending), {"action": "discard"}).status_code == 404
    pending.refresh_from_db()
    assert pending.status == DocumentImport.Status.DRAFT


# Review and confirm -----------------------------------------------------------------------------


def test_edits_then_confirm_import_the_corrected_tasks_and_remember_the_alias(
    pending, office_client, zhengzhou
):
    form = {
        "revision": draft_revision(pending.draft),
        "review_form": "1",
        "action": "confirm",
        "t0-text": "推进按病种付费改革。（市医保局负责）",
        "t1-a0-name": "郑州市医疗保障局",
        "t1-a0-remember": "on",
        "t1-d0-date": "2026-09-30",
        "t2-merge": "on",
    }
    response = office_client.post(review_url(pending), form, follow=True)
    document = PolicyDocument.objects.get()
    assert response.redirect_chain[-1][0] == reverse("document_detail", args=[document.pk])
    page = response.content.decode()
    assert "新增任务 2 项" in page
    tasks = list(document.tasks.order_by("position"))
    assert [t.label for t in tasks] == ["（一）", "（二）"]
    assert tasks[0].text == "推进按病种付费改革。（市医保局负责）"
    assert "推进县域医共体建设" in tasks[1].text, "the third task was merged into the second"
    bureau = Department.objects.get(region=zhengzhou, name="郑州市医疗保障局")
    roles = {a.department.name: a.role for a in tasks[1].assignments.select_related("department")}
    assert roles["郑州市医疗保障局"] == Assignment.Role.LEAD
    assert roles["郑州市卫生健康委员会"] == Assignment.Role.LEAD
    assert tasks[1].assignments.filter(collective_text__startswith="各县").count() == 12
    assert tasks[1].deadlines.get().due_on.isoformat() == "2026-09-30"
    assert tasks[1].targets.get().value == 90
    assert DepartmentAlias.objects.filter(
        region=zhengzhou, alias="市医疗保障部门", department=bureau
    ).exists()
    pending.refresh_from_db()
    assert (pending.status, pending.document) == (DocumentImport.Status.IMPORTED, document)
    assert "推进按病种付费改革" in page, "the document page shows the outline"
    assert "牵头" in page


def test_dropping_a_task_and_saving_stays_on_the_review_page(pending, office_client):
    response = office_client.post(
        review_url(pending),
        {"revision": draft_revision(pending.draft), "action": "save", "t0-drop": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == review_url(pending)
    assert "已保存" in response.content.decode()
    pending.refresh_from_db()
    assert [t["number"] for t in pending.draft["tasks"]] == ["（二）", "（三）"]
    assert PolicyDocument.objects.count() == 0


def test_a_name_typed_that_matches_nothing_is_reported_and_blocks_confirming(pending, office_client):
    form = {"revision": draft_revision(pending.draft), "action": "confirm", "t1-a0-name": "市医保办公室"}
    response = office_client.post(review_url(pending), form, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == review_url(pending)
    assert "市医保办公室" in page
    assert "不是已知的部门" in page
    assert PolicyDocument.objects.count() == 0


def test_an_invalid_date_is_refused_on_confirm_and_nothing_is_written(pending, office_client):
    before, files = ledger_counts(), media_files()
    form = {"revision": draft_revision(pending.draft), "action": "confirm", "t1-d0-date": "2026-02-30"}
    response = office_client.post(review_url(pending), form, follow=True)
    page = response.content.decode()
    assert "未导入" in page
    assert "2026-02-30" in page
    assert "不是有效的日期" in page
    assert ledger_counts() == before
    assert media_files() == files
    pending.refresh_from_db()
    assert pending.status == DocumentImport.Status.DRAFT
    assert pending.draft["tasks"][1]["deadlines"][0]["date"] == "2026-02-30", "the edit is kept to correct"


@pytest.mark.parametrize("seed", json.loads((SEEDS / "manifest.json").read_text())["documents"])
def test_saving_the_form_as_rendered_changes_nothing(client_for, reference_data, seed, settings):
    # The whole form, as a browser without JavaScript sends it (review.js sends only what changed);
    # a long document has more fields than Django's default limit of 1000.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
    region = Region.objects.get(code=seed["region"])
    office = User.objects.create_user("office", role="office", region=region)
    client = client_for(office)
    path = SEEDS / seed["file"]
    upload(client, path.read_bytes(), path.name, region)
    doc_import = DocumentImport.objects.get()
    before = doc_import.draft
    form = rendered_form(client.get(review_url(doc_import)).content.decode())
    response = client.post(review_url(doc_import), {**form, "action": ["save"]})
    assert response.status_code == 302
    doc_import.refresh_from_db()
    assert doc_import.draft.pop("review_notes") == []
    assert doc_import.draft == before


def test_a_superuser_may_import_for_any_region(client_for, hunan):
    root = User.objects.create_superuser("root", password="x")
    response = upload(client_for(root), SMALL.encode(), "small.txt", hunan)
    assert response.status_code == 302
    assert DocumentImport.objects.get().region == hunan


def test_a_stale_form_is_refused(pending, office_client):
    form = {"revision": "0" * 16, "action": "save", "t0-text": "改过的内容"}
    response = office_client.post(review_url(pending), form, follow=True)
    assert "重新加载" in response.content.decode()
    pending.refresh_from_db()
    assert pending.draft["tasks"][0]["text"] != "改过的内容"


def test_importing_the_same_file_again_updates_without_duplicating(office_client, zhengzhou):
    upload(office_client, SMALL.encode(), "small.txt", zhengzhou)
    first = DocumentImport.objects.get()
    office_client.post(review_url(first), {"action": "confirm"})
    document = PolicyDocument.objects.get()
    before = ledger_counts()

    upload(office_client, SMALL.encode(), "small-again.txt", zhengzhou)
    second = DocumentImport.objects.exclude(pk=first.pk).get()
    page = office_client.get(review_url(second)).content.decode()
    assert "更新" in page
    assert reverse("document_detail", args=[document.pk]) in page
    response = office_client.post(review_url(second), {"action": "confirm"}, follow=True)

    assert "更新任务 3 项" in response.content.decode() or "更新 3 项" in response.content.decode()
    assert ledger_counts() == before
    assert PolicyDocument.objects.get().pk == document.pk


def test_a_confirmed_import_cannot_be_confirmed_twice(pending, office_client):
    office_client.post(review_url(pending), {"action": "confirm", "t1-drop": "on"})
    before = ledger_counts()
    response = office_client.post(review_url(pending), {"action": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == reverse("document_detail", args=[PolicyDocument.objects.get().pk])
    assert ledger_counts() == before


def test_discarding_deletes_the_uploaded_file(pending, office_client, django_capture_on_commit_callbacks):
    path = Path(pending.file.path)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = office_client.post(review_url(pending), {"action": "discard"}, follow=True)
    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert not path.exists()
    pending.refresh_from_db()
    assert pending.status == DocumentImport.Status.DISCARDED
    assert not pending.file
    assert PolicyDocument.objects.count() == 0
    assert office_client.get(review_url(pending)).status_code == 302


def test_the_review_page_costs_the_same_queries_whatever_the_number_of_tasks(
    client_for, hunan, django_assert_max_num_queries
):
    office = User.objects.create_user("hn_office", role="office", region=hunan)
    client = client_for(office)
    upload(client, SEED_004.read_bytes(), SEED_004.name, hunan)
    doc_import = DocumentImport.objects.get()
    assert len(doc_import.draft["tasks"]) >= 50
    with django_assert_max_num_queries(10):
        response = client.get(review_url(doc_import))
    assert response.status_code == 200
    assert response.content.decode().count('class="card task') == len(doc_import.draft["tasks"])


# The document page ------------------------------------------------------------------------------


@pytest.fixture
def imported(pending, office_client) -> PolicyDocument:
    office_client.post(review_url(pending), {"action": "confirm", "t1-a0-name": "郑州市医疗保障局"})
    return PolicyDocument.objects.get()


def test_the_document_page_shows_the_outline(imported, office_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = office_client.get(reverse("document_detail", args=[imported.pk]))
    page = response.content.decode()
    for expected in (
        "郑医改〔2026〕1号",
        "深化医保支付方式改革",
        "（二）",
        "郑州市财政局",
        "2026-06-30",
        "各县（市、区）人民政府",
    ):
        assert expected in page, expected
    home = office_client.get(reverse("home")).content.decode()
    assert reverse("document_detail", args=[imported.pk]) in home


def test_the_document_page_is_not_found_outside_the_users_scope(imported, client_for, hunan):
    outsider = User.objects.create_user("outsider", role="office", region=hunan)
    assert client_for(outsider).get(reverse("document_detail", args=[imported.pk])).status_code == 404


def test_a_liaison_sees_only_the_tasks_of_their_department(imported, client_for, zhengzhou):
    finance = Department.objects.get(region=zhengzhou, name="郑州市财政局")
    liaison = User.objects.create_user("finance", role="liaison", department=finance)
    page = client_for(liaison).get(reverse("document_detail", args=[imported.pk])).content.decode()
    assert "完善医疗服务价格动态调整机制" in page
    assert "推进按病种付费" not in page


# apply_review, a pure function ------------------------------------------------------------------


@pytest.fixture
def draft(zhengzhou) -> dict:
    return build_draft(parse_upload(UNKNOWN.encode(), "small.txt"), zhengzhou)


@pytest.fixture
def review(zhengzhou, draft, django_assert_num_queries):
    """apply_review with the page's resolver and department list, checked to run without a query."""
    resolver = DepartmentResolver(zhengzhou)
    departments = allowed_departments(zhengzhou)

    def run(data: dict, on: dict | None = None) -> dict:
        with django_assert_num_queries(0):
            return apply_review(on or draft, data, resolver, departments=departments)

    return run


def test_apply_review_leaves_the_draft_it_is_given_alone(review, draft):
    import copy

    original = copy.deepcopy(draft)
    result = review({"t0-text": ["新内容"], "t1-drop": ["on"]})
    assert draft == original
    assert result["tasks"][0]["text"] == "新内容"
    assert len(result["tasks"]) == 2


def test_apply_review_without_data_changes_nothing(review, draft):
    result = review({})
    assert result.pop("review_notes") == []
    assert result == draft


def test_apply_review_edits_header_text_and_section(review):
    result = review(
        {
            "title": ["新标题"],
            "doc_number": ["郑医改〔2026〕9号"],
            "t2-section": ["基层"],
            "t2-text": ["a\r\nb "],
        }
    )
    assert (result["title"], result["doc_number"]) == ("新标题", "郑医改〔2026〕9号")
    assert (result["tasks"][2]["section"], result["tasks"][2]["text"]) == ("基层", "a\nb")


def test_apply_review_maps_a_name_to_a_department_and_remembers_it(review, zhengzhou):
    result = review({"t1-a0-name": ["郑州市医疗保障局"], "t1-a0-remember": ["on"], "t1-a0-role": ["co_lead"]})
    assignee = result["tasks"][1]["assignees"][0]
    bureau = Department.objects.get(region=zhengzhou, name="郑州市医疗保障局")
    assert (assignee["department_id"], assignee["department"]) == (bureau.pk, bureau.name)
    assert assignee["remember"] is True
    assert assignee["role"] == "co_lead"
    assert assignee["text"] == "市医疗保障部门", "the name as written is what becomes the alias"
    assert review_problems(result) == []


def test_apply_review_resolves_aliases_and_departments_below_the_region(review):
    result = review(
        {"t0-a0-name": ["市财政局"], "t0-a_new-name": ["中原区人民政府"], "t0-a_new-role": ["co_lead"]}
    )
    assignees = result["tasks"][0]["assignees"]
    assert assignees[0]["department"] == "郑州市财政局"
    assert (assignees[-1]["department"], assignees[-1]["role"]) == ("中原区人民政府", "co_lead")


def test_apply_review_reports_an_unknown_name_with_suggestions(review):
    result = review({"t1-a0-name": ["郑州市医疗保障"]})
    assignee = result["tasks"][1]["assignees"][0]
    assert assignee["department_id"] is None
    assert assignee["department_input"] == "郑州市医疗保障"
    assert "郑州市医疗保障局" in [s["name"] for s in assignee["suggestions"]]
    assert any("郑州市医疗保障" in note for note in result["review_notes"])
    assert len(review_problems(result)) == 1


def test_apply_review_remember_follows_the_checkbox_only_on_the_complete_form(review, draft):
    remembered = review({"t1-a0-name": ["郑州市医疗保障局"], "t1-a0-remember": ["on"]})
    assert review({"t0-text": ["x"]}, on=remembered)["tasks"][1]["assignees"][0]["remember"] is True
    unticked = review({"review_form": ["1"]}, on=remembered)
    assert unticked["tasks"][1]["assignees"][0]["remember"] is False


def test_apply_review_adds_and_removes_assignees(review):
    result = review({"t0-a1-remove": ["on"], "t0-a_new-name": ["郑州市财政局"], "t2-c0-remove": ["on"]})
    names = [a["department"] for a in result["tasks"][0]["assignees"]]
    assert names == ["郑州市医疗保障局", "郑州市财政局"]
    assert result["tasks"][0]["assignees"][-1]["role"] == "cooperating"
    assert result["tasks"][2]["collective"] == []


def test_apply_review_merges_a_task_into_the_previous_one(review):
    result = review({"t1-merge": ["on"], "t2-merge": ["on"]})
    (task,) = result["tasks"]
    assert "推进按病种付费" in task["text"]
    assert "推进县域医共体建设" in task["text"]
    by_name = {a["department"] or a["text"]: a["role"] for a in task["assignees"]}
    # 卫健委 cooperated on the first task and led the third: the stronger role wins.
    assert by_name["郑州市卫生健康委员会"] == "lead"
    assert by_name["市医疗保障部门"] == "lead"
    assert len(task["collective"]) == 1
    assert [d["text"] for d in task["deadlines"]] == ["年底前", "6月底前"]
    assert len(task["targets"]) == 2


def test_apply_review_cannot_merge_the_first_task(review):
    result = review({"t0-merge": ["on"]})
    assert len(result["tasks"]) == 3
    assert result["review_notes"]


def test_apply_review_edits_adds_and_removes_deadlines(review):
    result = review(
        {
            "t0-d0-text": ["9月底前"],
            "t0-d0-date": ["2026-09-30"],
            "t1-d0-remove": ["on"],
            "t2-d_new-text": ["长期坚持"],
            "t1-d_new-text": ["国庆前"],
            "t1-d_new-date": ["2026-09-30"],
        }
    )
    # The parser's confidence stays with the edited deadline (a deadline the reviewer adds has none).
    edited = {k: v for k, v in result["tasks"][0]["deadlines"][0].items() if not k.startswith("confidence")}
    assert [edited] == [{"text": "9月底前", "date": "2026-09-30", "kind": "date", "year": 2026}]
    assert result["tasks"][1]["deadlines"] == [
        {"text": "国庆前", "date": "2026-09-30", "kind": "date", "year": 2026}
    ]
    assert result["tasks"][2]["deadlines"] == [
        {"text": "长期坚持", "date": None, "kind": "ongoing", "year": None}
    ]
    cleared = review({"t0-d0-date": [""]})
    assert cleared["tasks"][0]["deadlines"][0]["kind"] == "relative"


def test_apply_review_reads_a_deadline_added_as_text_against_the_base_year(review):
    result = review({"t2-d_new-text": ["10月底前"]})
    assert result["tasks"][2]["deadlines"] == [
        {"text": "10月底前", "date": "2026-10-31", "kind": "date", "year": 2026}
    ]


def test_apply_review_edits_adds_and_removes_targets(review):
    result = review(
        {
            "t0-g0-value": ["120"],
            "t0-g0-unit": ["种"],
            "t0-g0-op": ["range"],
            "t0-g0-upper": ["150.5"],
            "t0-g0-year": ["2027"],
            "t2-g0-remove": ["on"],
            "t1-g_new-text": ["调价评估覆盖率100%"],
            "t2-g_new-text": ["家庭医生签约率达到75%以上"],
            "t2-g_new-year": ["2027"],
        }
    )
    target = result["tasks"][0]["targets"][0]
    assert (target["value"], target["upper"], target["op"], target["unit"], target["year"]) == (
        120,
        150.5,
        "range",
        "种",
        2027,
    )
    added = result["tasks"][2]["targets"]
    assert len(added) == 1, "the parsed target of task 3 was removed, one added"
    assert (added[0]["metric"], added[0]["op"], added[0]["value"], added[0]["unit"], added[0]["year"]) == (
        "家庭医生签约率",
        ">=",
        75,
        "%",
        2027,
    )
    added = result["tasks"][1]["targets"][0]
    assert (added["text"], added["metric"], added["op"], added["value"], added["unit"]) == (
        "调价评估覆盖率100%",
        "调价评估覆盖率",
        "=",
        100,
        "%",
    )


def test_apply_review_keeps_a_bad_number_for_the_import_and_refuses_a_bad_year(review):
    result = review({"t0-g0-value": ["很多"], "t0-g0-year": ["明年"]})
    target = result["tasks"][0]["targets"][0]
    assert target["value"] == "很多"
    assert target["year"] == 2026
    assert any("明年" in note for note in result["review_notes"])


@pytest.mark.parametrize("year", ["²⁰²⁶", "9" * 5000])
def test_apply_review_refuses_a_year_of_digits_int_cannot_read(review, year):
    # str.isdigit() is true of both, and int() raised ValueError: a 500.
    result = review({"t0-g0-year": [year]})
    assert result["tasks"][0]["targets"][0]["year"] == 2026
    assert any(year in note for note in result["review_notes"])


def test_apply_review_refuses_a_form_made_for_another_revision(review, draft):
    with pytest.raises(DocumentImportError):
        review({"revision": ["0" * 16], "t0-text": ["x"]})
    assert review({"revision": [draft_revision(draft)], "t0-text": ["x"]})["tasks"][0]["text"] == "x"

"""A table's 具体措施 travel with their task: draft, saved task, review page, task page and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from regions.models import Region
from tasks.imports.services.importing import build_draft, import_document, parse_upload
from tasks.models import DocumentImport, Task
from tests.api.openapi import openapi
from tests.api_world import token_client
from tests.parsing.builders import make_docx_parts

MEASURES = "全面推行按病种付费，年底前覆盖所有统筹区"
TABLE = [
    ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
    ["1", "深化医保支付方式改革", MEASURES, "市医保局", "市财政局\n各县（市、区）人民政府", "2026年12月底前"],
    ["2", "完善医疗服务价格动态调整机制", "开展调价评估", "市医保局", "市卫生健康委", "2026年6月底前"],
]
DOCX = make_docx_parts(
    [
        "郑州市深化医药卫生体制改革工作领导小组文件",
        "郑医改〔2026〕3号",
        "关于印发郑州市2026年医改重点任务清单的通知",
        "各县（市、区）人民政府，市直各单位：现将重点任务清单印发给你们。",
        "2026年3月1日",
        "附件",
        TABLE,
    ]
)


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


@pytest.fixture
def office(zhengzhou):
    return User.objects.create_user("zz_office", password="x", role="office", region=zhengzhou)


@pytest.fixture
def imported(zhengzhou, office) -> Task:
    parsed = parse_upload(DOCX, "清单.docx")
    draft = build_draft(parsed, zhengzhou)
    result = import_document(draft, region=zhengzhou, data=DOCX, filename="清单.docx", user=office)
    return result.document.tasks.order_by("position").first()


def test_the_draft_carries_the_measures_apart_from_the_task_text(zhengzhou):
    draft = build_draft(parse_upload(DOCX, "清单.docx"), zhengzhou)
    first = draft["tasks"][0]
    assert (first["text"], first["measures"]) == ("深化医保支付方式改革", MEASURES)
    assert [a["department"] for a in first["assignees"]] == ["郑州市医疗保障局", "郑州市财政局"]
    assert [c["text"] for c in first["collective"]] == ["各县（市、区）人民政府"]


def test_the_saved_task_keeps_its_measures(imported):
    assert imported.text == "深化医保支付方式改革"
    assert imported.measures == MEASURES
    assert imported.deadlines.filter(text="年底前").exists()


def test_a_reimport_that_changes_the_measures_updates_them(imported, zhengzhou):
    changed = make_docx_parts(
        [
            "郑州市深化医药卫生体制改革工作领导小组文件",
            "郑医改〔2026〕3号",
            "关于印发郑州市2026年医改重点任务清单的通知",
            "2026年3月1日",
            "附件",
            [TABLE[0], [*TABLE[1][:2], "推行按病种付费", *TABLE[1][3:]], TABLE[2]],
        ]
    )
    draft = build_draft(parse_upload(changed, "清单.docx"), zhengzhou)
    import_document(draft, region=zhengzhou, data=changed, filename="清单.docx")
    imported.refresh_from_db()
    assert imported.measures == "推行按病种付费"
    assert "measures" in imported.changes.order_by("-pk").first().changes


def test_the_review_page_shows_the_measures_read_only(zhengzhou, office):
    client = Client()
    client.force_login(office)
    response = client.post(
        reverse("document_import"),
        {"file": SimpleUploadedFile("清单.docx", DOCX), "region": zhengzhou.pk},
        follow=True,
    )
    page = response.content.decode()
    assert DocumentImport.objects.get().draft["tasks"][0]["measures"] == MEASURES
    assert '<p class="measures-text">' + MEASURES + "</p>" in page
    assert "具体措施" in page
    assert f">{MEASURES}</textarea>" not in page  # shown, not an input


def test_the_task_page_shows_a_measures_block(imported, office):
    client = Client()
    client.force_login(office)
    page = client.get(reverse("task_detail", args=[imported.pk])).content.decode()
    block = page.split('class="task-measures', 1)[1].split("</div>", 1)[0]
    assert "具体措施" in block
    assert MEASURES in block


def test_a_task_without_measures_shows_no_block(imported, office):
    Task.objects.filter(pk=imported.pk).update(measures="")
    client = Client()
    client.force_login(office)
    page = client.get(reverse("task_detail", args=[imported.pk])).content.decode()
    assert "task-measures" not in page


def test_the_api_reads_and_writes_the_measures(imported, office):
    client = token_client(office)
    response = client.get(f"/api/v1/tasks/{imported.pk}/")
    assert response.status_code == 200
    assert response.json()["measures"] == MEASURES
    version = response.json()["version"]
    response = client.patch(
        f"/api/v1/tasks/{imported.pk}/",
        {"measures": "  推行DIP付费  "},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["measures"] == "推行DIP付费"
    imported.refresh_from_db()
    assert (imported.measures, imported.version) == ("推行DIP付费", version + 1)
    assert "measures" in imported.changes.order_by("-pk").first().changes


def test_the_measures_are_in_the_openapi_schema():
    schemas = openapi()["components"]["schemas"]
    assert schemas["Task"]["properties"]["measures"]["readOnly"] is True
    update = next(
        s for name, s in schemas.items() if name.endswith("TaskUpdate") or name == "TaskUpdateRequest"
    )
    assert update["properties"]["measures"]["type"] == "string"


def test_a_draft_whose_measures_are_not_text_is_refused_and_writes_nothing(zhengzhou):
    from tasks.imports.services.importing import DocumentImportError

    draft = build_draft(parse_upload(DOCX, "清单.docx"), zhengzhou)
    draft["tasks"][1]["measures"] = ["开展调价评估"]
    with pytest.raises(DocumentImportError) as caught:
        import_document(draft, region=zhengzhou, data=DOCX, filename="清单.docx")
    assert any("具体措施必须是文字" in m for m in caught.value.messages)
    assert not Task.objects.exists()

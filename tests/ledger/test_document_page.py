"""The document page: every heading level of the outline as the document prints it, and the original
file, downloadable by those who may see the document."""

import pytest
from django.conf import settings

from regions.models import Region
from tasks.models import PolicyDocument
from tests.factories import PolicyDocumentFactory, TaskFactory, UserFactory
from tests.imports.test_importing import SEED_002, _import

LAYERED = """某市深化医药卫生体制改革工作领导小组文件

某医改〔2026〕3号

关于印发某市2026年深化医改重点工作任务的通知

2026年3月1日

一、深化医保支付方式改革

（一）推进按病种付费改革

1. 扩大按病种付费范围，年底前病种数不少于100个。（市医保局负责）

2. 开展按病种分值付费试点。（市医保局负责）

（二）完善医疗服务价格机制

1. 建立价格动态调整机制。（市医保局牵头，市财政局配合）

二、加强基层能力

（一）推进县域医共体建设。（市卫生健康委负责）
"""


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


def page(client, user, document):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client.get(f"/documents/{document.pk}/").content.decode()


def test_intermediate_headings_print_above_their_items(client, zhengzhou, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result, draft = _import(LAYERED.encode(), "layered.txt", zhengzhou)
    office = UserFactory(office=True, region=zhengzhou)

    html = page(client, office, result.document)

    assert [node["path"] for node in result.document.outline][:3] == [
        ["一"],
        ["一", "（一）"],
        ["一", "（一）", "1."],
    ]
    # Each heading once, in order, above its items; "（一）" under 二 is a task and prints as one.
    order = [
        html.index(text)
        for text in (
            "深化医保支付方式改革",
            "推进按病种付费改革",
            "扩大按病种付费范围",
            "开展按病种分值付费试点",
            "完善医疗服务价格机制",
            "建立价格动态调整机制",
            "加强基层能力",
            "推进县域医共体建设",
        )
    ]
    assert order == sorted(order)
    assert html.count("推进按病种付费改革") == 1
    assert html.count('class="outline-heading depth-1"') == 2
    assert 'outline-heading depth-1"><span class="path">（一）</span>推进县域医共体建设' not in html


def test_a_seed_keeps_its_item_headings(client, zhengzhou, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result, _draft = _import(SEED_002.read_bytes(), SEED_002.name, zhengzhou)
    office = UserFactory(office=True, region=zhengzhou)

    html = page(client, office, result.document)

    # 资阳's 二、工作任务 has （一）…（八）, each over numbered tasks: all eight headings show.
    assert html.count('class="outline-heading depth-1"') >= 8


def test_a_document_imported_before_the_outline_was_kept_shows_its_sections(client, zhengzhou):
    document = PolicyDocumentFactory(region=zhengzhou, outline=[])
    TaskFactory(
        document=document, position=1, section="分级诊疗", outline_path=["一", "（一）"], text="甲任务。"
    )
    TaskFactory(
        document=document, position=2, section="分级诊疗", outline_path=["一", "（二）"], text="乙任务。"
    )
    office = UserFactory(office=True, region=zhengzhou)

    html = page(client, office, document)

    assert html.count('class="section-heading depth-0"') == 1


def test_the_original_file_downloads_as_uploaded_for_those_who_see_the_document(
    client, zhengzhou, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    data = LAYERED.encode("gb18030")
    result, _draft = _import(data, "某市重点任务.txt", zhengzhou)
    office = UserFactory(office=True, region=zhengzhou)
    client.force_login(office)

    assert 'class="document-original"' in page(client, office, result.document)
    response = client.get(f"/documents/{result.document.pk}/original/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment")
    assert "%E6%9F%90%E5%B8%82" in response["Content-Disposition"]  # 某市, RFC 5987
    assert response["Content-Type"] == "application/octet-stream"

    client.force_login(UserFactory(office=True, region=Region.objects.get(code="430100")))
    assert client.get(f"/documents/{result.document.pk}/original/").status_code == 404


def test_a_document_without_a_file_has_nothing_to_download(client, zhengzhou):
    document = PolicyDocumentFactory(region=zhengzhou)
    client.force_login(UserFactory(office=True, region=zhengzhou))
    assert PolicyDocument.objects.get(pk=document.pk).original_file.name in ("", None)
    assert client.get(f"/documents/{document.pk}/original/").status_code == 404


def test_a_tasks_measures_show_under_it(client, zhengzhou):
    document = PolicyDocumentFactory(region=zhengzhou)
    TaskFactory(
        document=document, position=1, text="推进城市医疗集团建设。", measures="组建2个紧密型城市医疗集团。"
    )
    html = page(client, UserFactory(office=True, region=zhengzhou), document)
    assert '<p class="measures"><strong>具体措施</strong>：组建2个紧密型城市医疗集团。</p>' in html

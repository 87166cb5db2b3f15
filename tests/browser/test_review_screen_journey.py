"""The review screen a clerk finishes in minutes: filter to the problems, map an unknown name once for
every task that writes it, add the department the reference data lacks, and confirm."""

import re

import pytest

from regions.models import Department, DepartmentAlias
from tasks.models import Assignment, DocumentImport, PolicyDocument

DOCUMENT = """郑州市深化医药卫生体制改革工作领导小组文件

郑医改〔2026〕9号

关于印发郑州市深化医药卫生体制改革2026年重点工作任务的通知

2026年3月1日

一、深化医保支付方式改革

（一）推进按病种付费，年底前病种数不少于100个。（郑州市医疗保障局负责）

（二）完善医疗服务价格动态调整机制，6月底前完成调价评估。（市医疗保障部门牵头）

（三）加强医保基金监管，年底前完成专项检查。（市医疗保障部门牵头，市数据局配合）

二、加强基层能力

（四）推进紧密型城市医疗集团建设，9月底前完成。（郑州市卫生健康委员会负责）
"""


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_filters_to_problems_maps_a_name_once_adds_a_department_and_confirms(
    page, expect, login_as, office, zhengzhou, insurance_bureau, health_commission, tmp_path, shot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    source = tmp_path / "重点任务.txt"
    source.write_text(DOCUMENT, encoding="utf-8")
    login_as(office)
    page.goto("/documents/import/")
    form = page.locator("form.upload")
    form.locator("input[type=file]").set_input_files(str(source))
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/documents/import/\d+/$"))

    # Another step rates its reading of the document; the third task's is doubtful.
    doc_import = DocumentImport.objects.get()
    for task in doc_import.draft["tasks"]:
        task.update(confidence=0.9, confidence_reason="责任单位、时限均在括号内")
    doc_import.draft["tasks"][2].update(confidence=0.45, confidence_reason="括号内有两个单位未识别")
    doc_import.save(update_fields=["draft"])
    page.reload()

    # The summary first: one row per task, the problems flagged; two tasks have none.
    review = page.locator("#review-form")
    rows = review.locator("tr.summary-row")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("未知名称")
    expect(rows.nth(2)).to_contain_text("置信度低")
    expect(rows.nth(2).locator(".badge.confidence")).to_have_attribute("title", "括号内有两个单位未识别")
    expect(review.locator("details.task[open]")).to_have_count(2)
    review.get_by_label("只看有问题的项").check()
    expect(rows.filter(visible=True)).to_have_count(2)
    expect(review.locator("details.task").filter(visible=True)).to_have_count(2)
    expect(review.locator("#task-0")).to_be_hidden()
    shot("-1-problems")

    # 市医疗保障部门 is written in two tasks: mapped once, in the names to map.
    names = review.locator("#names")
    row = names.locator("tr", has_text="市医疗保障部门")
    expect(row).to_contain_text("任务 2")
    expect(row).to_contain_text("任务 3")
    row.locator("button.suggestion", has_text="郑州市医疗保障局").click()
    expect(row.locator("input[list=departments]")).to_have_value("郑州市医疗保障局")

    # 市数据局 has no department yet: added from the review screen, for that name.
    added = review.locator("details.new-department")
    expect(added).to_have_attribute("open", "")
    added.get_by_label("名称").fill("郑州市数据局")
    added.get_by_label("地区").select_option(label="郑州市")
    added.get_by_label("用于文中写法").select_option(label="市数据局")
    shot("-2-mapping")
    added.get_by_role("button", name="新建单位").click()
    expect(page.locator(".alert-success")).to_contain_text("郑州市数据局")
    expect(page.locator("#names")).to_have_count(0)
    expect(page.locator(".actions .unmapped")).to_have_count(0)
    shot("-3-mapped")

    page.locator("#review-form").get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.locator(".alert-success")).to_be_visible()

    document = PolicyDocument.objects.get()
    leads = {
        a.task.label: a.department.name
        for a in Assignment.objects.filter(task__document=document, role=Assignment.Role.LEAD).select_related(
            "task", "department"
        )
    }
    assert leads["（二）"] == leads["（三）"] == "郑州市医疗保障局"
    data_bureau = Department.objects.get(region=zhengzhou, name="郑州市数据局")
    assert document.tasks.get(label="（三）").assignments.filter(department=data_bureau).exists()
    aliases = set(DepartmentAlias.objects.values_list("alias", "department__name"))
    assert {("市医疗保障部门", "郑州市医疗保障局"), ("市数据局", "郑州市数据局")} <= aliases

"""Each responsibility style the genre uses."""

import pytest

from tasks.parsing import parse_document
from tasks.parsing.assignees import DocRules, build_assignees, responsibility, subjects


def _names(items):
    return [a.text for a in items]


@pytest.mark.parametrize(
    ("text", "lead", "co", "collective"),
    [
        (
            "推进改革。（市医保局、卫生健康委、财政局等按职责分工负责）",
            ["市医保局"],
            ["卫生健康委", "财政局"],
            [],
        ),
        (
            "推进改革。〔市卫生计生委、市财政局和各县（区）人民政府负责，市残联参与〕",
            ["市卫生计生委"],
            ["市财政局", "市残联"],
            ["各县（区）人民政府"],
        ),
        ("推进改革。（省卫健委牵头，省医保局、省财政厅配合）", ["省卫健委"], ["省医保局", "省财政厅"], []),
        (
            "由省卫健委牵头，会同省医保局、省财政厅等部门研究制定实施办法。",
            ["省卫健委"],
            ["省医保局", "省财政厅"],
            [],
        ),
        (
            "推进改革。牵头单位：省卫健委；配合单位：省医保局、省财政厅",
            ["省卫健委"],
            ["省医保局", "省财政厅"],
            [],
        ),
        ("推进改革。责任单位：县卫健局、县医保局", ["县卫健局"], ["县医保局"], []),
        ("推进改革。（省卫健委（牵头），省医保局、省财政厅）", ["省卫健委"], ["省医保局", "省财政厅"], []),
        ("推进改革。（市医改办、市卫生健康委分别负责）", ["市医改办", "市卫生健康委"], [], []),
        (
            "推进改革。（省发改委、省财政厅、各市州人民政府负责）",
            ["省发改委"],
            ["省财政厅"],
            ["各市州人民政府"],
        ),
        ("推进改革。（市医改办、各相关部门按职责分工负责）", ["市医改办"], [], ["各相关部门"]),
        ("推进改革。（县卫健局、各乡镇人民政府负责）", ["县卫健局"], [], ["各乡镇人民政府"]),
        ("推进改革。（市卫健委、各区县（市）负责）", ["市卫健委"], [], ["各区县（市）"]),
        ("推进改革。（市人力资源和社会保障局、市财政局负责）", ["市人力资源和社会保障局"], ["市财政局"], []),
        ("全面落实党委领导下的院长负责制。", [], [], []),
    ],
)
def test_bracket_and_line_forms(text, lead, co, collective):
    found, _ = responsibility(text, DocRules())
    if not found.lead and not found.co and not found.collective:
        found = subjects(text)
    assert (found.lead, found.co, found.collective) == (lead, co, collective)


def test_page_break_and_stray_spaces_inside_bracket():
    doc = parse_document(
        "一、改革\n（一）推进改革。（市卫生健康委、发\n\n展改革委、 财政局等按职责 分工负责)\n（二）其他任务。（市医保局负责）".encode(),
        "a.txt",
    )
    task = doc.tasks[0]
    assert _names(task.lead) == ["市卫生健康委"]
    assert _names(task.co) == ["发展改革委", "财政局"]


def test_prefix_carries_over():
    people = build_assignees(["市医保局", "卫生健康委", "市场监管局", "市委编办", "国家医保局"])
    assert [p.normalized for p in people] == [
        "市医保局",
        "市卫生健康委",
        "市市场监管局",
        "市委编办",
        "国家医保局",
    ]
    assert [p.text for p in people] == ["市医保局", "卫生健康委", "市场监管局", "市委编办", "国家医保局"]


def test_document_rule_first_listed_leads_with_separately():
    text = (
        "一、任务\n（一）甲任务。〔市卫生计生委、市财政局和各县（区）人民政府负责。列首位的为牵头部门，下同〕\n"
        "（二）乙任务。〔市财政局、市发展改革委和各县（区）人民政府分别负责，分别负责指各部门（地方）按职责分头落实，下同〕\n"
    )
    doc = parse_document(text.encode(), "a.txt")
    first, second = doc.tasks
    assert _names(first.lead) == ["市卫生计生委"]
    assert _names(first.co) == ["市财政局"]
    assert _names(second.lead) == ["市财政局", "市发展改革委"]
    assert _names(second.co) == []
    assert [c.text for c in second.collective] == ["各县（区）人民政府"]


def test_document_rule_no_lead_distinction():
    text = "各单位按职责分工负责，不分主次。\n一、任务\n（一）甲任务。（市卫健委、市医保局负责）\n（二）乙任务。（市财政局负责）"
    doc = parse_document(text.encode(), "a.txt")
    assert _names(doc.tasks[0].lead) == ["市卫健委", "市医保局"]


@pytest.mark.parametrize(
    ("text", "lead", "co", "collective"),
    [
        ("6月底前，省医改办、省卫生计生委要出台工作手册。", ["省医改办"], ["省卫生计生委"], []),
        ("9月底前，各地要全面启动改革。下一步，省里将选择试点。", ["省里"], [], ["各地"]),
        ("每个省辖市至少建成1个城市医疗集团。", [], [], ["每个省辖市"]),
        (
            "要理顺管理体制,推动卫健、人社、发改、财政和编办等部门向医疗集团充分放权。",
            [],
            ["卫健", "人社", "发改", "财政", "编办"],
            [],
        ),
        ("城市二级以上综合医院要达到30%以上。", [], [], []),
    ],
)
def test_prose_subjects(text, lead, co, collective):
    found = subjects(text)
    assert (found.lead, found.co, found.collective) == (lead, co, collective)


def test_huitong_list_ending_with_verb():
    found, _ = responsibility(
        "由国家医保局牵头，会同国家卫生健康委、工业和信息化部等部门组织实施。", DocRules()
    )
    assert found.lead == ["国家医保局"]
    assert found.co == ["国家卫生健康委", "工业和信息化部"]

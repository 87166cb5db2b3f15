"""Responsibility written as a sentence, as meeting minutes and letters write it."""

import pytest

from tasks.parsing import parse_document
from tasks.parsing.assignees import DocRules, responsibility, subjects


def _roles(text):
    found, _ = responsibility(text, DocRules())
    if found.empty():
        found = subjects(text)
    return found.lead, found.co, found.collective


@pytest.mark.parametrize(
    ("text", "lead", "co", "collective"),
    [
        ("请市卫生健康委根据会议意见，抓紧修改完善实施方案。", ["市卫生健康委"], [], []),
        (
            "请市医保局牵头，会同市卫生健康委、市财政局抓紧制定实施方案。",
            ["市医保局"],
            ["市卫生健康委", "市财政局"],
            [],
        ),
        ("请市医保局负责，市财政局配合，做好资金测算。", ["市医保局"], ["市财政局"], []),
        (
            "由市医保局牵头，会同市卫生健康委、市财政局研究制定支付方式改革方案。",
            ["市医保局"],
            ["市卫生健康委", "市财政局"],
            [],
        ),
        ("由市卫生健康委牵头，市医保局配合，推进医共体建设。", ["市卫生健康委"], ["市医保局"], []),
        ("请市医保局、市卫生健康委分别负责做好政策解读。", ["市医保局", "市卫生健康委"], [], []),
        ("市医保局、市卫生健康委分别负责做好政策解读。", ["市医保局", "市卫生健康委"], [], []),
        ("责成市市场监管局对药品价格开展专项检查。", ["市市场监管局"], [], []),
        ("会议要求市财政局于6月底前拨付补助资金。", ["市财政局"], [], []),
        ("会议要求，请市政策研究室牵头开展专题调研。", ["市政策研究室"], [], []),
        ("市卫生健康委要加快推进紧密型医共体建设。", ["市卫生健康委"], [], []),
        ("会议要求，各地要加强组织领导。", [], [], ["各地"]),
    ],
)
def test_sentence_names_lead_and_cooperating(text, lead, co, collective):
    assert _roles(text) == (lead, co, collective)


@pytest.mark.parametrize(
    "text",
    [
        # People's titles are not departments: the reviewer assigns the task to a department.
        "请分管副市长牵头，协调解决资金问题。",
        "会议强调，要进一步统一思想。",
        "全面落实党委领导下的院长负责制。",
        "请各位同志认真学习会议精神。",
        "建立由市卫生健康委负责的工作机制。",
    ],
)
def test_meetings_people_and_phrases_are_not_departments(text):
    assert _roles(text) == ([], [], [])


@pytest.mark.parametrize(
    "text", ["推进分级诊疗。（市卫健委负责，长期坚持）", "推进分级诊疗。（市卫健委牵头，持续推进）"]
)
def test_ongoing_words_in_a_bracket_are_not_departments(text):
    found, _ = responsibility(text, DocRules())
    assert (found.lead, found.co) == (["市卫健委"], [])


def test_minutes_items_each_keep_their_lead():
    text = (
        "市医改领导小组第三次会议纪要\n"
        "2024年3月5日，市医改领导小组召开第三次会议。现将会议议定事项纪要如下：\n"
        "一、关于医保支付方式改革。请市医保局牵头，会同市卫生健康委、市财政局抓紧制定实施方案，6月底前报市政府。\n"
        "二、关于分级诊疗。由市卫生健康委牵头，会同市医保局推进紧密型医共体建设。\n"
        "三、关于药品集中采购。请市医保局、市卫生健康委分别负责做好政策解读。\n"
        "四、关于基层能力。市卫生健康委要加强基层人才队伍建设。\n"
    )
    doc = parse_document(text.encode(), "minutes.txt")
    assert [[a.text for a in t.lead] for t in doc.tasks] == [
        ["市医保局"],
        ["市卫生健康委"],
        ["市医保局", "市卫生健康委"],
        ["市卫生健康委"],
    ]
    assert [a.text for a in doc.tasks[0].co] == ["市卫生健康委", "市财政局"]
    # Minutes print no issue date: the meeting's year resolves "6月底前".
    assert doc.base_year == 2024
    assert doc.tasks[0].deadlines[0].date.isoformat() == "2024-06-30"


def test_a_supervision_notices_label_before_the_department_is_not_part_of_its_name():
    text = (
        "关于对滞后任务进行督办的通知\n\n各成员单位：\n\n一、督办事项\n\n"
        "1．加快推进医共体医保打包付费，于10月底前全面落实。（督办单位：省医保局；配合单位：省财政厅）\n"
    )
    task = parse_document(text.encode(), "a.txt").tasks[0]
    assert [a.text for a in task.lead] == ["省医保局"]
    assert [a.text for a in task.co] == ["省财政厅"]


MINUTES_WITH_HEADINGS = """某市医改领导小组会议纪要

某市医改办        2025年4月2日

4月1日，市长主持召开市医改领导小组会议，听取上半年工作汇报。现纪要如下：

一、会议审议事项

会议原则同意《某市2025年公立医院改革方案》，请市卫健委根据会议意见修改完善后印发。会议听取了市医保局的汇报。

二、会议要求

会议要求市医保局加快推进DIP付费改革，年底前实现全覆盖。会议强调，各县（市、区）要压实属地责任。

三、工作安排

一是市卫健委要牵头建立台账。二是市财政局要保障经费。
"""


def test_minutes_headings_over_paragraphs_of_demands_give_a_task_per_demand():
    tasks = parse_document(MINUTES_WITH_HEADINGS.encode(), "a.txt").tasks
    by_start = {t.text[:8]: t for t in tasks}
    assert [t.text[:6] for t in tasks if t.path == ["一"]] == ["会议原则同意"]
    assert [a.text for a in by_start["会议原则同意《某"].lead] == ["市卫健委"]
    assert [t.text[:6] for t in tasks if t.path == ["二"]] == ["会议要求市医", "会议强调，各"]
    assert [a.text for a in by_start["会议要求市医保局"].lead] == ["市医保局"]
    # The narrative sentence is not a task; an enumeration (一是/二是) keeps its labels.
    assert not any(t.text.startswith("会议听取") for t in tasks)
    assert [t.number for t in tasks if t.path[:1] == ["三"]] == ["一是", "二是"]

"""Starts, month-only limits, relative years and ongoing wording: what kind each deadline is."""

from datetime import date

import pytest

from tasks.parsing import parse_document
from tasks.parsing.deadlines import find_deadlines


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("自2024年4月1日起，执行新的收费标准。", "自2024年4月1日起", date(2024, 4, 1)),
        ("从今年4月1日起，提高报销比例。", "从今年4月1日起", date(2021, 4, 1)),
        ("从7月1日开始，全面推行。", "从7月1日开始", date(2021, 7, 1)),
        ("本办法自2024年5月1日起施行。", "自2024年5月1日起", date(2024, 5, 1)),
        ("自2024年4月起，在全市试行。", "自2024年4月起", date(2024, 4, 1)),
        ("从2025年起，全面实施。", "从2025年起", date(2025, 1, 1)),
        ("从明年开始，全面推开。", "从明年开始", date(2022, 1, 1)),
        ("本通知自印发之日起施行。", "自印发之日起施行", None),
    ],
)
def test_a_start_is_never_a_due_date(text, phrase, when):
    (found,) = find_deadlines(text, 2021)
    assert (found.deadline.text, found.deadline.kind, found.deadline.date) == (phrase, "start", when)


def test_event_relative_limit_stays_relative():
    (found,) = find_deadlines("方案印发之日起30日内完成。", 2021)
    assert found.deadline.kind == "relative"


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("请于3月份报送材料。", "于3月份", date(2021, 3, 31)),
        ("2024年9月份完成验收。", "2024年9月份", date(2024, 9, 30)),
        ("次年底前完成评估。", "次年底前", date(2022, 12, 31)),
        ("次年3月前报送。", "次年3月前", date(2022, 3, 31)),
        ("下半年开展督导。", "下半年", date(2021, 12, 31)),
        ("上半年出台办法。", "上半年", date(2021, 6, 30)),
    ],
)
def test_months_and_relative_years_resolve_against_the_document_year(text, phrase, when):
    (found,) = find_deadlines(text, 2021)
    assert (found.deadline.text, found.deadline.kind, found.deadline.date) == (phrase, "date", when)


def test_a_month_looking_back_is_not_a_deadline():
    assert find_deadlines("3月份以来，各地积极推进。", 2021) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("开展集中带量采购，长期坚持。", "长期坚持"),
        ("开展医保基金飞行检查，常态化开展。", "常态化开展"),
        ("开展巡查，长期。", "长期"),
        ("推进分级诊疗（持续推进）", "（持续推进）"),
    ],
)
def test_ongoing_wording(text, phrase):
    (found,) = find_deadlines(text, 2021)
    assert (found.deadline.text, found.deadline.kind, found.deadline.date) == (phrase, "ongoing", None)


def test_ongoing_inside_a_bracket_is_a_deadline_not_a_department():
    text = "一、改革\n（一）推进分级诊疗。（市卫健委负责，长期坚持）\n（二）推进医共体建设。（市医保局牵头，持续推进）\n"
    doc = parse_document(text.encode(), "a.txt")
    first, second = doc.tasks
    assert [a.text for a in first.lead + first.co] == ["市卫健委"]
    assert [(d.text, d.kind) for d in first.deadlines] == [("长期坚持", "ongoing")]
    assert [a.text for a in second.lead + second.co] == ["市医保局"]
    assert [(d.text, d.kind) for d in second.deadlines] == [("持续推进", "ongoing")]


def test_start_is_listed_with_the_due_date_of_the_same_task():
    text = "2024年重点工作\n一、改革\n（一）自2024年4月1日起推行新标准，年底前完成评估。（市医保局负责）\n"
    (task,) = parse_document(text.encode(), "a.txt").tasks
    assert [(d.text, d.kind, d.date) for d in task.deadlines] == [
        ("自2024年4月1日起", "start", date(2024, 4, 1)),
        ("年底前", "date", date(2024, 12, 31)),
    ]


@pytest.mark.parametrize("phrase", ["按季度", "每半月", "按月"])
def test_a_report_due_every_period_is_recurring(phrase):
    found = find_deadlines(f"各地{phrase}报送工作进展。", 2025)
    assert [(f.deadline.text, f.deadline.kind) for f in found] == [(phrase, "recurring")]


@pytest.mark.parametrize("text", ["按年龄段分组开展筛查。", "医疗服务收入占比逐年提高。"])
def test_words_like_a_period_are_not_deadlines(text):
    assert find_deadlines(text, 2025) == []


def test_a_day_of_every_year_is_one_recurring_phrase():
    found = find_deadlines("每年6月底前完成上年度绩效评价。", 2025)
    assert [(f.deadline.text, f.deadline.kind) for f in found] == [("每年6月底前", "recurring")]

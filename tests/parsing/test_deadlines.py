"""Each deadline form, resolved against the document's year."""

from datetime import date

import pytest

from tasks.parsing.deadlines import find_deadlines, parse_deadline_cell


@pytest.mark.parametrize(
    ("text", "phrase", "when", "kind"),
    [
        ("6月底前，完成方案。", "6月底前", date(2021, 6, 30), "date"),
        ("9月底前，每个市建成。", "9月底前", date(2021, 9, 30), "date"),
        ("年底前完成基层改革。", "年底前", date(2021, 12, 31), "date"),
        ("2017 年底前实行按病种付费。", "2017 年底前", date(2017, 12, 31), "date"),
        ("2018年7月底前完成", "2018年7月底前完成", date(2018, 7, 31), "date"),
        ("2023年6月30日前完成", "2023年6月30日前完成", date(2023, 6, 30), "date"),
        ("上半年出台办法。", "上半年", date(2021, 6, 30), "date"),
        ("第三季度开展评估。", "第三季度", date(2021, 9, 30), "date"),
        ("次年3月前报送。", "次年3月前", date(2022, 3, 31), "date"),
        ("２０２３年６月底前完成", "２０２３年６月底前完成", date(2023, 6, 30), "date"),
        # A start is never a due date: the day is kept, the kind says "start".
        ("从今年4月1日起，提高比例。", "从今年4月1日起", date(2021, 4, 1), "start"),
        ("2020年，妇幼保健机构标准化建设率达95%。", "2020年", date(2020, 12, 31), "date"),
        ("2020 年以前，市级疾控中心达标。", "2020 年以前", date(2020, 12, 31), "date"),
        ("全面推进（2017年4月—2018年12月）", "2017年4月—2018年12月", date(2018, 12, 31), "date"),
        ("“十三五”期间给予全额代缴。", "“十三五”期间", date(2020, 12, 31), "date"),
        ("每月5日前报送进展。", "每月5日前", None, "recurring"),
        ("每季度通报一次。", "每季度", None, "recurring"),
        ("国家文件出台后3个月内完成", "国家文件出台后3个月内完成", None, "relative"),
        ("按照既定时间要求启动。", "按照既定时间要求", None, "relative"),
        ("推进分级诊疗（长期坚持）", "（长期坚持）", None, "ongoing"),
    ],
)
def test_forms(text, phrase, when, kind):
    found = find_deadlines(text, 2021)
    assert [f.deadline.text for f in found] == [phrase]
    assert found[0].deadline.date == when
    assert found[0].deadline.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "巩固2020年公立医院能力提升项目成果。",
        "统筹谋划“十四五”时期区域医疗中心建设。",
        "尽快制定出台办法，及时通报。",
        "2021 年是开局之年。",
    ],
)
def test_not_deadlines(text):
    assert find_deadlines(text, 2021) == []


def test_unknown_year_leaves_date_empty():
    found = find_deadlines("年底前完成。", None)
    assert found[0].deadline.kind == "date"
    assert found[0].deadline.date is None


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("持续推进", "ongoing"),
        ("长期坚持", "ongoing"),
        ("每月5日前", "recurring"),
        ("根据国家部署", "relative"),
    ],
)
def test_table_cells(cell, kind):
    (deadline,) = parse_deadline_cell(cell, 2021)
    assert deadline.kind == kind
    assert deadline.date is None
    assert deadline.text == cell


def test_standalone_ongoing_phrase_but_not_verb_phrase():
    assert [f.deadline.kind for f in find_deadlines("开展集中带量采购，长期坚持。", 2021)] == ["ongoing"]
    assert find_deadlines("持续推进按病种收付费改革。", 2021) == []


@pytest.mark.parametrize(
    ("cell", "when"), [("2021年12月", date(2021, 12, 31)), ("2022年", date(2022, 12, 31))]
)
def test_bare_month_or_year_cell(cell, when):
    (deadline,) = parse_deadline_cell(cell, 2021)
    assert deadline.date == when
    assert deadline.kind == "date"

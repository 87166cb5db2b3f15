"""Each target form: metric, comparator, value, unit, year."""

import pytest

from tasks.parsing import parse_document
from tasks.parsing.targets import describe


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("病种数不少于100个", ">=", 100, "个"),
        ("县域就诊率达到90%以上", ">=", 90, "%"),
        ("个人卫生支出占卫生总费用的比例控制在30%以下", "<=", 30, "%"),
        ("药占比下降5个百分点", "change", 5, "个百分点"),
        ("医护比不低于1:1.2", ">=", 1.2, "1:"),
        ("每个省辖市建成2—3个县域医疗联合体", "range", 2, "个"),
        ("总体达标率达到80%", ">=", 80, "%"),
        ("全市新增38家社区卫生服务中心", "=", 38, "家"),
    ],
)
def test_describe(text, op, value, unit):
    target = describe(text)
    assert (target.op, target.value, target.unit) == (op, value, unit)


def test_change_keeps_baseline():
    target = describe("困难群众大病补充保险筹资水平拟由人均60元提高到86元")
    assert (target.op, target.baseline, target.value, target.unit) == ("change", 60, 86, "元")
    assert target.metric == "困难群众大病补充保险筹资水平"


def _targets(body: str) -> list:
    doc = parse_document(("一、任务\n（一）" + body + "\n（二）其他。").encode(), "a.txt")
    return doc.tasks[0].targets


def test_targets_in_task_text_with_year():
    targets = _targets(
        "推进改革。2020年，妇幼保健机构标准化建设率达95%，力争县域就诊率达到90%以上、基层就诊率达到65%以上。"
    )
    assert [t.text for t in targets] == [
        "妇幼保健机构标准化建设率达95%",
        "县域就诊率达到90%以上",
        "基层就诊率达到65%以上",
    ]
    assert [t.year for t in targets] == [2020, 2020, 2020]


@pytest.mark.parametrize(
    "body",
    [
        "加快推进1000张及以上床位大型公立医院安防系统建设。",
        "推进“两票制”和“136”兴医工程。",
        "落实《关于…的意见》（郑办〔2020〕38号）精神。",
        "二级以上医院全部设置预防保健科室。",
        "推动5G等新技术应用，贯彻湖南省人民政府令第286号。",
    ],
)
def test_not_targets(body):
    assert _targets(body) == []

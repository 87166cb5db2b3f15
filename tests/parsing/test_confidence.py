"""Every task, assignee and deadline says how sure the parser is and which rule it used."""

from tasks.parsing import parse_document
from tasks.parsing.model import LOW_CONFIDENCE

TEXT = """2024年深化医改重点工作任务
一、深化医疗服务价格改革
（一）推进医疗服务价格动态调整，2024年6月底前出台办法。（市医保局牵头，市财政局配合）
（二）市卫生健康委要加快推进紧密型医共体建设，9月底前完成。
（三）请市医保局会同市财政局做好基金测算。
（四）加强宣传引导，营造良好氛围。
"""


def _doc():
    return parse_document(TEXT.encode(), "a.txt")


def test_every_item_carries_a_confidence_between_0_and_1_and_a_reason():
    doc = _doc()
    items = [*doc.tasks]
    for task in doc.tasks:
        items += [*task.lead, *task.co, *task.deadlines]
    assert items
    for item in items:
        assert 0 <= item.confidence <= 1
        assert item.reason


def test_a_prose_subject_lead_is_less_sure_than_a_bracket_lead():
    bracket, prose, minutes, _nobody = _doc().tasks
    assert (bracket.lead[0].reason, prose.lead[0].reason, minutes.lead[0].reason) == (
        "bracket",
        "prose-subject",
        "minutes-请",
    )
    assert prose.lead[0].confidence < minutes.lead[0].confidence < bracket.lead[0].confidence
    assert bracket.co[0].reason == "bracket"
    # The task is as sure as its weakest part.
    assert prose.confidence < bracket.confidence
    assert prose.reason == "prose-subject"


def test_a_task_without_anyone_named_is_low():
    task = _doc().tasks[3]
    assert task.reason == "no-assignee"
    assert task.confidence < LOW_CONFIDENCE


def test_explicit_dates_are_surer_than_dates_taken_from_the_document_year():
    bracket, prose, _minutes, _nobody = _doc().tasks
    assert bracket.deadlines[0].reason == "explicit-date"
    assert prose.deadlines[0].reason == "document-year"
    assert prose.deadlines[0].confidence < bracket.deadlines[0].confidence
    assert bracket.deadlines[0].confidence >= LOW_CONFIDENCE


def test_a_deadline_without_a_year_is_low():
    doc = parse_document("一、改革\n（一）推进改革，9月底前完成。（市医保局负责）\n".encode(), "a.txt")
    (deadline,) = doc.tasks[0].deadlines
    assert deadline.date is None
    assert (deadline.reason, deadline.confidence < LOW_CONFIDENCE) == ("no-year", True)

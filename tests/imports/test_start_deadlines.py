"""A start ("自2024年4月1日起") travels from the parser to the ledger as a start, never as a due date."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from regions.models import Region
from regions.resolve import DepartmentResolver
from tasks.imports.services.importing import build_draft, import_document, parse_upload
from tasks.imports.services.review_edits import apply_review
from tasks.models import Deadline, Task, derived
from tasks.parsing.model import LOW_CONFIDENCE
from tests.factories import DeadlineFactory, TaskFactory

TEXT = """郑州市深化医药卫生体制改革工作领导小组文件

郑医改〔2024〕3号

关于印发郑州市深化医药卫生体制改革2024年重点工作任务的通知

2024年3月1日

一、深化医保支付方式改革

（一）自2024年4月1日起全面执行新的医疗服务价格，年底前完成评估。（市医保局牵头，市财政局配合）

（二）从今年5月1日起推行按病种付费。（市医保局负责）

（三）市卫生健康委要加快推进紧密型医共体建设，9月份报送进展。
"""


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


@pytest.fixture
def office(zhengzhou):
    return User.objects.create_user("zz_office", password="x", role="office", region=zhengzhou)


def _import(zhengzhou, office):
    data = TEXT.encode()
    parsed = parse_upload(data, "starts.txt")
    draft = build_draft(parsed, zhengzhou)
    import_document(draft, region=zhengzhou, data=data, filename="starts.txt", user=office, text=parsed.text)
    return draft, list(Task.objects.order_by("position"))


def test_the_draft_keeps_a_start_as_a_start_with_its_day(zhengzhou, office):
    draft, _tasks = _import(zhengzhou, office)
    first = draft["tasks"][0]["deadlines"]
    assert [(d["text"], d["kind"], d["date"]) for d in first] == [
        ("自2024年4月1日起", "start", "2024-04-01"),
        ("年底前", "date", "2024-12-31"),
    ]


def test_a_start_is_stored_apart_from_the_due_date(zhengzhou, office):
    _draft, (first, second, _third) = _import(zhengzhou, office)
    start = first.deadlines.get(kind=Deadline.Kind.START)
    assert (start.starts_on, start.due_on) == (datetime.date(2024, 4, 1), None)
    # The task is due when its dated deadline falls, not when it starts.
    assert first.due_on == datetime.date(2024, 12, 31)
    # A task with only a start has no due date, so it is never overdue.
    assert second.due_on is None
    assert second.deadlines.get().starts_on == datetime.date(2024, 5, 1)
    assert derived.check() == []


def test_a_start_refuses_a_due_date_in_the_database(zhengzhou, office):
    _draft, (first, *_rest) = _import(zhengzhou, office)
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            task=first, kind=Deadline.Kind.START, due_on=datetime.date(2024, 4, 1), text="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Deadline.objects.create(
            task=first,
            kind=Deadline.Kind.DATE,
            due_on=datetime.date(2024, 4, 1),
            starts_on=datetime.date(2024, 1, 1),
            text="x",
        )


def test_the_task_page_shows_the_start_with_its_day(zhengzhou, office):
    _draft, (_first, second, _third) = _import(zhengzhou, office)
    client = Client()
    client.force_login(office)
    page = client.get(reverse("task_detail", args=[second.pk])).content.decode()
    assert "从今年5月1日起" in page
    assert "起始" in page
    assert "2024-05-01起" in page


def test_the_draft_carries_confidence_for_tasks_assignees_and_deadlines(zhengzhou, office):
    draft, _tasks = _import(zhengzhou, office)
    bracket, _start_only, prose = draft["tasks"]
    for task in draft["tasks"]:
        assert 0 <= task["confidence"] <= 1
        assert task["confidence_reason"]
        for item in task["assignees"] + task["deadlines"]:
            assert 0 <= item["confidence"] <= 1
            assert item["confidence_reason"]
    assert bracket["assignees"][0]["confidence_reason"] == "bracket"
    assert prose["assignees"][0]["confidence_reason"] == "prose-subject"
    assert prose["assignees"][0]["confidence"] < bracket["assignees"][0]["confidence"]
    assert prose["confidence"] < bracket["confidence"]
    assert [d["confidence_reason"] for d in bracket["deadlines"]] == ["explicit-date", "document-year"]
    assert prose["deadlines"][0]["confidence"] >= LOW_CONFIDENCE


def test_a_reviewer_may_keep_a_start_with_its_day_or_make_it_a_due_date(zhengzhou, office):
    draft = build_draft(parse_upload(TEXT.encode(), "starts.txt"), zhengzhou)
    resolver = DepartmentResolver(zhengzhou)
    kept = apply_review(draft, {"t1-d0-date": ["2024-06-01"]}, resolver)["tasks"][1]["deadlines"][0]
    assert (kept["kind"], kept["date"]) == ("start", "2024-06-01")
    made = apply_review(draft, {"t1-d0-kind": ["date"]}, resolver)["tasks"][1]["deadlines"][0]
    assert (made["kind"], made["date"]) == ("date", "2024-05-01")


def test_the_review_page_shows_the_start_selected_with_its_day(zhengzhou, office):
    client = Client()
    client.force_login(office)
    upload = SimpleUploadedFile("starts.txt", TEXT.encode())
    response = client.post(reverse("document_import"), {"file": upload, "region": zhengzhou.pk}, follow=True)
    page = response.content.decode()
    assert 'value="2024-05-01"' in page
    assert '<option value="start" selected>起始</option>' in page


def test_a_start_saved_alone_leaves_the_task_without_a_due_date(db):
    task = TaskFactory()
    DeadlineFactory(task=task, kind=Deadline.Kind.START, due_on=None, starts_on=datetime.date(2026, 4, 1))
    task.refresh_from_db()
    assert task.due_on is None
    DeadlineFactory(task=task, due_on=datetime.date(2026, 9, 30))
    task.refresh_from_db()
    assert task.due_on == datetime.date(2026, 9, 30)

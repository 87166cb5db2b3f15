"""The pages beyond the task's workflow forms (tests/ledger/test_task_actions.py has those): the task page, the
dashboard, the import screens, the department reports, the office ledger and the late departments,
each opened or posted as every persona of the role table (tests/access_table.py).

The status is the table's outcome as a page answers it: the page (200) or where it leads next (302)
on success, 403 for a role that may not, 404 out of scope, 302 to the login page for the anonymous;
and on every refusal, and every read, nothing has changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tasks.models import (
    DocumentImport,
    Instruction,
    InstructionReply,
    Notification,
    ProgressUpdate,
    Reminder,
    Report,
    ReportBatch,
    Robot,
    Task,
    TaskChange,
)
from tasks.reports.services.department import build_report
from tests.access_table import FIXTURES, PERSONAS, TABLE, Outcome
from tests.factories import DocumentImportFactory, InstructionFactory, InstructionReplyFactory, ReportFactory
from tests.imports.test_importing import SMALL
from tests.notices.factories import RobotFactory
from tests.reports.cast import BUILD_DAY, PERIOD, open_workbook, workbook_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

LOGIN = "login"
ROBOT_PATH = "/robot/send?access_token=abc123"


@dataclass
class Stage:
    """What the pages act on, all of 郑州市; the report and the ledger are made on first use."""

    task: Task
    bureau: Any
    zhengzhou: Any
    office: Any
    leader: Any
    made: dict[str, Any] = field(default_factory=dict)

    def instruction(self) -> Instruction:
        """The leader's instruction on the task, answered by 医保局, with a reply carrying a PDF."""
        if "instruction" not in self.made:
            instruction = InstructionFactory(task=self.task, department=self.bureau, author=self.leader)
            self.made["reply"] = InstructionReplyFactory(
                instruction=instruction,
                evidence=ContentFile(b"%PDF-1.7\n%%EOF\n", name="reply.pdf"),
                evidence_name="纪要.pdf",
                evidence_type="application/pdf",
            )
            self.made["instruction"] = instruction
        return self.made["instruction"]

    def reply(self) -> InstructionReply:
        self.instruction()
        return self.made["reply"]

    def report(self) -> Report:
        """医保局's report for October 2026, built."""
        if "report" not in self.made:
            report = ReportFactory(department=self.bureau, period=PERIOD)
            assert build_report(report.pk, today=BUILD_DAY) == Report.Status.DONE
            self.made["report"] = report
        return Report.objects.get(pk=self.made["report"].pk)

    def ledger(self) -> Report:
        """郑州市's office ledger for October 2026, as built (a workbook)."""
        if "ledger" not in self.made:
            buffer = io.BytesIO()
            Workbook().save(buffer)
            self.made["ledger"] = ReportFactory(
                kind=Report.Kind.LEDGER,
                department=None,
                region=self.zhengzhou,
                period=PERIOD,
                status=Report.Status.DONE,
                progress=100,
                file=ContentFile(buffer.getvalue(), name="ledger.xlsx"),
            )
        return self.made["ledger"]

    def bulletin(self) -> Report:
        """郑州市's 通报 for October 2026, as built (a Word document)."""
        if "bulletin" not in self.made:
            buffer = io.BytesIO()
            docx.Document().save(buffer)
            self.made["bulletin"] = ReportFactory(
                kind=Report.Kind.BULLETIN,
                department=None,
                region=self.zhengzhou,
                period=PERIOD,
                status=Report.Status.DONE,
                progress=100,
                file=ContentFile(buffer.getvalue(), name="bulletin.docx"),
            )
        return self.made["bulletin"]

    def robot(self) -> Robot:
        """郑州市's office robot; its webhook a closed port of 127.0.0.1, so a test post fails at once."""
        if "robot" not in self.made:
            self.made["robot"] = RobotFactory(
                region=self.zhengzhou, webhook_url=f"http://127.0.0.1:9{ROBOT_PATH}", created_by=self.office
            )
        return self.made["robot"]

    def own_import(self, user) -> DocumentImport:
        """The user's own import of a 郑州市 document awaiting review (the office's for the anonymous)."""
        return DocumentImportFactory(region=self.zhengzhou, created_by=user or self.office)


@pytest.fixture
def stage(report_tasks, insurance_bureau, zhengzhou, office, leader) -> Stage:
    # The task's deadline (2026-06-30) is past: 医保局 has an overdue task to be instructed on.
    return Stage(
        task=report_tasks["insurance"],
        bureau=insurance_bureau,
        zhengzhou=zhengzhou,
        office=office,
        leader=leader,
    )


def submitted(stage: Stage) -> None:
    Report.objects.filter(pk=stage.report().pk).update(status=Report.Status.SUBMITTED)


def filled(stage: Stage, user) -> dict[str, Any]:
    workbook = open_workbook(stage.report())
    sheet = workbook.worksheets[0]
    sheet["N4"], sheet["O4"], sheet["P4"] = "In progress", 30, "已召开推进会。"
    return {"file": workbook_upload(workbook)}


@dataclass(frozen=True)
class Page:
    name: str
    # The rule of tests/access_table.py the page follows.
    rule: str
    url: Callable[[Stage, Any], str]
    method: str = "get"
    data: Callable[[Stage, Any], dict[str, Any]] | None = None
    # The page's success: itself (200), or where a post leads (302).
    ok: int = 200
    # Out of scope is not found, unless the page says otherwise (commented where it does).
    out_of_scope: int = 404
    prepare: Callable[[Stage], None] = field(default=lambda stage: None)
    # Whether a success writes (the robot's test post changes nothing).
    writes: bool = True

    def status(self, persona: str) -> int | str:
        return {
            Outcome.ALLOWED: self.ok,
            Outcome.ROLE: 403,
            Outcome.SCOPE: self.out_of_scope,
            Outcome.LOGIN: LOGIN,
        }[TABLE[self.rule][persona]]


PAGES = [
    Page("task page", "view_task", lambda s, u: reverse("task_detail", args=[s.task.pk])),
    Page("dashboard", "see_dashboard", lambda s, u: reverse("dashboard")),
    Page(
        "import upload",
        "import_documents",
        lambda s, u: reverse("document_import"),
        method="post",
        data=lambda s, u: {
            "file": SimpleUploadedFile("重点任务.txt", SMALL.encode()),
            "region": s.zhengzhou.pk,
        },
        ok=302,
        # The region is a choice of the upload form: one outside the user's scope is refused by the form
        # (the page again with the message), as the API answers 400.
        out_of_scope=200,
    ),
    Page(
        "import review",
        "import_documents",
        lambda s, u: reverse("document_import_review", args=[s.own_import(u).pk]),
    ),
    Page(
        "import discard",
        "import_documents",
        lambda s, u: reverse("document_import_review", args=[s.own_import(u).pk]),
        method="post",
        data=lambda s, u: {"action": "discard"},
        ok=302,
    ),
    Page("report page", "see_report", lambda s, u: reverse("report_detail", args=[s.report().pk])),
    Page("report download", "see_report", lambda s, u: reverse("report_download", args=[s.report().pk])),
    Page(
        "report build",
        "build_department_report",
        lambda s, u: reverse("report_build"),
        method="post",
        data=lambda s, u: {"department": s.bureau.pk, "period": "2026-09"},
        ok=302,
    ),
    Page("report fill page", "fill_report", lambda s, u: reverse("report_fill", args=[s.report().pk])),
    Page(
        "report draft",
        "fill_report",
        lambda s, u: reverse("report_fill", args=[s.report().pk]),
        method="post",
        data=lambda s, u: {"action": "draft", f"t{s.task.pk}-narrative": "草稿"},
        ok=302,
    ),
    Page(
        "report upload",
        "fill_report",
        lambda s, u: reverse("report_upload", args=[s.report().pk]),
        method="post",
        data=filled,
        ok=302,
    ),
    Page(
        "report submit",
        "submit_report",
        lambda s, u: reverse("report_submit", args=[s.report().pk]),
        method="post",
        ok=302,
    ),
    Page(
        "report approve",
        "review_report",
        lambda s, u: reverse("report_approve", args=[s.report().pk]),
        method="post",
        ok=302,
        prepare=submitted,
    ),
    Page(
        "report return",
        "review_report",
        lambda s, u: reverse("report_return", args=[s.report().pk]),
        method="post",
        data=lambda s, u: {"reason": "进展过于简略。"},
        ok=302,
        prepare=submitted,
    ),
    Page(
        "ledger build",
        "build_ledger",
        lambda s, u: reverse("ledger_build"),
        method="post",
        data=lambda s, u: {"period": PERIOD},
        ok=302,
    ),
    Page(
        "build all reports",
        "build_all_reports",
        lambda s, u: reverse("report_build_all"),
        method="post",
        data=lambda s, u: {"period": PERIOD},
        ok=302,
    ),
    Page("ledger download", "download_ledger", lambda s, u: reverse("report_download", args=[s.ledger().pk])),
    # The monthly 通报 follows the ledger's rules.
    Page(
        "bulletin build",
        "build_ledger",
        lambda s, u: reverse("bulletin_build"),
        method="post",
        data=lambda s, u: {"period": PERIOD},
        ok=302,
    ),
    Page(
        "bulletin download",
        "download_ledger",
        lambda s, u: reverse("report_download", args=[s.bulletin().pk]),
    ),
    Page("late departments", "see_late_reports", lambda s, u: reverse("late_reports")),
    Page("robot list", "see_robots", lambda s, u: reverse("robot_list")),
    # The department heads' contacts: the departments of the user's own region, as the robots.
    Page("head contacts", "see_robots", lambda s, u: reverse("contacts")),
    Page(
        "robot add",
        "manage_robots",
        lambda s, u: reverse("robot_add"),
        method="post",
        data=lambda s, u: {
            "platform": "wecom",
            "name": "医改办工作群",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1",
            "region": s.zhengzhou.pk,
            "is_active": "on",
        },
        ok=302,
        # The region is a choice of the form: 郑州市 is no choice of another office (the page again).
        out_of_scope=200,
    ),
    Page("robot page", "manage_robots", lambda s, u: reverse("robot_edit", args=[s.robot().pk])),
    Page(
        "robot edit",
        "manage_robots",
        lambda s, u: reverse("robot_edit", args=[s.robot().pk]),
        method="post",
        data=lambda s, u: {
            "platform": "dingtalk",
            "name": "改名后的工作群",
            "webhook_url": f"http://127.0.0.1:9{ROBOT_PATH}",
            "region": s.zhengzhou.pk,
        },
        ok=302,
    ),
    Page(
        "robot delete",
        "manage_robots",
        lambda s, u: reverse("robot_delete", args=[s.robot().pk]),
        method="post",
        ok=302,
    ),
    Page(
        "robot test",
        "manage_robots",
        lambda s, u: reverse("robot_test", args=[s.robot().pk]),
        method="post",
        ok=302,
        writes=False,
    ),
    Page(
        "task instruct",
        "instruct",
        lambda s, u: reverse("task_instruct", args=[s.task.pk]),
        method="post",
        data=lambda s, u: {"text": "请加快推进，月底前报送进展。"},
        ok=302,
    ),
    Page(
        "instruction page", "view_task", lambda s, u: reverse("instruction_detail", args=[s.instruction().pk])
    ),
    Page(
        "instruction reply",
        "reply_instruction",
        lambda s, u: reverse("instruction_reply", args=[s.instruction().pk]),
        method="post",
        data=lambda s, u: {
            "text": "已召开推进会。",
            "file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.7\n%%EOF\n"),
        },
        ok=302,
    ),
    Page(
        "reply evidence",
        "view_task",
        lambda s, u: reverse("instruction_reply_evidence", args=[s.reply().pk]),
    ),
    Page(
        "department overdue page",
        "instruct_department",
        lambda s, u: reverse("instruction_department", args=[s.bureau.pk]),
    ),
    Page(
        "department instruct",
        "instruct_department",
        lambda s, u: reverse("instruction_department", args=[s.bureau.pk]),
        method="post",
        data=lambda s, u: {"text": "逾期任务请逐项说明原因。"},
        ok=302,
    ),
]


def snapshot() -> dict[str, Any]:
    """Everything a page could change."""
    return {
        "tasks": sorted(Task.objects.values_list("pk", "version", "status", "progress", "text")),
        "progress": ProgressUpdate.objects.count(),
        "changes": TaskChange.objects.count(),
        "reminders": Reminder.objects.count(),
        "instructions": sorted(Instruction.objects.values_list("pk", "text")),
        "replies": sorted(InstructionReply.objects.values_list("pk", "text", "evidence")),
        "notifications": Notification.objects.count(),
        "imports": sorted(DocumentImport.objects.values_list("pk", "status", "draft")),
        "reports": sorted(
            Report.objects.values_list(
                "pk", "kind", "status", "file", "submitted_by", "reviewed_by", "review_comment", "draft"
            )
        ),
        "report_batches": sorted(ReportBatch.objects.values_list("pk", "status")),
        "files": sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()),
        "robots": sorted(
            Robot.objects.values_list("pk", "platform", "name", "webhook_url", "secret", "is_active")
        ),
    }


@pytest.mark.parametrize(
    ("page", "persona"),
    [pytest.param(page, persona, id=f"{page.name}-{persona}") for page in PAGES for persona in PERSONAS],
)
def test_page_permissions(request, client, stage, page, persona):
    name = FIXTURES[persona]
    user = None if name is None else request.getfixturevalue(name)
    page.prepare(stage)
    url = page.url(stage, user)
    data = page.data(stage, user) if page.data else {}
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    expected = page.status(persona)
    before = snapshot()

    response = getattr(client, page.method)(url, data)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, getattr(response, "content", b"")[:2000]
    if expected == page.ok and page.method == "post" and page.writes:
        assert snapshot() != before, "a success writes"
    else:
        assert snapshot() == before, "a refusal (or a read) changes nothing"

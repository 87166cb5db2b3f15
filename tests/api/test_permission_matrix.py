"""Every endpoint × method × persona × in-scope / out-of-scope object: the exact status code, and on a
refusal, that nothing changed.

The statuses of the role rules are computed from the one table of them (tests/access_table.py), which
the page matrices follow too: an endpoint names its rule and its success code, and `api_status` maps the
table's outcome to the API's answer (403 for a role that may not, 404 out of scope or 400 where the body
names the object, 401 without a token). Out of scope is the table's `outside_scope`. What is no role rule
(reference data, the token, the lists) keeps its statuses here.

Personas (tests/conftest.py), the table's: office staff of 郑州市, the liaison of the department leading
the task (医保局), a liaison of another department (卫健委, not on the task), a leader of 郑州市, office
staff of 河南省 (above 郑州市), a user without a role, a superuser, and the anonymous. In scope is
own_task and what hangs off it (郑州市); out of scope is foreign_task (长沙市), for imports one uploaded
by 长沙市's office (World.document_import: an import is its creator's), and for reports
长沙市医疗保障局's and 长沙市's ledger (made on first use); for the superuser nothing is out of scope. Regions and departments are reference data that every signed-in user reads, so
their "out of scope" object (长沙市's) answers 200 too.
"""

from __future__ import annotations

import datetime
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
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token

from tasks.imports.services.review import start_import
from tasks.imports.services.review_edits import draft_revision
from tasks.models import (
    Assignment,
    Deadline,
    DocumentImport,
    Evidence,
    ExtensionRequest,
    Instruction,
    InstructionReply,
    Notification,
    PeriodClosing,
    PolicyDocument,
    ProgressUpdate,
    Reminder,
    Report,
    Robot,
    Target,
    Task,
    TaskChange,
    TaskStatus,
)
from tasks.reports.services.department import build_report
from tests.access_table import TABLE, Outcome, outside_scope
from tests.api_world import later, token_client
from tests.factories import (
    PASSWORD,
    ExtensionRequestFactory,
    InstructionFactory,
    InstructionReplyFactory,
    LeaderFactory,
    ReportFactory,
)
from tests.imports.test_importing import SMALL
from tests.notices.factories import RobotFactory

pytestmark = pytest.mark.django_db

PERSONAS = (
    "office",
    "liaison",
    "other_liaison",
    "leader",
    "province_office",
    "nobody",
    "superuser",
    "anonymous",
)
IN, OUT = "in_scope", "out_of_scope"


@dataclass
class World:
    tasks: dict[str, Task]
    imports: dict[str, DocumentImport]
    regions: dict[str, Any]
    departments: dict[str, Any]
    users: dict[str, Any]
    robots: dict[str, Robot] = field(default_factory=dict)
    reports: dict[str, Report] = field(default_factory=dict)
    ledgers: dict[str, Report] = field(default_factory=dict)
    bulletins: dict[str, Report] = field(default_factory=dict)
    # The persona asking (set by the test), for the objects that are a user's own.
    acting: str = ""
    own_imports: dict[tuple[str, str], DocumentImport] = field(default_factory=dict)

    def document_import(self, scope: str) -> DocumentImport:
        """The import the persona acts on. An import is its creator's alone: in scope, the office's, or
        the province office's or superuser's own of a 郑州市 document; out of scope, 长沙市's office's,
        or the superuser's own of a 长沙市 document (nothing is out of a superuser's scope). A role that
        may not import is refused before any import is looked up."""
        mine = self.acting in ("province_office", "superuser") if scope == IN else self.acting == "superuser"
        if not mine:
            return self.imports[scope]
        if (scope, self.acting) not in self.own_imports:
            upload = SimpleUploadedFile("重点任务.txt", SMALL.encode())
            own = start_import(self.users[self.acting], upload, self.regions[scope])
            self.own_imports[scope, self.acting] = own
        return self.own_imports[scope, self.acting]

    def report(self, scope: str) -> Report:
        """The department's built report for 2026-10 (built on first use: most cases need none)."""
        if scope not in self.reports:
            report = ReportFactory(department=self.departments[scope], period="2026-10")
            assert build_report(report.pk) == Report.Status.DONE
            self.reports[scope] = report
        return Report.objects.get(pk=self.reports[scope].pk)

    def ledger(self, scope: str) -> Report:
        """The region's office ledger for 2026-10, as built (a workbook; made on first use)."""
        if scope not in self.ledgers:
            buffer = io.BytesIO()
            Workbook().save(buffer)
            self.ledgers[scope] = ReportFactory(
                kind=Report.Kind.LEDGER,
                department=None,
                region=self.regions[scope],
                period="2026-10",
                status=Report.Status.DONE,
                progress=100,
                file=ContentFile(buffer.getvalue(), name="ledger.xlsx"),
            )
        return Report.objects.get(pk=self.ledgers[scope].pk)

    def bulletin(self, scope: str) -> Report:
        """The region's 通报 for 2026-10, as built (a Word document; made on first use)."""
        if scope not in self.bulletins:
            buffer = io.BytesIO()
            docx.Document().save(buffer)
            self.bulletins[scope] = ReportFactory(
                kind=Report.Kind.BULLETIN,
                department=None,
                region=self.regions[scope],
                period="2026-10",
                status=Report.Status.DONE,
                progress=100,
                file=ContentFile(buffer.getvalue(), name="bulletin.docx"),
            )
        return Report.objects.get(pk=self.bulletins[scope].pk)

    def closing(self, scope: str) -> PeriodClosing:
        """The region's closing of 2026-09, done (made on first use)."""
        closing, _ = PeriodClosing.objects.get_or_create(
            region=self.regions[scope], period="2026-09", defaults={"status": PeriodClosing.Status.DONE}
        )
        return closing

    def instruction(self, scope: str) -> Instruction:
        """A leader's instruction on the scope's task, answered by its department, with a reply carrying a
        PDF (made on first use)."""
        existing = Instruction.objects.filter(task=self.tasks[scope]).first()
        if existing is not None:
            return existing
        leader = self.users["leader"] if scope == IN else LeaderFactory(region=self.regions[scope])
        instruction = InstructionFactory(
            task=self.tasks[scope], department=self.departments[scope], author=leader
        )
        InstructionReplyFactory(
            instruction=instruction,
            evidence=ContentFile(b"%PDF-1.7\n%%EOF\n", name="reply.pdf"),
            evidence_name="纪要.pdf",
            evidence_type="application/pdf",
        )
        return instruction

    def reply(self, scope: str) -> InstructionReply:
        return self.instruction(scope).replies.get()

    def task(self, scope: str) -> Task:
        return Task.objects.get(pk=self.tasks[scope].pk)

    def part(self, model, scope: str):
        return model.objects.filter(task=self.tasks[scope]).order_by("pk").first()

    def evidence(self, scope: str) -> Evidence:
        return Evidence.objects.get(update__task=self.tasks[scope])


@pytest.fixture
def world(
    own_task,
    foreign_task,
    office,
    liaison,
    other_liaison,
    leader,
    outsider,
    province_office,
    nobody,
    superuser,
    zhengzhou,
    changsha,
    insurance_bureau,
    changsha_bureau,
) -> World:
    upload = lambda: SimpleUploadedFile("重点任务.txt", SMALL.encode())  # noqa: E731
    return World(
        tasks={IN: own_task, OUT: foreign_task},
        imports={
            IN: start_import(office, upload(), zhengzhou),
            OUT: start_import(outsider, upload(), changsha),
        },
        regions={IN: zhengzhou, OUT: changsha},
        departments={IN: insurance_bureau, OUT: changsha_bureau},
        # Office robots of 郑州市 and 长沙市; their webhooks a closed port, so a test post fails at once.
        robots={
            scope: RobotFactory(region=region, webhook_url="http://127.0.0.1:9/robot/send?access_token=x")
            for scope, region in ((IN, zhengzhou), (OUT, changsha))
        },
        users={
            "office": office,
            "liaison": liaison,
            "other_liaison": other_liaison,
            "leader": leader,
            "province_office": province_office,
            "nobody": nobody,
            "superuser": superuser,
        },
    )


def snapshot() -> dict[str, Any]:
    """Everything a request could change."""
    return {
        "tasks": list(
            Task.objects.order_by("pk").values_list(
                "pk", "version", "status", "progress", "text", "label", "section"
            )
        ),
        "deadlines": list(
            Deadline.objects.order_by("pk").values_list(
                "pk", "task", "due_on", "text", "kind", "original_due_on"
            )
        ),
        "extensions": list(
            ExtensionRequest.objects.order_by("pk").values_list(
                "pk", "status", "requested_due_on", "reviewed_by", "review_comment"
            )
        ),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list("pk", "task", "department", "role")
        ),
        "targets": list(
            Target.objects.order_by("pk").values_list("pk", "task", "text", "value", "latest_actual")
        ),
        "progress": list(ProgressUpdate.objects.order_by("pk").values_list("pk", "status", "percent")),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "sha256")),
        "changes": TaskChange.objects.count(),
        "reminders": Reminder.objects.count(),
        "instructions": list(Instruction.objects.order_by("pk").values_list("pk", "text")),
        "replies": list(InstructionReply.objects.order_by("pk").values_list("pk", "text", "evidence")),
        "notifications": Notification.objects.count(),
        "imports": list(DocumentImport.objects.order_by("pk").values_list("pk", "status", "draft", "file")),
        "documents": list(PolicyDocument.objects.order_by("pk").values_list("pk", "title")),
        "reports": list(
            Report.objects.order_by("pk").values_list(
                "pk", "status", "progress", "file", "submitted_by", "reviewed_by", "review_comment", "draft"
            )
        ),
        "periods": list(PeriodClosing.objects.order_by("pk").values_list("pk", "region", "period", "status")),
        "tokens": sorted(Token.objects.values_list("key", flat=True)),
        "robots": list(
            Robot.objects.order_by("pk").values_list(
                "pk", "platform", "name", "webhook_url", "secret", "region", "is_active"
            )
        ),
        "files": sorted(str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()),
    }


def everyone(status: int) -> dict[str, tuple[int, int]]:
    """Not a role rule of the table: the same answer for every signed-in persona, in scope or not."""
    return dict.fromkeys(PERSONAS[:-1], (status, status)) | {"anonymous": (401, 401)}


def api_status(outcome: Outcome, ok: int, missing: int = 404) -> int:
    """The API's answer to an outcome of the table (tests/access_table.py): the endpoint's success code,
    403 for a role that may not, not found out of scope, and 401 without a token."""
    return {
        Outcome.ALLOWED: ok,
        Outcome.ROLE: 403,
        Outcome.SCOPE: missing,
        Outcome.LOGIN: 401,
    }[outcome]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World, str], str]
    # The rule of tests/access_table.py the endpoint follows, and its success code; or, for what is no
    # role rule (reference data, the token, lists, which answer everyone with what their scope holds),
    # the status of each persona in and out of scope.
    rule: str | None = None
    ok: int = 200
    # Out of scope is 404, unless the object is named in the body rather than the path: then it is a
    # bad choice (400), as the import's region or the report's department.
    out_of_scope: int = 404
    expected: dict[str, tuple[int, int]] | None = None
    body: Callable[[World, str, Any], Any] | None = None
    headers: Callable[[World, str], dict[str, str]] = field(default=lambda w, s: {})
    format: str = "json"
    # Whether a success writes (token requests return the existing token: nothing changes).
    writes: bool = True
    # Whether the endpoint names an object, so is asked about one in scope and one out of it.
    scoped: bool = True
    # Puts the object in the state the action needs (a task awaiting verification...), before the snapshot.
    prepare: Callable[[World, str], None] = field(default=lambda w, s: None)

    def status(self, persona: str, scope: str) -> int:
        if self.rule is None:
            assert self.expected is not None, self.name
            return self.expected[persona][0 if scope == IN else 1]
        # The API's personas are the table's: other_liaison's 卫健委 is not on own_task nor 医保局's report.
        outcome = TABLE[self.rule][persona] if scope == IN else outside_scope(self.rule, persona)
        return api_status(outcome, self.ok, self.out_of_scope)


def overdue(world: World, scope: str) -> None:
    """The scope's department leads a task past its deadline (an instruction on its overdue tasks)."""
    past = timezone.localdate() - datetime.timedelta(days=10)
    Deadline.objects.filter(task=world.tasks[scope]).update(due_on=past)
    Task.objects.filter(pk=world.tasks[scope].pk).update(due_on=past)


def if_match(world: World, scope: str) -> dict[str, str]:
    return {"HTTP_IF_MATCH": f'"{world.task(scope).version}"'}


def awaiting_verification(world: World, scope: str) -> None:
    Task.objects.filter(pk=world.tasks[scope].pk).update(status=TaskStatus.PENDING_VERIFICATION, progress=100)


def extension_pending(world: World, scope: str) -> None:
    task = world.tasks[scope]
    assignment = task.assignments.select_related("department").first()
    ExtensionRequestFactory(
        task=task,
        deadline=task.deadlines.first(),
        department=assignment.department,
        requested_due_on=later(120),
    )


def report_submitted(world: World, scope: str) -> None:
    Report.objects.filter(pk=world.report(scope).pk).update(status=Report.Status.SUBMITTED)


def filled_report(world: World, scope: str, user) -> dict[str, Any]:
    """The report's workbook with its first task row filled in."""
    report = world.report(scope)
    with report.file.open("rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    sheet = workbook.worksheets[0]
    sheet["N4"], sheet["O4"], sheet["P4"] = "in_progress", 30, "已召开推进会。"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {"file": SimpleUploadedFile("filled.xlsx", buffer.getvalue())}


def full_task(world: World, scope: str, user) -> dict[str, Any]:
    return {
        "label": "（一）",
        "section": "医保",
        "text": "改写后的任务内容。",
        "status": "in_progress",
        "progress": 10,
    }


def upload_body(world: World, scope: str, user) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("重点任务.txt", SMALL.encode()), "region": world.regions[scope].pk}


def token_body(world: World, scope: str, user) -> dict[str, str]:
    if user is None:
        return {"username": "nobody-at-all", "password": PASSWORD}
    return {"username": user.username, "password": PASSWORD}


API = "/api/v1"
CASES = [
    Case(
        "token obtain",
        "post",
        lambda w, s: f"{API}/auth/token/",
        expected={**everyone(200), "anonymous": (400, 400)},
        body=token_body,
        writes=False,
        scoped=False,
    ),
    Case("token revoke", "delete", lambda w, s: f"{API}/auth/token/", expected=everyone(204), scoped=False),
    Case("me", "get", lambda w, s: f"{API}/me/", expected=everyone(200), scoped=False),
    # 待办 and 消息 are each person's own: everyone signed in gets theirs (tests/inbox/test_api.py
    # checks that nobody reads another's).
    Case("inbox", "get", lambda w, s: f"{API}/inbox/", expected=everyone(200), scoped=False),
    Case(
        "notification list", "get", lambda w, s: f"{API}/notifications/", expected=everyone(200), scoped=False
    ),
    Case(
        "notifications read-all",
        "post",
        lambda w, s: f"{API}/notifications/read-all/",
        expected=everyone(200),
        scoped=False,
        writes=False,
    ),
    Case("region list", "get", lambda w, s: f"{API}/regions/", expected=everyone(200), scoped=False),
    Case("region", "get", lambda w, s: f"{API}/regions/{w.regions[s].pk}/", expected=everyone(200)),
    Case("department list", "get", lambda w, s: f"{API}/departments/", expected=everyone(200), scoped=False),
    Case(
        "department", "get", lambda w, s: f"{API}/departments/{w.departments[s].pk}/", expected=everyone(200)
    ),
    Case("document list", "get", lambda w, s: f"{API}/documents/", expected=everyone(200), scoped=False),
    # A document is seen by who sees its tasks.
    Case("document", "get", lambda w, s: f"{API}/documents/{w.tasks[s].document_id}/", rule="view_task"),
    Case("task list", "get", lambda w, s: f"{API}/tasks/", expected=everyone(200), scoped=False),
    Case("task", "get", lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/", rule="view_task"),
    Case(
        "task patch",
        "patch",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/",
        rule="edit_task",
        body=lambda w, s, u: {"text": "改写后的任务内容。"},
        headers=if_match,
    ),
    Case(
        "task put",
        "put",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/",
        rule="edit_task",
        body=full_task,
        headers=if_match,
    ),
    Case("progress list", "get", lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/progress/", rule="view_task"),
    Case(
        "progress report",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/progress/",
        rule="report_progress",
        ok=201,
        body=lambda w, s, u: {"status": "in_progress", "percent": 60, "narrative": "已完成方案起草。"},
    ),
    Case(
        "progress report with evidence",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/progress/",
        rule="report_progress",
        ok=201,
        body=lambda w, s, u: {
            "status": "in_progress",
            "percent": 70,
            "files": [SimpleUploadedFile("纪要.pdf", b"%PDF-1.7\n%%EOF\n")],
        },
        format="multipart",
    ),
    Case(
        "reminder",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/reminders/",
        rule="remind",
        ok=201,
        body=lambda w, s, u: {"message": "请于本周内报送进展。"},
    ),
    Case(
        "completion request",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/completion-request/",
        rule="request_completion",
        ok=201,
        body=lambda w, s, u: {"narrative": "方案已印发实施。"},
    ),
    Case(
        "verify",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/verify/",
        rule="verify",
        headers=if_match,
        prepare=awaiting_verification,
    ),
    Case(
        "return",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/return/",
        rule="verify",
        body=lambda w, s, u: {"reason": "缺少印发文件。"},
        headers=if_match,
        prepare=awaiting_verification,
    ),
    Case(
        "extension list",
        "get",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/extensions/",
        rule="view_task",
        prepare=extension_pending,
    ),
    Case(
        "extension request",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/extensions/",
        rule="request_extension",
        ok=201,
        body=lambda w, s, u: {"requested_due_on": later(90).isoformat(), "reason": "配套文件未出台。"},
    ),
    Case(
        "extension decision",
        "post",
        lambda w, s: f"{API}/extensions/{w.part(ExtensionRequest, s).pk}/decision/",
        rule="decide_extension",
        body=lambda w, s, u: {"decision": "approve"},
        prepare=extension_pending,
    ),
    Case(
        "evidence download",
        "get",
        lambda w, s: f"{API}/evidence/{w.evidence(s).pk}/download/",
        rule="view_task",
    ),
    Case("assignment list", "get", lambda w, s: f"{API}/assignments/", expected=everyone(200), scoped=False),
    Case(
        "assignment", "get", lambda w, s: f"{API}/assignments/{w.part(Assignment, s).pk}/", rule="view_task"
    ),
    Case("deadline list", "get", lambda w, s: f"{API}/deadlines/", expected=everyone(200), scoped=False),
    Case("deadline", "get", lambda w, s: f"{API}/deadlines/{w.part(Deadline, s).pk}/", rule="view_task"),
    Case("target list", "get", lambda w, s: f"{API}/targets/", expected=everyone(200), scoped=False),
    Case("target", "get", lambda w, s: f"{API}/targets/{w.part(Target, s).pk}/", rule="view_task"),
    Case("dashboard", "get", lambda w, s: f"{API}/dashboard/", rule="see_dashboard", scoped=False),
    # Report workbooks: filled in by the department's liaison or office staff, handed in by the liaison,
    # reviewed by office staff; the office ledger requested by office staff and leaders.
    Case("report list", "get", lambda w, s: f"{API}/reports/", expected=everyone(200), scoped=False),
    Case("report", "get", lambda w, s: f"{API}/reports/{w.report(s).pk}/", rule="see_report"),
    Case(
        "report request",
        "post",
        lambda w, s: f"{API}/reports/",
        rule="build_department_report",
        ok=202,
        # The department is named in the body: one outside the user's scope is a bad choice, 400.
        out_of_scope=400,
        body=lambda w, s, u: {"kind": "department", "department": w.departments[s].pk, "period": "2026-04"},
    ),
    Case(
        "ledger request",
        "post",
        lambda w, s: f"{API}/reports/",
        rule="build_ledger",
        ok=202,
        body=lambda w, s, u: {"kind": "ledger", "period": "2026-04"},
        scoped=False,
    ),
    # The monthly 通报: the ledger's rules (the same roles request it and download it).
    Case(
        "bulletin request",
        "post",
        lambda w, s: f"{API}/reports/",
        rule="build_ledger",
        ok=202,
        body=lambda w, s, u: {"kind": "bulletin", "period": "2026-04"},
        scoped=False,
    ),
    Case("period list", "get", lambda w, s: f"{API}/periods/", rule="see_periods", scoped=False),
    Case(
        "period close",
        "post",
        lambda w, s: f"{API}/periods/",
        rule="close_period",
        ok=202,
        body=lambda w, s, u: {"period": "2026-10"},
        scoped=False,
    ),
    Case("period", "get", lambda w, s: f"{API}/periods/{w.closing(s).pk}/", rule="see_period"),
    Case(
        "period changes", "get", lambda w, s: f"{API}/periods/{w.closing(s).pk}/changes/", rule="see_period"
    ),
    Case(
        "report download", "get", lambda w, s: f"{API}/reports/{w.report(s).pk}/download/", rule="see_report"
    ),
    Case(
        "report blank download",
        "get",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/download/?blank=1",
        rule="see_report",
    ),
    Case("report rows", "get", lambda w, s: f"{API}/reports/{w.report(s).pk}/rows/", rule="see_report"),
    Case("report draft", "get", lambda w, s: f"{API}/reports/{w.report(s).pk}/draft/", rule="see_report"),
    Case(
        "report draft save",
        "put",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/draft/",
        rule="fill_report",
        body=lambda w, s, u: {"rows": {str(w.tasks[s].pk): {"narrative": "草稿"}}},
    ),
    Case(
        "ledger download",
        "get",
        lambda w, s: f"{API}/reports/{w.ledger(s).pk}/download/",
        rule="download_ledger",
    ),
    Case(
        "bulletin download",
        "get",
        lambda w, s: f"{API}/reports/{w.bulletin(s).pk}/download/",
        rule="download_ledger",
    ),
    Case(
        "report upload",
        "post",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/upload/",
        rule="fill_report",
        body=filled_report,
        format="multipart",
    ),
    Case(
        "report submit", "post", lambda w, s: f"{API}/reports/{w.report(s).pk}/submit/", rule="submit_report"
    ),
    Case(
        "report approve",
        "post",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/approve/",
        rule="review_report",
        prepare=report_submitted,
    ),
    Case(
        "report return",
        "post",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/return/",
        rule="review_report",
        body=lambda w, s, u: {"reason": "进展过于简略。"},
        prepare=report_submitted,
    ),
    Case(
        "report return by row",
        "post",
        lambda w, s: f"{API}/reports/{w.report(s).pk}/return/",
        rule="review_report",
        body=lambda w, s, u: {"rows": [{"task": w.tasks[s].pk, "reason": "请补充佐证材料。"}]},
        prepare=report_submitted,
    ),
    # Group robots: office staff configure their own region's, superusers any; other roles are refused
    # before a robot is looked up (ROLE_FIRST). The list is the user's own region's.
    Case(
        "robot list",
        "get",
        lambda w, s: f"{API}/robots/",
        expected={
            **dict.fromkeys(("liaison", "other_liaison", "leader", "nobody"), (403, 403)),
            **dict.fromkeys(("office", "province_office", "superuser"), (200, 200)),
            "anonymous": (401, 401),
        },
        scoped=False,
    ),
    Case("robot", "get", lambda w, s: f"{API}/robots/{w.robots[s].pk}/", rule="manage_robots"),
    Case(
        "robot create",
        "post",
        lambda w, s: f"{API}/robots/",
        rule="manage_robots",
        ok=201,
        # The region is named in the body: another office's is a bad choice, 400.
        out_of_scope=400,
        body=lambda w, s, u: {
            "platform": "wecom",
            "name": "医改办工作群",
            "webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1",
            "region": w.regions[s].pk,
        },
    ),
    Case(
        "robot patch",
        "patch",
        lambda w, s: f"{API}/robots/{w.robots[s].pk}/",
        rule="manage_robots",
        body=lambda w, s, u: {"name": "改名后的工作群"},
    ),
    Case(
        "robot delete", "delete", lambda w, s: f"{API}/robots/{w.robots[s].pk}/", rule="manage_robots", ok=204
    ),
    Case(
        "robot test",
        "post",
        lambda w, s: f"{API}/robots/{w.robots[s].pk}/test/",
        rule="manage_robots",
        writes=False,
    ),
    # 领导批示: written by leaders on a task they see, answered by the department's liaison.
    Case(
        "instruction list of a task",
        "get",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/instructions/",
        rule="view_task",
        prepare=lambda w, s: w.instruction(s) and None,
    ),
    Case(
        "instruction",
        "post",
        lambda w, s: f"{API}/tasks/{w.tasks[s].pk}/instructions/",
        rule="instruct",
        ok=201,
        body=lambda w, s, u: {"text": "请加快推进，月底前报送进展。"},
    ),
    Case(
        "instruction list", "get", lambda w, s: f"{API}/instructions/", expected=everyone(200), scoped=False
    ),
    # On a department's overdue tasks: seen by who sees the department's report, written by leaders.
    Case(
        "department instruction list",
        "get",
        lambda w, s: f"{API}/departments/{w.departments[s].pk}/instructions/",
        rule="see_report",
    ),
    Case(
        "department instruction",
        "post",
        lambda w, s: f"{API}/departments/{w.departments[s].pk}/instructions/",
        rule="instruct_department",
        ok=201,
        body=lambda w, s, u: {"text": "逾期任务请逐项说明原因。"},
        prepare=overdue,
    ),
    Case(
        "instruction detail",
        "get",
        lambda w, s: f"{API}/instructions/{w.instruction(s).pk}/",
        rule="view_task",
    ),
    Case(
        "instruction reply",
        "post",
        lambda w, s: f"{API}/instructions/{w.instruction(s).pk}/replies/",
        rule="reply_instruction",
        ok=201,
        body=lambda w, s, u: {"text": "已召开推进会。"},
    ),
    Case(
        "instruction reply with evidence",
        "post",
        lambda w, s: f"{API}/instructions/{w.instruction(s).pk}/replies/",
        rule="reply_instruction",
        ok=201,
        body=lambda w, s, u: {
            "text": "已召开推进会。",
            "file": SimpleUploadedFile("纪要.pdf", b"%PDF-1.7\n%%EOF\n"),
        },
        format="multipart",
    ),
    Case(
        "reply evidence download",
        "get",
        lambda w, s: f"{API}/instruction-replies/{w.reply(s).pk}/download/",
        rule="view_task",
    ),
    # The import endpoints refuse a role that may not import before any import is looked up (403 in
    # scope and out of it: ROLE_FIRST); their imports out of scope are 长沙市's office's.
    Case(
        "import list", "get", lambda w, s: f"{API}/document-imports/", rule="import_documents", scoped=False
    ),
    Case(
        "import upload",
        "post",
        lambda w, s: f"{API}/document-imports/",
        rule="import_documents",
        ok=201,
        # The region is named in the body: one outside the user's own is a bad choice, 400.
        out_of_scope=400,
        body=upload_body,
        format="multipart",
    ),
    Case(
        "import preview",
        "get",
        lambda w, s: f"{API}/document-imports/{w.document_import(s).pk}/",
        rule="import_documents",
    ),
    Case(
        "import review",
        "post",
        lambda w, s: f"{API}/document-imports/{w.document_import(s).pk}/review/",
        rule="import_documents",
        body=lambda w, s, u: {
            "fields": {"revision": draft_revision(w.document_import(s).draft), "title": "改过的标题"}
        },
    ),
    Case(
        "import confirm",
        "post",
        lambda w, s: f"{API}/document-imports/{w.document_import(s).pk}/confirm/",
        rule="import_documents",
        body=lambda w, s, u: {"acknowledge_unmatched": True},
    ),
    Case(
        "import discard",
        "delete",
        lambda w, s: f"{API}/document-imports/{w.document_import(s).pk}/",
        rule="import_documents",
        ok=204,
    ),
]


PARAMS = [
    pytest.param(case, persona, scope, id=f"{case.name}-{persona}-{scope}")
    for case in CASES
    for persona in PERSONAS
    for scope in ((IN, OUT) if case.scoped else (IN,))
]


@pytest.mark.parametrize(("case", "persona", "scope"), PARAMS)
def test_permission_matrix(case: Case, persona: str, scope: str, world: World):
    world.acting = persona
    case.prepare(world, scope)
    user = world.users.get(persona)
    client = token_client(user)
    url = case.url(world, scope)
    kwargs: dict[str, Any] = {**case.headers(world, scope)}
    if case.body is not None:
        kwargs |= {"data": case.body(world, scope, user), "format": case.format}
    expected = case.status(persona, scope)
    before = snapshot()

    response = getattr(client, case.method)(url, **kwargs)

    assert response.status_code == expected, response.content[:500]
    if response.status_code >= 400:
        body = response.json()
        assert body["detail"], "every refusal says why"
        assert body["code"]
    if response.status_code >= 400 or case.method == "get" or not case.writes:
        assert snapshot() == before, "a refusal (or a read) changes nothing"
    else:
        assert snapshot() != before, "a success writes"

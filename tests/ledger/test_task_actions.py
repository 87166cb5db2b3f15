"""The task page's workflow forms and the office's edit page.

A permission matrix posts every action as every persona and pins the status, computed from the role
table (tests/access_table.py): 302 back to the task page on success, 403 for someone in scope whose role
may not, 404 out of scope, 302 to the login page for the anonymous; and on every refusal nothing has
changed. Then each workflow end to end, as a user sees it.
"""

import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from tasks.ledger.services.editing import update_task
from tasks.models import (
    Deadline,
    Evidence,
    ExtensionRequest,
    Notification,
    ProgressUpdate,
    Reminder,
    Task,
    TaskChange,
    TaskStatus,
)
from tests.access_table import TABLE, Outcome
from tests.factories import DeadlineFactory, ExtensionRequestFactory, TargetFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def login(client, user):
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def detail(task) -> str:
    return reverse("task_detail", kwargs={"pk": task.pk})


def today() -> datetime.date:
    return timezone.localdate()


def later(days: int) -> datetime.date:
    return today() + datetime.timedelta(days=days)


def snapshot(task: Task) -> tuple:
    """Everything an action could change; a refusal leaves all of it as it was."""
    task = Task.objects.get(pk=task.pk)
    return (
        task.version,
        task.status,
        task.progress,
        task.text,
        ProgressUpdate.objects.count(),
        Evidence.objects.count(),
        ExtensionRequest.objects.count(),
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count(),
        Reminder.objects.count(),
        TaskChange.objects.count(),
        list(Deadline.objects.filter(task=task).values_list("due_on", "original_due_on").order_by("pk")),
    )


# The matrix -------------------------------------------------------------------------------------


@pytest.fixture
def stage(insurance_task, county_task, liaison, other_liaison):
    """insurance_task and county_task, each with a dated deadline, awaiting verification, with a pending
    extension request: every action has something to act on."""
    for task in (insurance_task, county_task):
        DeadlineFactory(task=task, due_on=later(30), text="下月底前", year=later(30).year)
        Task.objects.filter(pk=task.pk).update(status=TaskStatus.PENDING_VERIFICATION, progress=100)
    insurance_task.refresh_from_db()
    county_task.refresh_from_db()
    return insurance_task


def pending_extension(task) -> ExtensionRequest:
    deadline = task.deadlines.get()
    return ExtensionRequestFactory(
        task=task,
        deadline=deadline,
        department=task.assignments.first().department,
        current_due_on=deadline.due_on,
        requested_due_on=later(90),
    )


def action_request(action: str, task: Task) -> tuple[str, dict]:
    """The URL and a valid POST of each action on this task."""
    task.refresh_from_db()
    if action == "progress":
        return reverse("task_progress", args=[task.pk]), {"status": "in_progress", "percent": "60"}
    if action == "completion":
        return reverse("task_completion", args=[task.pk]), {"narrative": "已全部完成。"}
    if action == "extension":
        return reverse("task_extension", args=[task.pk]), {
            "requested_due_on": later(60).isoformat(),
            "reason": "配套文件未出台。",
        }
    if action == "verify":
        return reverse("task_verify", args=[task.pk]), {"version": task.version}
    if action == "return":
        return reverse("task_return", args=[task.pk]), {"version": task.version, "reason": "材料不全。"}
    if action == "decide":
        request = pending_extension(task)
        return reverse("extension_decide", args=[request.pk]), {f"decide-{request.pk}-decision": "approve"}
    if action == "remind":
        return reverse("task_remind", args=[task.pk]), {"message": "请尽快报送进展。"}
    if action == "edit":
        return reverse("task_edit", args=[task.pk]), edit_data(task, text="改写后的任务内容。")
    raise AssertionError(action)


# Each action of the task page and the rule of tests/access_table.py it follows.
ACTIONS = {
    "progress": "report_progress",
    "completion": "request_completion",
    "extension": "request_extension",
    "verify": "verify",
    "return": "verify",
    "decide": "decide_extension",
    "remind": "remind",
    "edit": "edit_task",
}
OK, FORBIDDEN, MISSING, LOGIN = 302, 403, 404, "login"
# The page's answer to each outcome of the table: back to the task page, refused, not found, sign in.
PAGE = {Outcome.ALLOWED: OK, Outcome.ROLE: FORBIDDEN, Outcome.SCOPE: MISSING, Outcome.LOGIN: LOGIN}
# The matrix's personas as the table's. They act on insurance_task, which 医保局 (liaison) leads and
# 卫健委 (other_liaison) cooperates on; the "@county" personas on county_task, a task their department
# has nothing to do with.
PERSONAS = {
    "office": "office",
    "province_office": "province_office",
    "liaison": "liaison",
    "other_liaison": "cooperating_liaison",
    "other_liaison@county": "other_liaison",
    "liaison@county": "other_liaison",
    "leader": "leader",
    "outsider": "outsider",
    "nobody": "nobody",
    "superuser": "superuser",
    "anonymous": "anonymous",
}
# Where the page answers otherwise than the table says, and why.
OVERRIDES = {
    # The completion request's task is already awaiting verification: the lead liaison is refused (400)
    # by the service's rule, which the completion test below covers from a task in progress.
    ("liaison", "completion"): 400,
}
MATRIX = [
    (persona, action, OVERRIDES.get((persona, action), PAGE[TABLE[rule][as_table]]))
    for persona, as_table in PERSONAS.items()
    for action, rule in ACTIONS.items()
]


@pytest.mark.parametrize(("persona", "action", "expected"), MATRIX)
def test_permission_matrix(request, client, stage, persona, action, expected):
    name, _at, where = persona.partition("@")
    user = None if name == "anonymous" else request.getfixturevalue(name)
    task = request.getfixturevalue("county_task") if where == "county" else stage
    url, data = action_request(action, task)
    # The action that only a lead liaison may start needs a task that is not awaiting verification.
    before = snapshot(task)

    response = login(client, user).post(url, data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content.decode()[:2000]
    if expected == OK:
        assert response.url == detail(task)
        assert snapshot(task) != before
    else:
        assert snapshot(task) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_are_post_only(client, office, stage, action):
    url, _data = action_request(action, stage)
    response = login(client, office).get(url)
    assert response.status_code == (200 if action == "edit" else 405)


def test_lead_liaison_requests_completion(client, liaison, insurance_task):
    response = login(client, liaison).post(
        reverse("task_completion", args=[insurance_task.pk]),
        {"narrative": "改革任务已全部完成。", "files": [SimpleUploadedFile("总结.pdf", PDF)]},
    )
    assert response.status_code == 302
    insurance_task.refresh_from_db()
    assert insurance_task.status == TaskStatus.PENDING_VERIFICATION
    assert Evidence.objects.get().original_name == "总结.pdf"
    page = client.get(detail(insurance_task)).content.decode()
    assert "Completion requested; the reform office will verify it." in page


# The actions panel shows only what the user may do ---------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("liaison", ["task_progress", "task_completion", "task_extension"], ["task_edit", "task_remind"]),
        ("other_liaison", ["task_progress", "task_extension"], ["task_completion", "task_edit"]),
        ("office", ["task_edit", "task_remind", "task_verify", "task_return"], ["task_progress"]),
        ("leader", [], ["task_progress", "task_edit", "task_remind", "task_verify", "task_extension"]),
    ],
)
def test_panel_shows_what_the_user_may_do(request, client, stage, persona, shown, hidden):
    Task.objects.filter(pk=stage.pk).update(status=TaskStatus.IN_PROGRESS)
    if persona == "office":
        Task.objects.filter(pk=stage.pk).update(status=TaskStatus.PENDING_VERIFICATION)
    page = login(client, request.getfixturevalue(persona)).get(detail(stage)).content.decode()
    for name in shown:
        assert reverse(name, args=[stage.pk]) in page
    for name in hidden:
        assert reverse(name, args=[stage.pk]) not in page
    if persona == "leader":
        assert "Leaders have read-only access" in page


# Progress and evidence --------------------------------------------------------------------------


def test_progress_with_files_and_actuals(client, liaison, insurance_task):
    rate = TargetFactory(task=insurance_task, metric="按病种付费占比", unit="%")
    count = TargetFactory(task=insurance_task, text="建成医疗集团10个", metric="医疗集团数", unit="个")
    login(client, liaison)
    page = client.get(detail(insurance_task)).content.decode()
    assert 'type="file"' in page
    assert "multiple" in page
    assert f'name="target_{rate.pk}"' in page
    assert "医疗集团数" in page

    response = client.post(
        reverse("task_progress", args=[insurance_task.pk]),
        {
            "status": "in_progress",
            "percent": "70",
            "narrative": "已出台实施细则。",
            f"target_{rate.pk}": "92.5",
            f"target_{count.pk}": "",
            "files": [SimpleUploadedFile("实施细则.pdf", PDF), SimpleUploadedFile("现场照片.png", PNG)],
        },
    )
    assert response.status_code == 302
    assert response.url == detail(insurance_task)

    page = client.get(detail(insurance_task)).content.decode()
    assert "Progress reported." in page
    assert "已出台实施细则。" in page
    # Written as people write it (tasks/numbers.py: plain_number), not "92.5000%".
    assert "按病种付费占比：92.5%" in page
    evidence = {e.original_name: e for e in Evidence.objects.all()}
    assert set(evidence) == {"实施细则.pdf", "现场照片.png"}
    for name, content in (("实施细则.pdf", PDF), ("现场照片.png", PNG)):
        url = reverse("evidence_download", args=[evidence[name].pk])
        assert url in page
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == content
    insurance_task.refresh_from_db()
    assert (insurance_task.status, insurance_task.progress) == ("in_progress", 70)
    rate.refresh_from_db()
    count.refresh_from_db()
    assert (rate.latest_actual, count.latest_actual) == (92.5, None)


def test_png_named_pdf_is_refused(client, liaison, insurance_task, media):
    before = snapshot(insurance_task)
    response = login(client, liaison).post(
        reverse("task_progress", args=[insurance_task.pk]),
        {
            "status": "in_progress",
            "percent": "40",
            "narrative": "保留的输入",
            "files": [SimpleUploadedFile("good.pdf", PDF), SimpleUploadedFile("伪装.pdf", PNG)],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "“伪装.pdf” is named as a .pdf file but it is really a PNG image." in page
    assert "保留的输入" in page  # the user's input is kept
    assert snapshot(insurance_task) == before
    assert not Evidence.objects.exists()
    assert not [p for p in Path(media).rglob("*") if p.is_file()]


def test_liaison_cannot_change_the_task_text_through_progress(client, liaison, insurance_task):
    text, label = insurance_task.text, insurance_task.label
    response = login(client, liaison).post(
        reverse("task_progress", args=[insurance_task.pk]),
        {
            "status": "in_progress",
            "percent": "10",
            "text": "被篡改的任务内容",
            "label": "X",
            "progress": "99",
        },
    )
    assert response.status_code == 302
    insurance_task.refresh_from_db()
    assert (insurance_task.text, insurance_task.label, insurance_task.progress) == (text, label, 10)


def test_progress_refuses_completed_status(client, liaison, insurance_task):
    before = snapshot(insurance_task)
    response = login(client, liaison).post(
        reverse("task_progress", args=[insurance_task.pk]), {"status": "completed", "percent": "100"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert snapshot(insurance_task) == before


def test_liaison_cannot_open_the_edit_page(client, liaison, insurance_task):
    before = snapshot(insurance_task)
    login(client, liaison)
    assert client.get(reverse("task_edit", args=[insurance_task.pk])).status_code == 403
    response = client.post(
        reverse("task_edit", args=[insurance_task.pk]), edit_data(insurance_task, text="x")
    )
    assert response.status_code == 403
    assert snapshot(insurance_task) == before


# Verification, return, extensions, reminders ----------------------------------------------------


def test_verify_completes_the_task(client, office, stage):
    response = login(client, office).post(reverse("task_verify", args=[stage.pk]), {"version": stage.version})
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.status == TaskStatus.COMPLETED
    assert "The task is verified as completed." in client.get(detail(stage)).content.decode()


def test_verify_with_a_stale_version_is_refused(client, office, stage):
    stale = stage.version
    update_task(stage, expected_version=stale, user=office, text="同事改过的内容")
    before = snapshot(stage)
    response = login(client, office).post(reverse("task_verify", args=[stage.pk]), {"version": stale})
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert snapshot(stage) == before


def test_return_needs_a_reason(client, office, stage):
    before = snapshot(stage)
    response = login(client, office).post(
        reverse("task_return", args=[stage.pk]), {"version": stage.version, "reason": "  "}
    )
    assert response.status_code == 400
    assert "Give the department a reason for returning the task." in response.content.decode()
    assert snapshot(stage) == before

    response = client.post(
        reverse("task_return", args=[stage.pk]), {"version": stage.version, "reason": "缺佐证"}
    )
    assert response.status_code == 302
    stage.refresh_from_db()
    assert stage.status == TaskStatus.IN_PROGRESS
    assert TaskChange.objects.filter(task=stage, action=TaskChange.Action.RETURNED, note="缺佐证").exists()


def test_extension_request_and_approval(client, liaison, office, insurance_task):
    first = DeadlineFactory(task=insurance_task, due_on=later(10), text="近期节点")
    final = DeadlineFactory(task=insurance_task, due_on=later(30), text="下月底前")
    login(client, liaison)
    page = client.get(detail(insurance_task)).content.decode()
    assert 'name="deadline"' in page  # several dated deadlines: the liaison chooses one

    response = client.post(
        reverse("task_extension", args=[insurance_task.pk]),
        {"deadline": first.pk, "requested_due_on": later(20).isoformat(), "reason": "等待省级文件。"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert (request.deadline, request.requested_due_on) == (first, later(20))

    login(client, office)
    page = client.get(detail(insurance_task)).content.decode()
    assert reverse("extension_decide", args=[request.pk]) in page
    assert "等待省级文件。" in page
    response = client.post(
        reverse("extension_decide", args=[request.pk]),
        {f"decide-{request.pk}-decision": "approve", f"decide-{request.pk}-comment": "同意"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    final.refresh_from_db()
    assert (first.due_on, first.original_due_on) == (later(20), later(10))
    assert (final.due_on, final.original_due_on) == (later(30), None)
    page = client.get(detail(insurance_task)).content.decode()
    assert "Extension approved; the deadline has moved." in page
    assert f"originally {later(10):%Y-%m-%d}" in page


def test_extension_refusal_needs_a_comment(client, office, stage):
    request = pending_extension(stage)
    before = snapshot(stage)
    response = login(client, office).post(
        reverse("extension_decide", args=[request.pk]), {f"decide-{request.pk}-decision": "refuse"}
    )
    assert response.status_code == 400
    assert "Give the department a reason for refusing the extension." in response.content.decode()
    assert snapshot(stage) == before


def test_extension_date_must_be_later(client, liaison, stage):
    before = snapshot(stage)
    response = login(client, liaison).post(
        reverse("task_extension", args=[stage.pk]), {"requested_due_on": later(5).isoformat(), "reason": "x"}
    )
    assert response.status_code == 400
    assert "The requested date must be later than the current deadline" in response.content.decode()
    assert snapshot(stage) == before


def test_manual_reminder_and_the_same_day_repeat(
    client, office, liaison, other_liaison, insurance_task, django_capture_on_commit_callbacks
):
    login(client, office)
    url = reverse("task_remind", args=[insurance_task.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "请于本周五前报送进展。"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([liaison.email, other_liaison.email])
    assert "请于本周五前报送进展。" in mail.outbox[0].body
    assert (
        "Notified 2 people (in-app). Email: 2 queued to send."
        in client.get(detail(insurance_task)).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "再次催办"})
    assert response.status_code == 302
    page = client.get(detail(insurance_task)).content.decode()
    assert "Nobody was reminded" in page
    assert str(liaison) in page
    assert str(other_liaison) in page
    assert len(mail.outbox) == 2

    # An urgent second reminder the same day needs its reason, and then goes out once more.
    response = client.post(url, {"message": "今天下班前报送", "urgent": "on", "reason": ""})
    assert response.status_code == 400
    assert "Give the reason for an urgent reminder." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"message": "今天下班前报送", "urgent": "on", "reason": "领导督办"})
    assert response.status_code == 302
    assert len(mail.outbox) == 4
    assert "领导督办" in mail.outbox[-1].body
    assert Reminder.objects.filter(task=insurance_task, kind=Reminder.Kind.URGENT).count() == 2


def test_reminder_to_someone_without_email_says_so(
    client, office, liaison, other_liaison, insurance_task, django_capture_on_commit_callbacks
):
    other_liaison.email = ""
    other_liaison.save()
    login(client, office)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("task_remind", args=[insurance_task.pk]), {"message": "请于本周五前报送进展。"})
    page = client.get(detail(insurance_task)).content.decode()
    assert (
        "Notified 2 people (in-app). Email: 1 queued to send. "
        f"Email: 1 person has no address, not sent ({other_liaison})."
    ) in page
    assert [m.to for m in mail.outbox] == [[liaison.email]]
    reminders = {r.recipient_id: r for r in Reminder.objects.filter(task=insurance_task)}
    assert reminders[liaison.pk].status == Reminder.Status.SENT
    assert reminders[other_liaison.pk].status == Reminder.Status.FAILED
    assert reminders[other_liaison.pk].error == "The recipient has no email address."
    # The 催办记录 on the task page says the same, per person and channel, and when each read it.
    record = page[page.index('id="reminder-record"') :]
    assert "No address, not sent" in record
    assert record.count(">unread<") == 2
    client.force_login(liaison)
    notice = Notification.objects.get(recipient=liaison, kind="reminder")
    client.get(reverse("notification_open", args=[notice.pk]))
    login(client, office)
    record = client.get(detail(insurance_task)).content.decode()
    record = record[record.index('id="reminder-record"') :]
    assert record.count(">unread<") == 1

    assert set(Notification.objects.filter(kind="reminder").values_list("recipient_id", flat=True)) == {
        liaison.pk,
        other_liaison.pk,
    }


def test_reminder_needs_a_message(client, office, stage):
    before = snapshot(stage)
    response = login(client, office).post(reverse("task_remind", args=[stage.pk]), {"message": ""})
    assert response.status_code == 400
    assert "Write a message for the departments." in response.content.decode()
    assert snapshot(stage) == before


# The edit page ----------------------------------------------------------------------------------


def edit_data(task: Task, **fields) -> dict:
    """The edit page's POST as the browser sends it for the task as it is, with `fields` changed."""
    task.refresh_from_db()
    data = {
        "version": task.version,
        "label": task.label,
        "section": task.section,
        "text": task.text,
        "status": task.status,
        "progress": task.progress,
    }
    data.update(fields)
    rows = {
        "deadline": [
            {"id": d.pk, "year": d.year or "", "text": d.text, "due_on": d.due_on or "", "kind": d.kind}
            for d in task.deadlines.order_by("due_on", "pk")
        ],
        "assignment": [
            {"id": a.pk, "department": a.department.name, "role": a.role}
            for a in task.assignments.select_related("department").order_by("pk")
        ],
        "target": [
            {
                "id": t.pk,
                "text": t.text,
                "metric": t.metric,
                "comparator": t.comparator,
                "value": t.value or "",
            }
            for t in task.targets.order_by("pk")
        ],
    }
    for prefix, items in rows.items():
        data[f"{prefix}-TOTAL_FORMS"] = len(items)
        data[f"{prefix}-INITIAL_FORMS"] = len(items)
        for index, item in enumerate(items):
            for key, value in item.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def test_edit_page_access(client, request, insurance_task, changsha_task):
    """The edit page as the table's edit_task: shown (200), refused (403), not found, or sign in."""
    url = reverse("task_edit", args=[insurance_task.pk])
    shown = {Outcome.ALLOWED: 200, Outcome.ROLE: 403, Outcome.SCOPE: 404, Outcome.LOGIN: 302}
    for persona in ("office", "province_office", "leader", "other_liaison", "outsider", "anonymous"):
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        client.logout()
        status = shown[TABLE["edit_task"][PERSONAS[persona]]]
        assert login(client, user).get(url).status_code == status, persona


def test_edit_page_saves_everything(client, office, insurance_task, insurance_bureau, county_government):
    deadline = DeadlineFactory(task=insurance_task, due_on=later(30), text="下月底前")
    TargetFactory(task=insurance_task)
    login(client, office)
    page = client.get(reverse("task_edit", args=[insurance_task.pk])).content.decode()
    assert '<datalist id="allowed-departments">' in page
    assert page.count("<datalist") == 1
    assert "中原区人民政府" in page
    assert "长沙" not in page

    data = edit_data(insurance_task, text="新的任务内容。", progress=30, status="in_progress")
    data["deadline-0-due_on"] = later(40).isoformat()
    data["deadline-TOTAL_FORMS"] = 2
    data.update({"deadline-1-text": "持续推进", "deadline-1-kind": "ongoing"})
    data["assignment-1-DELETE"] = "on"  # 卫健委 leaves the task
    data["assignment-TOTAL_FORMS"] = 3
    data.update({"assignment-2-department": "中原区人民政府", "assignment-2-role": "co_lead"})
    data["target-TOTAL_FORMS"] = 2
    data.update({"target-1-text": "新增指标", "target-1-comparator": ">=", "target-1-value": "5"})
    response = client.post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]

    insurance_task.refresh_from_db()
    assert (insurance_task.text, insurance_task.progress) == ("新的任务内容。", 30)
    deadline.refresh_from_db()
    assert deadline.due_on == later(40)
    assert list(insurance_task.deadlines.values_list("kind", flat=True).order_by("pk")) == ["date", "ongoing"]
    assert set(insurance_task.assignments.values_list("department__name", "role")) == {
        ("郑州市医疗保障局", "lead"),
        ("中原区人民政府", "co_lead"),
    }
    assert insurance_task.targets.count() == 2
    assert TaskChange.objects.filter(task=insurance_task).count() == 1


class FormFields(HTMLParser):
    """The fields of a page's form as a browser would submit them, selects at their shown option."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class, self.inside, self.data = form_class, False, {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_class in (attrs.get("class") or "").split()
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = attrs.get("value") or ""
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            if self.first_option is None:
                self.first_option = value
                self.data[self.select] = value
            if "selected" in attrs:
                self.data[self.select] = value
        elif tag == "textarea":
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data


def test_the_edit_page_saves_as_a_browser_submits_it_with_its_blank_rows(client, office, insurance_task):
    DeadlineFactory(task=insurance_task, due_on=later(30), text="下月底前")
    TargetFactory(task=insurance_task)
    login(client, office)
    page = client.get(reverse("task_edit", args=[insurance_task.pk])).content.decode()
    fields = FormFields("task-edit-form")  # the form's class
    fields.feed(page)
    assert fields.data["assignment-TOTAL_FORMS"] > fields.data["assignment-INITIAL_FORMS"]  # a blank row
    fields.data["progress"] = "45"
    response = client.post(reverse("task_edit", args=[insurance_task.pk]), fields.data)
    assert response.status_code == 302, response.content.decode()[:3000]
    insurance_task.refresh_from_db()
    assert insurance_task.progress == 45
    assert insurance_task.assignments.count() == 2
    assert insurance_task.targets.count() == 1


def test_edit_refuses_a_department_outside_the_list(client, office, insurance_task, changsha_bureau):
    before = snapshot(insurance_task)
    data = edit_data(insurance_task)
    data["assignment-0-department"] = "长沙市医疗保障局"
    response = login(client, office).post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 400
    assert "“长沙市医疗保障局” is not a department that may be assigned" in response.content.decode()
    assert snapshot(insurance_task) == before


def test_edit_add_a_row_without_javascript(client, office, insurance_task):
    data = edit_data(insurance_task, text="未保存的输入")
    data["more"] = "targets"
    response = login(client, office).post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="target-0-text"' in page
    assert "未保存的输入" in page
    insurance_task.refresh_from_db()
    assert insurance_task.text != "未保存的输入"


@pytest.mark.parametrize("total", ["abc", "1e3", "1.5", "-5", "9" * 5000, ""])
def test_add_a_row_with_a_tampered_row_count_is_no_500(client, office, insurance_task, total):
    # int() of the posted count raised ValueError ("abc", "1e3"): a 500.
    data = edit_data(insurance_task, text="未保存的输入")
    data.update({"more": "targets", "target-TOTAL_FORMS": total})
    client.raise_request_exception = False
    response = login(client, office).post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 200
    assert "未保存的输入" in response.content.decode()
    insurance_task.refresh_from_db()
    assert insurance_task.text != "未保存的输入"


def test_edit_version_conflict_shows_what_changed_and_saves_nothing(
    client, office, province_office, insurance_task
):
    login(client, office)
    page = client.get(reverse("task_edit", args=[insurance_task.pk])).content.decode()
    assert f'name="version" value="{insurance_task.version}"' in page
    data = edit_data(insurance_task, text="我的修改", progress=40)

    # A colleague saves between this user's GET and POST.
    update_task(
        insurance_task, expected_version=insurance_task.version, user=province_office, text="同事的修改"
    )
    before = snapshot(insurance_task)

    response = client.post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed by someone else" in page
    assert "河南省医改办" in page  # who
    assert '全面推进DRG/DIP支付方式改革。</del> → <ins class="after">同事的修改' in page  # before → after
    assert "我的修改" in page  # the user's input stays
    insurance_task.refresh_from_db()
    assert f'name="version" value="{insurance_task.version}"' in page
    assert snapshot(insurance_task) == before
    assert insurance_task.text == "同事的修改"


def test_edit_version_conflict_shows_current_values_with_labels_not_codes(
    client, office, province_office, insurance_task
):
    DeadlineFactory(task=insurance_task, kind=Deadline.Kind.ONGOING, due_on=None, text="长期坚持", year=None)
    TargetFactory(task=insurance_task, text="参保率稳定在95%以上", value=95, unit="%")
    login(client, office)
    data = edit_data(insurance_task, text="我的修改")
    update_task(
        insurance_task, expected_version=insurance_task.version, user=province_office, text="同事的修改"
    )
    response = client.post(reverse("task_edit", args=[insurance_task.pk]), data)
    assert response.status_code == 409
    page = response.content.decode()
    current = page[page.index('class="row small mb-2 current-values"') :]
    current = current[: current.index("</dl>")]
    assert "郑州市医疗保障局（Lead）" in current
    assert "郑州市卫生健康委员会（Cooperating）" in current
    assert "长期坚持（Ongoing）" in current
    assert "参保率稳定在95%以上（at least 95%）" in current
    for code in ("（lead）", "（cooperating）", "（ongoing）", "&gt;="):
        assert code not in current

"""Importing documents: drafts, all-or-nothing writes, re-imports that keep progress, aliases."""

import io
import json
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import User
from regions.models import Department, DepartmentAlias, Region
from tasks.imports.services.importing import DocumentImportError, build_draft, import_document, parse_upload
from tasks.models import (
    Assignment,
    Deadline,
    PolicyDocument,
    ProgressUpdate,
    Target,
    Task,
    TaskChange,
    TaskStatus,
    derived,
)

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
SEED_001 = SEEDS / "001_7a68ed7b43eddbc1.txt"
SEED_002 = SEEDS / "002_8b093ff0cb75f7ca.txt"
SEED_004 = SEEDS / "004_3a5879d991fe70a2.txt"

SMALL = """郑州市深化医药卫生体制改革工作领导小组文件

郑医改〔2026〕1号

关于印发郑州市深化医药卫生体制改革2026年重点工作任务的通知

2026年3月1日

一、深化医保支付方式改革

（一）推进按病种付费。年底前病种数不少于100个。（市医保局、卫生健康委等按职责分工负责）

（二）完善医疗服务价格动态调整机制，6月底前完成调价评估。（市医保局牵头，市财政局配合）

二、加强基层能力

（三）推进县域医共体建设，县域内就诊率达到90%以上。（市卫生健康委、各县（市、区）人民政府负责）
"""


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (PolicyDocument, Task, Assignment, Deadline, Target, TaskChange, DepartmentAlias)
    }


def _import(data: bytes, name: str, region: Region, **kwargs):
    parsed = parse_upload(data, name)
    draft = build_draft(parsed, region)
    return import_document(draft, region=region, data=data, filename=name, text=parsed.text, **kwargs), draft


@pytest.fixture
def zhengzhou(reference_data):
    return Region.objects.get(code="410100")


@pytest.fixture
def office(zhengzhou):
    return User.objects.create_user("office", password="x", role="office", region=zhengzhou)


def test_a_document_imports_with_tasks_assignments_deadlines_and_targets(zhengzhou, office):
    result, _draft = _import(SMALL.encode(), "small.txt", zhengzhou, user=office)
    document = result.document
    assert result.created
    assert document.doc_number == "郑医改〔2026〕1号"
    assert document.base_year == 2026
    assert document.kind == PolicyDocument.Kind.KEY_TASKS
    tasks = list(document.tasks.order_by("position"))
    assert [t.label for t in tasks] == ["（一）", "（二）", "（三）"]
    assert tasks[0].outline_path == ["一", "（一）"]
    assert tasks[0].section == "深化医保支付方式改革"

    first = {a.department.name: a.role for a in tasks[0].assignments.select_related("department")}
    assert first == {
        "郑州市医疗保障局": Assignment.Role.LEAD,
        "郑州市卫生健康委员会": Assignment.Role.COOPERATING,
    }
    second = {a.department.name: a.role for a in tasks[1].assignments.select_related("department")}
    assert second["郑州市财政局"] == Assignment.Role.COOPERATING

    deadline = tasks[1].deadlines.get()
    assert (deadline.text, deadline.due_on.isoformat(), deadline.kind) == ("6月底前", "2026-06-30", "date")
    target = tasks[0].targets.get()
    assert (target.comparator, target.value, target.unit) == (">=", 100, "个")
    assert document.original_file.read() == SMALL.encode()
    assert TaskChange.objects.filter(task__document=document, action=TaskChange.Action.IMPORTED).count() == 3
    assert document.imported_by == office


def test_collective_assignees_become_one_assignment_per_subordinate_government(zhengzhou):
    result, _draft = _import(SMALL.encode(), "small.txt", zhengzhou)
    task = result.document.tasks.get(label="（三）")
    counties = task.assignments.filter(collective_text__startswith="各县")
    governments = Department.objects.subordinate_governments_of(zhengzhou)
    assert counties.count() == governments.count() == 12
    assert set(counties.values_list("role", flat=True)) == {Assignment.Role.COOPERATING}


def test_reimporting_the_same_file_duplicates_nothing_and_keeps_progress(zhengzhou, office):
    result, _draft = _import(SMALL.encode(), "small.txt", zhengzhou)
    task = result.document.tasks.get(label="（一）")
    ProgressUpdate.objects.create(task=task, author=office, status=TaskStatus.IN_PROGRESS, percent=40)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.IN_PROGRESS, progress=40)
    target = task.targets.get()
    target.latest_actual = 120
    target.save()
    before = _counts()

    again, _draft = _import(SMALL.encode(), "small.txt", zhengzhou)

    assert not again.created
    assert again.document.pk == result.document.pk
    assert (again.tasks_created, again.tasks_updated) == (0, 3)
    assert _counts() == before
    task = Task.objects.get(pk=task.pk)
    assert (task.status, task.progress, task.version) == (TaskStatus.IN_PROGRESS, 40, 1)
    assert task.progress_updates.count() == 1
    assert task.targets.get().latest_actual == 120
    assert task.targets.get().attained is True


def test_a_revised_version_with_the_same_number_updates_in_place(zhengzhou, office):
    result, _draft = _import(SMALL.encode(), "small.txt", zhengzhou)
    with_progress = result.document.tasks.get(label="（三）")
    ProgressUpdate.objects.create(
        task=with_progress, author=office, status=TaskStatus.IN_PROGRESS, percent=10
    )
    revised = SMALL.replace("年底前病种数不少于100个", "年底前病种数不少于120个").split("二、加强基层能力")[0]

    again, _draft = _import(revised.encode(), "revised.txt", zhengzhou, user=office)

    assert again.document.pk == result.document.pk
    assert PolicyDocument.objects.count() == 1
    first = again.document.tasks.get(label="（一）")
    assert "120" in first.text
    assert first.version == 2
    assert first.targets.get().value == 120
    change = first.changes.filter(action=TaskChange.Action.IMPORTED).order_by("-pk").first()
    assert "text" in change.changes
    # (三) is gone from the revision but carries progress: kept, and said so.
    assert Task.objects.filter(pk=with_progress.pk).exists()
    assert again.tasks_kept == 1
    assert again.warnings
    assert again.document.original_name == "revised.txt"
    # Bulk writes of the import leave the derived due dates and scopes consistent.
    assert derived.check() == []
    assert first.due_on is not None


def test_a_task_dropped_from_a_revision_without_progress_is_removed(zhengzhou):
    _import(SMALL.encode(), "small.txt", zhengzhou)
    revised = SMALL.split("二、加强基层能力")[0]
    again, _draft = _import(revised.encode(), "revised.txt", zhengzhou)
    assert again.tasks_removed == 1
    assert list(again.document.tasks.values_list("label", flat=True)) == ["（一）", "（二）"]


def test_an_invalid_draft_is_refused_with_every_reason_and_writes_nothing(zhengzhou):
    parsed = parse_upload(SMALL.encode(), "small.txt")
    draft = build_draft(parsed, zhengzhou)
    draft["tasks"][0]["deadlines"][0]["date"] = "2026-02-30"
    draft["tasks"][1]["targets"] = [{"text": "x", "op": "about", "value": "many"}]
    outsider = Department.objects.filter(region__code="430000").first()
    draft["tasks"][2]["assignees"][0]["department_id"] = outsider.pk
    before = _counts()
    with pytest.raises(DocumentImportError) as caught:
        import_document(draft, region=zhengzhou, data=SMALL.encode(), filename="small.txt")
    messages = "\n".join(caught.value.messages)
    assert "2026-02-30" in messages
    assert "about" in messages
    assert "many" in messages
    assert "outside" in messages or "以外" in messages or "之外" in messages
    assert _counts() == before


def test_a_failure_half_way_leaves_the_database_and_media_as_they_were(zhengzhou):
    before = _counts()
    media_before = sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    with (
        mock.patch(
            "tasks.imports.services.importing.Target.objects.bulk_create",
            side_effect=RuntimeError("disk full"),
        ),
        pytest.raises(RuntimeError),
    ):
        _import(SMALL.encode(), "small.txt", zhengzhou)
    assert _counts() == before
    assert sorted(p.name for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()) == media_before


def test_names_mapped_by_the_reviewer_are_remembered_as_aliases(zhengzhou):
    text = SMALL.replace("市医保局牵头", "市医疗保障部门牵头")
    parsed = parse_upload(text.encode(), "alias.txt")
    draft = build_draft(parsed, zhengzhou)
    unknown = next(a for a in draft["tasks"][1]["assignees"] if a["department_id"] is None)
    assert unknown["text"] == "市医疗保障部门"
    assert unknown["suggestions"], "an unknown name comes with suggestions"
    bureau = Department.objects.get(region=zhengzhou, name="郑州市医疗保障局")
    unknown["department_id"], unknown["remember"] = bureau.pk, True

    import_document(draft, region=zhengzhou, data=text.encode(), filename="alias.txt")

    assert DepartmentAlias.objects.filter(
        region=zhengzhou, alias="市医疗保障部门", department=bureau
    ).exists()
    redraft = build_draft(parse_upload(text.encode(), "alias.txt"), zhengzhou)
    assert redraft["tasks"][1]["assignees"][0]["department_id"] == bureau.pk


def test_dry_run_reports_and_writes_nothing(zhengzhou):
    before = _counts()
    result, _draft = _import(SMALL.encode(), "small.txt", zhengzhou, dry_run=True)
    assert result.created
    assert result.tasks_created == 3
    assert _counts() == before


def test_import_writes_a_constant_number_of_queries(zhengzhou, django_assert_max_num_queries):
    data = SEED_004.read_bytes()
    parsed = parse_upload(data, SEED_004.name)
    region = Region.objects.get(code="430000")
    draft = build_draft(parsed, region)
    assert len(draft["tasks"]) > 40
    with django_assert_max_num_queries(40):
        import_document(draft, region=region, data=data, filename=SEED_004.name)


def test_seed_documents_import_with_their_deadlines_resolved(reference_data):
    result, _draft = _import(SEED_001.read_bytes(), SEED_001.name, Region.objects.get(code="410100"))
    assert result.document.tasks.count() == 22
    year_end = Deadline.objects.filter(task__document=result.document, text="年底前")
    assert year_end.exists()
    assert {d.due_on.isoformat() for d in year_end} == {"2021-12-31"}
    result, _draft = _import(SEED_004.read_bytes(), SEED_004.name, Region.objects.get(code="430000"))
    july = Deadline.objects.get(
        task__document=result.document, text="2018年7月底前完成", task__label="附件-1"
    )
    assert july.due_on.isoformat() == "2018-07-31"
    unresolved = Deadline.objects.get(task__document=result.document, text="国家文件出台后3个月内完成")
    assert (unresolved.kind, unresolved.due_on) == (Deadline.Kind.RELATIVE, None)


def test_every_assignee_of_the_seeds_resolves_to_a_department(reference_data):
    for path, code in ((SEED_001, "410100"), (SEED_002, "512000"), (SEED_004, "430000")):
        draft = build_draft(parse_upload(path.read_bytes(), path.name), Region.objects.get(code=code))
        unresolved = [a["text"] for t in draft["tasks"] for a in t["assignees"] if a["department_id"] is None]
        assert unresolved == [], path.name


# Commands --------------------------------------------------------------------------------------


def test_parse_policy_prints_exactly_the_json_contract(reference_data):
    out = io.StringIO()
    call_command("parse_policy", str(SEED_002), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"title", "doc_number", "issuer", "issued_on", "region", "tasks", "warnings"}
    assert data["doc_number"] == "资府发〔2017〕23号"
    task = data["tasks"][0]
    assert set(task) == {
        "number",
        "path",
        "section",
        "text",
        "measures",
        "lead",
        "co",
        "collective",
        "deadlines",
        "targets",
    }
    assert task["lead"][0] == {"text": "市卫生计生委", "department": "资阳市卫生健康委员会"}
    assert task["collective"][0]["text"] == "各县（区）人民政府"
    assert len(task["collective"][0]["departments"]) == 3
    assert PolicyDocument.objects.count() == 0


def test_parse_policy_exits_non_zero_on_bad_input(tmp_path, db):
    bad = tmp_path / "fake.docx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(CommandError) as caught:
        call_command("parse_policy", str(bad), "--format", "json", stdout=io.StringIO())
    assert str(caught.value)
    with pytest.raises(CommandError, match="无法读取"):
        call_command("parse_policy", str(tmp_path / "missing.txt"), stdout=io.StringIO())


def test_import_policy_imports_once_and_needs_a_region_it_can_find(reference_data, tmp_path):
    out = io.StringIO()
    call_command("import_policy", str(SEED_001), stdout=out)
    assert "新建" in out.getvalue()
    call_command("import_policy", str(SEED_001), stdout=out)
    assert PolicyDocument.objects.count() == 1
    national = tmp_path / "national.txt"
    national.write_text(
        "国务院办公厅关于印发深化医药卫生体制改革2026年重点工作任务的通知\n\n（一）推进医保支付方式改革。（国家医保局负责）\n"
    )
    with pytest.raises(CommandError, match="--region"):
        call_command("import_policy", str(national), stdout=io.StringIO())
    assert PolicyDocument.objects.count() == 1

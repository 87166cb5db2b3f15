"""Importing policy documents: parse, build a reviewable draft, and write it in one transaction.

The draft is plain JSON-compatible data (what the review screen shows and edits, and what
`parse_policy --format json` is derived from). `import_document` validates the whole draft before it
writes anything, and re-importing a document (same checksum, or same 文号 in the region) updates it in
place: tasks are matched by their outline path, so their status, progress and history survive.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import Department, DepartmentAlias, Region
from regions.resolve import DepartmentResolver, normalize_name
from tasks.dashboard.services import cache as dashboard_cache
from tasks.imports.services.draft_validation import parse_decimal, validate_draft
from tasks.models import Assignment, Deadline, PolicyDocument, Target, Task, TaskChange, TaskStatus, derived
from tasks.models.ledger import ROLE_RANK
from tasks.parsing import ParsedDocument, ParseError, parse_document

KIND_BY_TITLE = [
    (re.compile(r"重点(工作)?任务|工作要点"), PolicyDocument.Kind.KEY_TASKS),
    (re.compile(r"方案|规划|意见|办法"), PolicyDocument.Kind.IMPLEMENTATION_PLAN),
    (re.compile(r"会议|纪要|精神|讲话"), PolicyDocument.Kind.MEETING_MINUTES),
    (re.compile(r"简报|信息|专报|动态"), PolicyDocument.Kind.BULLETIN),
    (re.compile(r"通知|函"), PolicyDocument.Kind.NOTICE),
]


class DocumentImportError(ValueError):
    """The document or the draft cannot be imported; `messages` says why, one reason per line."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class ImportResult:
    document: PolicyDocument
    created: bool
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_kept: int = 0  # in the previous import, not in this one, kept because they carry progress
    tasks_removed: int = 0
    warnings: list[str] = field(default_factory=list)


def checksum_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_upload(data: bytes, filename: str) -> ParsedDocument:
    """Parse uploaded bytes; unreadable input becomes a DocumentImportError with the parser's message."""
    try:
        return parse_document(data, filename, max_bytes=settings.UPLOAD_MAX_BYTES)
    except ParseError as error:
        raise DocumentImportError(str(error)) from None


def guess_kind(title: str | None) -> str:
    for pattern, kind in KIND_BY_TITLE:
        if title and pattern.search(title):
            return kind
    return PolicyDocument.Kind.OTHER


def region_named(name: str | None) -> Region | None:
    """The region a document header names, when exactly one region has that name."""
    if not name:
        return None
    matches = list(Region.objects.filter(name=name)[:2])
    return matches[0] if len(matches) == 1 else None


def find_existing_document(region: Region, checksum: str, doc_number: str | None) -> PolicyDocument | None:
    """The document a re-import updates: same file, or failing that the same 文号 in the region."""
    same_file = PolicyDocument.objects.filter(region=region, checksum=checksum).first()
    if same_file is not None or not doc_number:
        return same_file
    return PolicyDocument.objects.filter(region=region, doc_number=doc_number).order_by("-pk").first()


# Building the draft -----------------------------------------------------------------------------


def _roles(task) -> list[tuple[Any, str]]:
    leads = list(task.lead)
    # Several leads ("分别负责", or a document listing joint leads) share the lead as co-leads.
    lead_role = Assignment.Role.LEAD if len(leads) == 1 else Assignment.Role.CO_LEAD
    return [(a, lead_role) for a in leads] + [(a, Assignment.Role.COOPERATING) for a in task.co]


def build_draft(parsed: ParsedDocument, region: Region, resolver: DepartmentResolver | None = None) -> dict:
    """The reviewable, JSON-compatible form of a parsed document, with departments resolved."""
    resolver = resolver or DepartmentResolver(region)
    tasks = []
    for task in parsed.tasks:
        assignees = []
        for assignee, role in _roles(task):
            found = resolver.resolve(assignee.text, assignee.normalized)
            assignees.append(
                {
                    "text": assignee.text,
                    "normalized": assignee.normalized,
                    "role": role,
                    "department_id": found.department.pk if found.department else None,
                    "department": found.department.name if found.department else None,
                    "suggestions": [{"id": d.pk, "name": d.name} for d in found.suggestions],
                    "confidence": assignee.confidence,
                    "confidence_reason": assignee.reason,
                }
            )
        has_lead = bool(task.lead)
        collective = []
        for item in task.collective:
            departments = resolver.collective(item.text)
            collective.append(
                {
                    "text": item.text,
                    "role": Assignment.Role.COOPERATING if has_lead else Assignment.Role.CO_LEAD,
                    "department_ids": [d.pk for d in departments],
                    "departments": [d.name for d in departments],
                }
            )
        tasks.append(
            {
                "number": task.number,
                "path": list(task.path),
                "section": task.section,
                "text": task.text,
                "measures": task.measures,
                "confidence": task.confidence,
                "confidence_reason": task.reason,
                "assignees": assignees,
                "collective": collective,
                "deadlines": [
                    {
                        "text": d.text,
                        "date": d.date.isoformat() if d.date else None,
                        "kind": d.kind,
                        "year": d.year,
                        "confidence": d.confidence,
                        "confidence_reason": d.reason,
                    }
                    for d in task.deadlines
                ],
                "targets": [
                    {
                        "text": t.text,
                        "metric": t.metric,
                        "op": t.op,
                        "value": t.value,
                        "upper": t.upper,
                        "baseline": t.baseline,
                        "unit": t.unit,
                        "year": t.year,
                    }
                    for t in task.targets
                ],
            }
        )
    return {
        "title": parsed.title,
        "doc_number": parsed.doc_number,
        "issuer": parsed.issuer,
        "issued_on": parsed.issued_on.isoformat() if parsed.issued_on else None,
        "base_year": parsed.base_year,
        "region": region.code,
        "header_region": parsed.region,  # the place the parser read in the issuer or the title
        "kind": guess_kind(parsed.title),
        "warnings": list(parsed.warnings),
        "outline": [
            {"label": node.label, "path": list(node.path), "heading": node.heading} for node in parsed.outline
        ],
        "tasks": tasks,
    }


# Writing ------------------------------------------------------------------------------------------


def _task_key(task: dict | Task, seen: dict[str, int]) -> str:
    """Identity of a task within its document: its outline path, else the start of its text."""
    if isinstance(task, Task):
        path, text = task.outline_path, task.text
    else:
        path, text = task.get("path") or [], task.get("text") or ""
    key = "/".join(path) if path else "text:" + normalize_name(text)[:40]
    seen[key] = seen.get(key, 0) + 1
    return f"{key}#{seen[key]}"


def _assignments(task: Task, spec: dict) -> list[Assignment]:
    chosen: dict[int, Assignment] = {}

    def add(department_id: int, role: str, text: str, collective: str = "") -> None:
        current = chosen.get(department_id)
        if current is None:
            chosen[department_id] = Assignment(
                task=task,
                department_id=department_id,
                role=role,
                text_as_written=text,
                collective_text=collective,
            )
        elif ROLE_RANK[role] < ROLE_RANK[current.role]:
            current.role = role  # merged bodies listed twice keep the stronger role

    for assignee in spec.get("assignees", []):
        if assignee.get("department_id") is not None:
            add(assignee["department_id"], assignee["role"], assignee.get("text", ""))
    for item in spec.get("collective", []):
        for department_id in item.get("department_ids", []):
            add(department_id, item.get("role") or Assignment.Role.COOPERATING, item["text"], item["text"])
    return list(chosen.values())


def _deadlines(task: Task, spec: dict, previous: dict[str, Deadline]) -> list[Deadline]:
    rows = []
    for item in spec.get("deadlines", []):
        due = date.fromisoformat(item["date"]) if item.get("date") else None
        kind = item["kind"]
        starts_on = None
        if kind == Deadline.Kind.START:
            due, starts_on = None, due  # a start's day is never the due date
        elif kind == Deadline.Kind.DATE and due is None:
            kind = Deadline.Kind.RELATIVE
        elif kind != Deadline.Kind.DATE and due is not None:
            kind = Deadline.Kind.DATE
        row = Deadline(
            task=task,
            due_on=due,
            starts_on=starts_on,
            kind=kind,
            text=item["text"][:200],
            year=item.get("year"),
        )
        old = previous.get(item["text"])
        if old is not None and old.original_due_on is not None:
            row.due_on, row.original_due_on, row.kind = (
                old.due_on,
                old.original_due_on,
                old.kind,
            )  # granted extension
        rows.append(row)
    return rows


def _targets(task: Task, spec: dict, previous: dict[str, Target]) -> list[Target]:
    rows = []
    for item in spec.get("targets", []):
        year = item.get("year")
        row = Target(
            task=task,
            text=item["text"][:300],
            metric=(item.get("metric") or "")[:200],
            comparator=item["op"],
            value=parse_decimal(item.get("value"), "", []),
            value_max=parse_decimal(item.get("upper"), "", []),
            baseline=parse_decimal(item.get("baseline"), "", []),
            unit=(item.get("unit") or "")[:32],
            year=year,
            due_on=date(year, 12, 31) if year else None,
        )
        old = previous.get(item["text"])
        if old is not None:
            row.latest_actual = old.latest_actual  # reported actuals survive a re-import
        row.attained = row.compute_attained()
        rows.append(row)
    return rows


def _remember_aliases(draft: dict, user) -> None:
    """Names the reviewer mapped by hand become aliases, so the next import matches them."""
    mapped = {
        normalize_name(a.get("normalized") or a["text"]): a["department_id"]
        for t in draft["tasks"]
        for a in t.get("assignees", [])
        if a.get("department_id") is not None and a.get("remember")
    }
    departments = Department.objects.in_bulk(set(mapped.values()))
    for alias, department_id in mapped.items():
        department = departments[department_id]
        DepartmentAlias.objects.get_or_create(
            region=department.region, alias=alias, defaults={"department": department}
        )


@transaction.atomic
def import_document(
    draft: dict,
    *,
    region: Region,
    data: bytes,
    filename: str,
    user=None,
    text: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Write a reviewed draft: a new document, or an update of the one it re-imports. All or nothing.

    With dry_run everything is written and checked, then rolled back, so the result says exactly what
    a real import would do.
    """
    errors = validate_draft(draft, region)
    if errors:
        raise DocumentImportError(errors)
    checksum = checksum_of(data)
    document = find_existing_document(region, checksum, draft.get("doc_number"))
    created = document is None
    if created:
        document = PolicyDocument(region=region, checksum=checksum)
    document.title = draft["title"].strip()[:300]
    document.doc_number = (draft.get("doc_number") or "")[:64]
    document.issuer = (draft.get("issuer") or "")[:200]
    document.issued_on = date.fromisoformat(draft["issued_on"]) if draft.get("issued_on") else None
    document.base_year = draft.get("base_year") or (document.issued_on.year if document.issued_on else None)
    document.kind = draft.get("kind") or guess_kind(document.title)
    if "completion_evidence_required" in draft:
        # Else a new document takes COMPLETION_EVIDENCE_REQUIRED and a re-imported one keeps its rule.
        document.completion_evidence_required = bool(draft["completion_evidence_required"])
    document.text = text or document.text
    document.outline = _outline(draft.get("outline"))
    document.imported_by = user if getattr(user, "is_authenticated", False) else document.imported_by
    new_file = created or document.checksum != checksum
    document.checksum = checksum
    if new_file:
        document.original_name = filename[:255]
        document.original_file.save(filename, ContentFile(data), save=False)
    try:
        document.save()
        result = ImportResult(document=document, created=created, warnings=list(draft.get("warnings", [])))
        _write_tasks(document, draft, user, result)
        _remember_aliases(draft, user)
        if dry_run:
            transaction.set_rollback(True)
            if new_file:
                document.original_file.delete(save=False)
    except Exception:
        # The transaction rolls back; don't leave the stored file behind either.
        if new_file and document.original_file:
            document.original_file.delete(save=False)
        raise
    return result


def _outline(value) -> list[dict]:
    """The draft's headings as stored: plain strings only (a draft is JSON the browser round-trips)."""
    if not isinstance(value, list):
        return []
    outline = []
    for node in value[:5000]:
        if not isinstance(node, dict) or not isinstance(node.get("path"), list):
            continue
        outline.append(
            {
                "label": str(node.get("label") or "")[:32],
                "path": [str(part)[:32] for part in node["path"][:12]],
                "heading": str(node.get("heading") or "")[:300],
            }
        )
    return outline


def _write_tasks(document: PolicyDocument, draft: dict, user, result: ImportResult) -> None:
    existing = list(document.tasks.prefetch_related("deadlines", "targets", "progress_updates"))
    seen: dict[str, int] = {}
    by_key = {_task_key(task, seen): task for task in existing}
    seen = {}
    actor = user if getattr(user, "is_authenticated", False) else None
    # Move existing positions out of the way first: they are unique per document and about to be renumbered.
    if existing:
        for offset, task in enumerate(existing):
            task.position = 1_000_000 + offset
        Task.objects.bulk_update(existing, ["position"])

    matched: list[tuple[Task, dict]] = []
    changes: list[TaskChange] = []
    to_create: list[tuple[Task, dict]] = []
    for position, spec in enumerate(draft["tasks"], start=1):
        key = _task_key(spec, seen)
        fields = {
            "position": position,
            "label": (spec.get("number") or "")[:32],
            "outline_path": list(spec.get("path") or []),
            "section": (spec.get("section") or "")[:200],
            "text": spec["text"].strip(),
            "measures": (spec.get("measures") or "").strip(),
        }
        task = by_key.pop(key, None)
        if task is None:
            to_create.append((Task(document=document, **fields), spec))
            continue
        diff = {
            name: [getattr(task, name), value]
            for name, value in fields.items()
            if name != "position" and getattr(task, name) != value
        }
        for name, value in fields.items():
            setattr(task, name, value)
        if diff:
            task.version += 1
            changes.append(
                TaskChange(task=task, actor=actor, action=TaskChange.Action.IMPORTED, changes=diff)
            )
        matched.append((task, spec))

    # Tasks the new version no longer has: keep those with recorded progress, drop the rest.
    leftovers = list(by_key.values())
    keep = [
        t for t in leftovers if t.progress_updates.all() or t.status != TaskStatus.NOT_STARTED or t.progress
    ]
    drop = [t for t in leftovers if t not in keep]
    for offset, task in enumerate(keep, start=len(draft["tasks"]) + 1):
        task.position = offset
    Task.objects.filter(pk__in=[t.pk for t in drop]).delete()
    Task.objects.bulk_update(
        [t for t, _spec in matched] + keep,
        ["position", "label", "outline_path", "section", "text", "measures", "version"],
    )
    created = Task.objects.bulk_create([t for t, _spec in to_create])
    for task in created:
        changes.append(TaskChange(task=task, actor=actor, action=TaskChange.Action.IMPORTED, changes={}))
    result.tasks_created, result.tasks_updated = len(created), len(matched)
    result.tasks_kept, result.tasks_removed = len(keep), len(drop)
    if keep:
        result.warnings.append(
            _("%(count)s task(s) no longer in the document were kept because progress was recorded on them.")
            % {"count": len(keep)}
        )

    all_pairs = matched + list(zip(created, [spec for _t, spec in to_create], strict=True))
    previous_deadlines = {t.pk: {d.text: d for d in t.deadlines.all()} for t, _spec in matched}
    previous_targets = {t.pk: {g.text: g for g in t.targets.all()} for t, _spec in matched}
    matched_ids = [t.pk for t, _spec in matched]
    Assignment.objects.filter(task_id__in=matched_ids).delete()
    Deadline.objects.filter(task_id__in=matched_ids).delete()
    Target.objects.filter(task_id__in=matched_ids).delete()
    assignments, deadlines, targets = [], [], []
    for task, spec in all_pairs:
        assignments += _assignments(task, spec)
        deadlines += _deadlines(task, spec, previous_deadlines.get(task.pk, {}))
        targets += _targets(task, spec, previous_targets.get(task.pk, {}))
    Assignment.objects.bulk_create(assignments)
    Deadline.objects.bulk_create(deadlines)
    Target.objects.bulk_create(targets)
    _link_parents(document, [t for t, _spec in all_pairs])
    TaskChange.objects.bulk_create(changes)
    # Bulk writes send no signals: due dates and scopes of the document's tasks, in this transaction.
    derived.refresh_tasks(derived.tasks_of_documents([document.pk]))
    dashboard_cache.warm_after_commit()  # bulk inserts send no post_save


def _link_parents(document: PolicyDocument, tasks: list[Task]) -> None:
    """A task whose path extends another task's path is its child in the outline tree."""
    by_path = {tuple(t.outline_path): t for t in tasks if t.outline_path}
    changed = []
    for task in tasks:
        path = tuple(task.outline_path)
        parent = next((by_path[path[:n]] for n in range(len(path) - 1, 0, -1) if path[:n] in by_path), None)
        parent_id = parent.pk if parent else None
        if task.parent_id != parent_id:
            task.parent_id = parent_id
            changed.append(task)
    Task.objects.bulk_update(changed, ["parent"])

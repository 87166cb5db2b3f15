"""Reference data and demo content for `manage.py bootstrap`. Every step is idempotent."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from accounts.models import Role, User
from accounts.services import find_department, find_region
from tasks.imports.services.importing import build_draft, checksum_of, import_document, parse_upload
from tasks.models import PolicyDocument

FIXTURES = ["regions", "departments"]
SEEDS_DIR = Path(settings.BASE_DIR) / "fixtures" / "seeds"
DEMO_PASSWORD = "ledger-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str
    department: str = ""
    full_name: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("office_zz", Role.OFFICE, "410100", full_name="郑州市医改办"),
    DemoAccount("leader_zz", Role.LEADER, "410100", full_name="郑州市分管领导"),
    DemoAccount("liaison_ybj", Role.LIAISON, "410100", "医保局", "郑州市医保局联络员"),
    DemoAccount("liaison_wjw", Role.LIAISON, "410100", "卫生健康委", "郑州市卫健委联络员"),
    DemoAccount("office_zy", Role.OFFICE, "512000", full_name="资阳市医改办"),
    DemoAccount("office_hn", Role.OFFICE, "430000", full_name="湖南省医改办"),
    DemoAccount("leader_sx", Role.LEADER, "140000", full_name="山西省分管领导"),
]


def load_reference_data(verbosity: int = 0) -> None:
    """Regions, departments and aliases; loaddata by natural key updates rather than duplicates."""
    call_command("loaddata", *FIXTURES, verbosity=verbosity)


def import_seed_documents() -> list[tuple[PolicyDocument, bool]]:
    """Import each seed document through the importer; returns (document, imported now) pairs."""
    manifest = json.loads((SEEDS_DIR / "manifest.json").read_text(encoding="utf-8"))
    results = []
    for entry in manifest["documents"]:
        data = (SEEDS_DIR / entry["file"]).read_bytes()
        region = find_region(entry["region"])
        existing = PolicyDocument.objects.filter(region=region, checksum=checksum_of(data)).first()
        if existing is not None:
            results.append((existing, False))
            continue
        parsed = parse_upload(data, entry["file"])
        draft = build_draft(parsed, region)
        draft["kind"] = entry["kind"]
        result = import_document(draft, region=region, data=data, filename=entry["file"], text=parsed.text)
        results.append((result.document, True))
    return results


@transaction.atomic
def create_demo_accounts() -> list[tuple[User, str]]:
    """One account per role (and a superuser); returns (user, what happened) pairs."""
    results = []
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "系统管理员"}
    )
    results.append((admin, _set_demo_password(admin, created)))
    for spec in DEMO_ACCOUNTS:
        region = find_region(spec.region)
        department = find_department(spec.department, region) if spec.department else None
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "role": spec.role,
                "region": region,
                "department": department,
                "first_name": spec.full_name,
            },
        )
        results.append((user, _set_demo_password(user, created)))
    return results


def _set_demo_password(user: User, created: bool) -> str:
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        return "created"
    return "exists" if user.check_password(DEMO_PASSWORD) else "exists, password changed by its owner"


# The smallest file check_evidence accepts as a PDF: the demo's 佐证材料 for its completion request.
DEMO_EVIDENCE_PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def demo_evidence():
    """The implementation plan the demo's completion request attaches (an in-memory upload)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("实施方案印发通知.pdf", DEMO_EVIDENCE_PDF, content_type="application/pdf")


@transaction.atomic
def seed_demo_activity() -> list[str]:
    """A little of the 督办 loop in motion, so that each demo role's 待办 has something in it: 医保局
    asks to close a task, 卫健委 asks for more time, the leader writes a 批示 and the office sends a 催办.
    Through the real services (their events and notices included); once only. What was done."""
    from django.utils import timezone

    from tasks.instructions.services.instructing import give_instruction
    from tasks.ledger.services.extensions import request_extension
    from tasks.ledger.services.progress import request_completion
    from tasks.models import Assignment, Deadline, Event, ExtensionRequest, ProgressUpdate, Task, TaskStatus
    from tasks.reminders.services.sending import send_manual_reminder

    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])}
    needed = ("office_zz", "leader_zz", "liaison_ybj", "liaison_wjw")
    if any(name not in users for name in needed):
        return []
    demo_users = list(users.values())
    if (
        Event.objects.filter(actor__in=demo_users).exists()
        or ProgressUpdate.objects.filter(author__in=demo_users).exists()
        or ExtensionRequest.objects.filter(requested_by__in=demo_users).exists()
    ):
        return []  # seeded before, or the demo accounts are in use: leave their ledger alone
    office, leader, ybj, wjw = (users[name] for name in needed)

    def led_by(user) -> Task | None:
        return (
            Task.objects.filter(
                assignments__department_id=user.department_id, assignments__role=Assignment.Role.LEAD
            )
            .exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.PENDING_VERIFICATION])
            .order_by("document_id", "position")
            .first()
        )

    done = []
    closing = led_by(ybj)
    if closing is not None:
        # With its evidence (佐证材料): the seed documents require it (COMPLETION_EVIDENCE_REQUIRED).
        request_completion(closing, ybj, "已完成工作部署并印发实施方案。", [demo_evidence()])
        done.append(f"{ybj.username} requested completion of task {closing.pk}")
        give_instruction(leader, text="请医保局抓紧推进，月底前报送进展。", task=led_by(ybj) or closing)
        done.append(f"{leader.username} wrote an instruction")
    dated = (
        Task.objects.filter(assignments__department_id=wjw.department_id, due_on__isnull=False)
        .filter(deadlines__kind=Deadline.Kind.DATE)
        .exclude(status__in=[TaskStatus.COMPLETED, TaskStatus.PENDING_VERIFICATION])
        .order_by("-due_on", "pk")
        .first()
    )
    if dated is not None:
        request_extension(
            dated,
            wjw,
            requested_due_on=max(dated.due_on, timezone.localdate()) + datetime.timedelta(days=90),
            reason="国家配套文件尚未出台，需顺延。",
        )
        done.append(f"{wjw.username} asked to extend task {dated.pk}")
    reminded = led_by(wjw)
    if reminded is not None:
        send_manual_reminder(reminded, office, message="请于本周五前报送该任务进展情况及佐证材料。")
        done.append(f"{office.username} reminded the departments of task {reminded.pk}")
    return done

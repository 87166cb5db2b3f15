"""Reference data and demo content for `manage.py bootstrap`. Every step is idempotent."""

from __future__ import annotations

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

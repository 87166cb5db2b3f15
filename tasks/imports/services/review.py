"""The review-and-import workflow behind the browser: upload, review the draft, confirm or discard.

`start_import` stores an upload with its parsed draft in a DocumentImport; `update_draft` applies the
reviewer's form to it (`review_edits.apply_review`, a pure function); `confirm_import` writes it to the
ledger through `importing.import_document`, all or nothing; `discard_import` gives it up. Each checks that
the user is office staff (or a superuser) acting within their region.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from regions.models import Department, Region
from regions.resolve import DepartmentResolver
from tasks.access import can_import, may_create_department
from tasks.imports.services.document_region import detect_region
from tasks.imports.services.draft_validation import validate_draft
from tasks.imports.services.importing import (
    DocumentImportError,
    ImportResult,
    build_draft,
    checksum_of,
    find_existing_document,
    import_document,
    parse_upload,
)
from tasks.imports.services.review_checks import review_problems, task_label, unmatched_names
from tasks.imports.services.review_edits import apply_review, draft_revision
from tasks.imports.services.review_names import map_name, reresolve
from tasks.models import DocumentImport

# A subordinate government needs the region it governs: those come with the reference data.
NEW_DEPARTMENT_KINDS = (Department.Kind.GOVERNMENT_DEPARTMENT, Department.Kind.OTHER)

__all__ = [
    "allowed_departments",
    "apply_review",
    "change_region",
    "create_department",
    "department_regions",
    "confirm_import",
    "discard_import",
    "draft_revision",
    "importable_regions",
    "imports_of",
    "review_problems",
    "start_import",
    "task_label",
    "unmatched_names",
    "update_draft",
]


# Who may import what -----------------------------------------------------------------------------


def importable_regions(user) -> QuerySet[Region]:
    """The regions a user may import documents for: their own and those below it."""
    if not can_import(user):
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.subtree(user.region)


def imports_of(user) -> QuerySet[DocumentImport]:
    """The imports a user may open: their own, for a region still within their scope."""
    if not can_import(user):
        return DocumentImport.objects.none()
    imports = DocumentImport.objects.filter(created_by=user)
    if not user.is_superuser:
        imports = imports.filter(region__in=Region.objects.subtree(user.region))
    return imports


def _check_region(user, region: Region) -> None:
    if not can_import(user):
        raise PermissionDenied(_("Only reform office staff may import documents."))
    if not importable_regions(user).filter(pk=region.pk).exists():
        raise PermissionDenied(_("You may only import documents for your region and the regions below it."))


def _check_import(user, doc_import: DocumentImport) -> None:
    _check_region(user, doc_import.region)
    if doc_import.created_by_id != user.pk:
        raise PermissionDenied(_("This import belongs to someone else."))


def allowed_departments(region: Region) -> list[Department]:
    """Departments a document of `region` may assign: the region, those above it and those below it."""
    chain, node = [], region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    scope = Q(region_id__in=chain) | Q(region__in=Region.objects.subtree(region))
    return list(
        Department.objects.filter(scope, is_active=True)
        .select_related("region")
        .order_by("region__code", "name")
    )


# Upload -----------------------------------------------------------------------------------------


def start_import(user, uploaded_file, region: Region) -> DocumentImport:
    """Parse an upload and keep it with its draft for review. Bad input raises and stores nothing."""
    _check_region(user, region)
    name = PurePath(uploaded_file.name or "").name or "upload"
    limit = settings.UPLOAD_MAX_BYTES
    too_large = DocumentImportError(
        _("The file is larger than the upload limit of %(limit)s.") % {"limit": filesizeformat(limit)}
    )
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_large
    data = b"".join(uploaded_file.chunks())
    if len(data) > limit:
        raise too_large
    parsed = parse_upload(data, name)
    if not parsed.tasks:
        raise DocumentImportError(
            _("No tasks were recognised in %(name)s, so there is nothing to review.") % {"name": name}
        )
    draft = build_draft(parsed, region)
    draft["detected_region"] = detect_region(draft, region)
    doc_import = DocumentImport(
        original_name=name[:255],
        checksum=checksum_of(data),
        region=region,
        draft=draft,
        text=parsed.text,
        created_by=user,
    )
    doc_import.file.save(name, ContentFile(data), save=False)
    try:
        doc_import.save()
    except Exception:
        doc_import.file.delete(save=False)  # no row, so no file either
        raise
    return doc_import


# Life of a DocumentImport ------------------------------------------------------------------------


def _locked_draft(doc_import: DocumentImport) -> DocumentImport:
    locked = DocumentImport.objects.select_for_update().select_related("region").get(pk=doc_import.pk)
    if locked.status != DocumentImport.Status.DRAFT:
        raise DocumentImportError(_("This import has already been confirmed or discarded."))
    return locked


def _forget_file(doc_import: DocumentImport) -> None:
    """Detach the stored upload from the row, and delete it once the change is committed."""
    name = doc_import.file.name
    doc_import.file = ""
    if name:
        storage = doc_import.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def update_draft(doc_import: DocumentImport, user, data: Mapping[str, Any]) -> DocumentImport:
    """Apply the reviewer's form to the stored draft and save it."""
    _check_import(user, doc_import)
    with transaction.atomic():
        locked = _locked_draft(doc_import)
        locked.draft = apply_review(
            locked.draft,
            data,
            DepartmentResolver(locked.region),
            departments=allowed_departments(locked.region),
        )
        locked.save(update_fields=["draft"])
    doc_import.draft = locked.draft
    return doc_import


def unmatched_refusal(names: list[str]) -> str:
    return _(
        "No department is mapped for: %(names)s. Map them, or tick “Import without these names” to confirm anyway."
    ) % {"names": "、".join(names)}


def confirm_import(doc_import: DocumentImport, user, *, acknowledge_unmatched: bool = False) -> ImportResult:
    """Import the reviewed draft in one transaction and mark the DocumentImport imported.

    Names no department stands for are not assigned; nothing is dropped silently, so confirming with
    such names needs `acknowledge_unmatched`.
    """
    _check_import(user, doc_import)
    result = None
    previous_file = None
    try:
        with transaction.atomic():
            locked = _locked_draft(doc_import)
            problems = review_problems(locked.draft)
            unmatched = unmatched_names(locked.draft)
            if unmatched and not acknowledge_unmatched:
                problems.append(unmatched_refusal(unmatched))
            if problems:
                # Every reason at once, the import's own included, so one correction round suffices.
                problems += validate_draft(locked.draft, locked.region)
                raise DocumentImportError(problems)
            try:
                with locked.file.open("rb") as handle:
                    data = handle.read()
            except (OSError, ValueError):
                raise DocumentImportError(
                    _("The uploaded file is no longer available; please upload it again.")
                ) from None
            existing = find_existing_document(locked.region, locked.checksum, locked.draft.get("doc_number"))
            previous_file = existing.original_file.name if existing else None
            result = import_document(
                locked.draft,
                region=locked.region,
                data=data,
                filename=locked.original_name,
                user=user,
                text=locked.text,
            )
            locked.status = DocumentImport.Status.IMPORTED
            locked.document = result.document
            _forget_file(locked)  # the document keeps its own copy
            locked.save(update_fields=["status", "document", "file"])
    except Exception:
        # The rows rolled back; a file the import stored for the document must go too.
        if result is not None and result.document.original_file.name != previous_file:
            result.document.original_file.delete(save=False)
        raise
    doc_import.status, doc_import.document, doc_import.file = locked.status, locked.document, locked.file
    unmatched = unmatched_names(locked.draft)
    if unmatched:
        result.warnings.append(
            _("No department was assigned for: %(names)s.") % {"names": "、".join(unmatched)}
        )
    return result


def department_regions(user, region: Region) -> list[Region]:
    """Where a department added during the review of a document of `region` may go: the regions the
    document may assign (the region, those above and below it) that the user may add departments to."""
    chain, node = [], region
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    candidates = (
        Region.objects.filter(Q(pk__in=chain) | Q(pk__in=Region.objects.subtree(region)))
        .select_related("parent__parent")
        .order_by("code")
    )
    return [r for r in candidates if may_create_department(user, r)]


def create_department(
    doc_import: DocumentImport, user, *, name: str, kind: str, region_id: int | None, written: str = ""
) -> Department:
    """Add a department missing from the reference data; the name as written (`written`, a key of
    `review_names.unmatched_groups`) is then mapped to it in every task, and remembered when confirmed."""
    _check_import(user, doc_import)
    name = " ".join((name or "").split())
    if not name:
        raise DocumentImportError(_("Give the name of the department to add."))
    if kind not in NEW_DEPARTMENT_KINDS:
        raise DocumentImportError(_("Choose the kind of the department to add."))
    region = next((r for r in department_regions(user, doc_import.region) if r.pk == region_id), None)
    if region is None:
        raise PermissionDenied(_("You may only add departments to your region and the regions below it."))
    with transaction.atomic():
        locked = _locked_draft(doc_import)
        if Department.objects.filter(region=region, name=name).exists():
            raise DocumentImportError(
                _("%(region)s already has a department called %(name)s; choose it from the list.")
                % {"region": region.name, "name": name}
            )
        department = Department.objects.create(region=region, name=name[:100], kind=kind)
        if written:
            draft = copy.deepcopy(locked.draft)
            map_name(draft, written, department)
            locked.draft = draft
            locked.save(update_fields=["draft"])
    doc_import.draft = locked.draft
    return department


def change_region(doc_import: DocumentImport, user, region: Region) -> DocumentImport:
    """Move the import to another region of the user's scope: its names and collective assignees
    (各县（区）人民政府) are resolved again for that region, in one transaction."""
    _check_import(user, doc_import)
    _check_region(user, region)
    with transaction.atomic():
        locked = _locked_draft(doc_import)
        if locked.region_id != region.pk:
            allowed = [d.pk for d in allowed_departments(region)]
            locked.draft = reresolve(locked.draft, DepartmentResolver(region), allowed)
            locked.region = region
            locked.save(update_fields=["draft", "region"])
    doc_import.draft, doc_import.region = locked.draft, locked.region
    return doc_import


def discard_import(doc_import: DocumentImport, user) -> None:
    """Give up an import: the draft is marked discarded and the uploaded file deleted."""
    _check_import(user, doc_import)
    with transaction.atomic():
        locked = _locked_draft(doc_import)
        locked.status = DocumentImport.Status.DISCARDED
        _forget_file(locked)
        locked.save(update_fields=["status", "file"])
    doc_import.status, doc_import.file = locked.status, locked.file

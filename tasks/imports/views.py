"""The import screens: upload a document, review its parsed draft, then confirm or discard it.

The workflow lives in tasks.imports.services.review; these views only check who is asking, translate the
request into service calls, and lay the draft out for the template.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region
from tasks.access import can_import
from tasks.imports.services.importing import DocumentImportError, ImportResult, find_existing_document
from tasks.imports.services.review import (
    allowed_departments,
    confirm_import,
    discard_import,
    importable_regions,
    imports_of,
    review_problems,
    start_import,
    unmatched_names,
    update_draft,
)
from tasks.imports.services.review_edits import draft_revision
from tasks.models import Assignment, Deadline, DocumentImport, PolicyDocument, Target
from tasks.models.documents import completion_evidence_default

LEVEL_INDENT = {Region.Level.PROVINCE: "", Region.Level.CITY: "　", Region.Level.COUNTY: "　　"}


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        # Indented by level: the list is ordered by code, so it reads as a tree.
        return f"{LEVEL_INDENT.get(obj.level, '')}{obj.name}"


def _document_help() -> str:
    return _("Word (.docx), PDF, Excel (.xlsx) or plain text (.txt, .md), at most %(size)s.") % {
        "size": filesizeformat(settings.UPLOAD_MAX_BYTES)
    }


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Document file"),
        help_text=lazy(_document_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.xlsx,.txt,.md"}),
    )
    region = RegionChoiceField(
        queryset=Region.objects.none(),
        label=gettext_lazy("Region of the document"),
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "You may only import documents for your region and the regions below it."
            )
        },
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = importable_regions(user).order_by("code")
        self.fields["region"].initial = user.region_id


def _require_importer(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied(_("Only reform office staff may import documents."))


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a document for review; also lists the user's imports still awaiting review."""
    _require_importer(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                doc_import = start_import(
                    request.user, form.cleaned_data["file"], form.cleaned_data["region"]
                )
            except DocumentImportError as error:
                for message in error.messages:
                    form.add_error("file", message)
            else:
                return redirect("document_import_review", pk=doc_import.pk)
    else:
        form = UploadForm(user=request.user)
    pending = (
        imports_of(request.user)
        .filter(status=DocumentImport.Status.DRAFT)
        .select_related("region")
        .order_by("-created_at")[:20]
    )
    return render(request, "tasks/imports/upload.html", {"form": form, "pending": pending})


@login_required
def import_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The review screen of one import: GET shows the draft, POST saves, confirms or discards it."""
    _require_importer(request)
    doc_import = get_object_or_404(imports_of(request.user).select_related("region__parent__parent"), pk=pk)
    if doc_import.status == DocumentImport.Status.IMPORTED and doc_import.document_id:
        messages.info(request, _("This import has already been confirmed."))
        return redirect("document_detail", pk=doc_import.document_id)
    if doc_import.status != DocumentImport.Status.DRAFT:
        messages.info(request, _("This import was discarded."))
        return redirect("document_import")
    if request.method == "POST":
        return _review_post(request, doc_import)
    return render(request, "tasks/imports/review.html", _review_context(doc_import))


def _review_post(request: HttpRequest, doc_import: DocumentImport) -> HttpResponse:
    action = request.POST.get("action")
    if action == "discard":
        try:
            discard_import(doc_import, request.user)
        except DocumentImportError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The import of %(name)s was discarded.") % {"name": doc_import.original_name}
            )
        return redirect("document_import")
    if action not in ("save", "confirm"):
        return HttpResponseBadRequest(_("Unknown action."))
    here = redirect("document_import_review", pk=doc_import.pk)
    try:
        update_draft(doc_import, request.user, request.POST)
    except DocumentImportError as error:
        for message in error.messages:
            messages.error(request, message)
        return here
    if action == "save":
        messages.success(request, _("Your changes were saved. Nothing has been imported yet."))
        return here
    try:
        result = confirm_import(doc_import, request.user)
    except DocumentImportError as error:
        messages.error(request, _("Nothing was imported. Please correct the following and confirm again:"))
        for message in error.messages:
            messages.error(request, message)
        return here
    messages.success(request, _summary(result))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("document_detail", pk=result.document.pk)


def _summary(result: ImportResult) -> str:
    counts = {
        "title": result.document.title,
        "created": result.tasks_created,
        "updated": result.tasks_updated,
        "kept": result.tasks_kept,
        "removed": result.tasks_removed,
    }
    if result.created:
        return _("Imported “%(title)s” as a new document: %(created)s task(s) created.") % counts
    return (
        _(
            "Updated “%(title)s”: %(created)s task(s) created, %(updated)s updated, %(kept)s kept "
            "because progress was recorded on them, %(removed)s removed."
        )
        % counts
    )


# Laying out the draft ------------------------------------------------------------------------------


def _choices(choices) -> list[tuple[str, str]]:
    # Translated once per page rather than once per select.
    return [(value, str(label)) for value, label in choices]


def _is_date(value) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _task_row(index: int, task: dict, top: int) -> dict:
    prefix = f"t{index}-"
    path = task.get("path") or []
    assignees = [
        {
            "prefix": f"{prefix}a{j}-",
            "item": assignee,
            "unmatched": assignee.get("department_id") is None,
            "value": assignee.get("department") or assignee.get("department_input") or "",
        }
        for j, assignee in enumerate(task.get("assignees", []))
    ]
    return {
        "index": index,
        "prefix": prefix,
        "task": task,
        "path_label": " › ".join(path) or task.get("number") or "—",
        "depth": min(max(len(path) - top, 0), 3),
        "assignees": assignees,
        "unmatched": sum(1 for a in assignees if a["unmatched"]),
        "collective": [
            {"prefix": f"{prefix}c{k}-", "item": item, "count": len(item.get("department_ids", []))}
            for k, item in enumerate(task.get("collective", []))
        ],
        "deadlines": [
            {"prefix": f"{prefix}d{k}-", "item": deadline, "date_valid": _is_date(deadline.get("date"))}
            for k, deadline in enumerate(task.get("deadlines", []))
        ],
        "targets": [
            {"prefix": f"{prefix}g{k}-", "item": target} for k, target in enumerate(task.get("targets", []))
        ],
    }


def _review_context(doc_import: DocumentImport) -> dict:
    draft = doc_import.draft
    region = doc_import.region
    existing = find_existing_document(region, doc_import.checksum, draft.get("doc_number"))
    tasks = draft.get("tasks", [])
    # Indent relative to the shallowest task: headings like "一、" are sections, not tasks.
    top = min((len(t.get("path") or []) for t in tasks), default=0)
    rows = [_task_row(index, task, top) for index, task in enumerate(tasks)]
    return {
        "doc_import": doc_import,
        "draft": draft,
        "revision": draft_revision(draft),
        "region": region,
        "existing": existing,
        "same_file": existing is not None and existing.checksum == doc_import.checksum,
        "rows": rows,
        "unmatched": unmatched_names(draft),
        "problems": review_problems(draft),
        "departments": allowed_departments(region),
        "issued_on_valid": not draft.get("issued_on") or _is_date(draft.get("issued_on")),
        "role_choices": _choices(Assignment.Role.choices),
        "kind_choices": _choices(Deadline.Kind.choices),
        "op_choices": _choices(Target.Comparator.choices),
        "document_kinds": _choices(PolicyDocument.Kind.choices),
        # What the import will set: the reviewer's choice, else the document's rule, else the setting.
        "completion_evidence_required": draft.get(
            "completion_evidence_required",
            existing.completion_evidence_required if existing is not None else completion_evidence_default(),
        ),
    }

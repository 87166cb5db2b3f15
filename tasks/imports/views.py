"""The import screens: upload a document, review its parsed draft, then confirm or discard it.

The workflow lives in tasks.imports.services.review; these views only check who is asking, translate the
request into service calls, and lay the draft out for the template.
"""

from __future__ import annotations

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
from tasks.imports.review_page import LEVEL_INDENT, review_context
from tasks.imports.services.form_values import checked
from tasks.imports.services.importing import DocumentImportError, ImportResult
from tasks.imports.services.review import (
    change_region,
    confirm_import,
    create_department,
    discard_import,
    importable_regions,
    imports_of,
    start_import,
    update_draft,
)
from tasks.models import DocumentImport


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
    return render(request, "tasks/imports/review.html", review_context(doc_import, request.user))


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
    if action not in ("save", "confirm", "change_region", "create_department"):
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
    if action == "change_region":
        _change_region(request, doc_import)
        return here
    if action == "create_department":
        _create_department(request, doc_import)
        return here
    try:
        result = confirm_import(
            doc_import, request.user, acknowledge_unmatched=checked(request.POST, "acknowledge_unmatched")
        )
    except DocumentImportError as error:
        messages.error(request, _("Nothing was imported. Please correct the following and confirm again:"))
        for message in error.messages:
            messages.error(request, message)
        return here
    messages.success(request, _summary(result))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect("document_detail", pk=result.document.pk)


def _posted_id(request: HttpRequest, key: str) -> int | None:
    raw = (request.POST.get(key) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _change_region(request: HttpRequest, doc_import: DocumentImport) -> None:
    region = importable_regions(request.user).filter(pk=_posted_id(request, "new_region")).first()
    if region is None:
        messages.error(request, _("You may only import documents for your region and the regions below it."))
        return
    try:
        change_region(doc_import, request.user, region)
    except DocumentImportError as error:
        messages.error(request, str(error))
        return
    messages.success(
        request,
        _("The document is now of %(region)s; its names were matched again for that region.")
        % {"region": region.full_name},
    )


def _create_department(request: HttpRequest, doc_import: DocumentImport) -> None:
    written = (request.POST.get("new_department-for") or "").strip()
    try:
        department = create_department(
            doc_import,
            request.user,
            name=request.POST.get("new_department-name") or "",
            kind=request.POST.get("new_department-kind") or "",
            region_id=_posted_id(request, "new_department-region"),
            written=written,
        )
    except (DocumentImportError, PermissionDenied) as error:
        for message in getattr(error, "messages", [str(error)]):
            messages.error(request, message)
        return
    messages.success(
        request,
        _("%(name)s was added to the departments of %(region)s.")
        % {"name": department.name, "region": department.region.name},
    )


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

"""Policy documents as issued and imported."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of


class PolicyDocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> PolicyDocumentQuerySet:
        """Documents of the user's region and below, or holding a task the user may see."""
        from regions.models import Region
        from tasks.models.ledger import Task
        from tasks.models.scope import TaskScope

        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.region_id:
            # The documents of the region's tasks are one index range of TaskScope.
            subtree = Region.objects.subtree(scope.region_id).values("pk")
            holding = TaskScope.objects.filter(region_id=scope.region_id).values("document_id")
            return self.filter(Q(region__in=subtree) | Q(pk__in=holding))
        if scope.nothing:
            return self.none()
        # An uncorrelated IN, which the database hashes once, rather than EXISTS per document.
        return self.filter(pk__in=Task.objects.visible_to(user).values("document_id"))


def completion_evidence_default() -> bool:
    """A new document's rule on evidence for completion: settings.COMPLETION_EVIDENCE_REQUIRED."""
    return bool(getattr(settings, "COMPLETION_EVIDENCE_REQUIRED", True))


class PolicyDocument(models.Model):
    """A policy document (key-task list, plan, minutes...) whose tasks the ledger tracks."""

    class Kind(models.TextChoices):
        KEY_TASKS = "key_tasks", _("Key-task list")
        IMPLEMENTATION_PLAN = "plan", _("Implementation or pilot plan")
        MEETING_MINUTES = "minutes", _("Meeting minutes or requirements")
        BULLETIN = "bulletin", _("Bulletin")
        NOTICE = "notice", _("Notice or letter")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=64, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="documents"
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    # Relative deadlines ("6月底前") resolve against this year.
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    original_file = models.FileField(_("original file"), upload_to="documents/%Y/", blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    # The document's headings as the parser read them ([{"label", "path", "heading"}], in order), so
    # the document page prints every level, the ones that are not tasks too.
    outline = models.JSONField(_("outline"), default=list, blank=True)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whether its tasks' completion requests must come with evidence (佐证材料); a task may override it.
    completion_evidence_required = models.BooleanField(
        _("evidence required for completion"), default=completion_evidence_default
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "checksum"], name="document_unique_checksum_per_region"
            ),
        ]
        indexes = [
            # Recognising a re-import by its 文号 within a region.
            models.Index(fields=["region", "doc_number"], name="document_region_number_idx"),
            # The document list, newest first.
            models.Index(fields=["-issued_on", "-created_at"], name="document_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title


def import_upload_path(instance: DocumentImport, filename: str) -> str:
    # Random names on disk; the name as uploaded is kept in the row.
    return f"imports/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class DocumentImport(models.Model):
    """An uploaded document waiting for review: the file, its parsed draft and what became of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting review")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    file = models.FileField(_("file"), upload_to=import_upload_path)
    original_name = models.CharField(_("original file name"), max_length=255)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # The reviewable draft (tasks.imports.services.importing.build_draft), edited until confirmed.
    draft = models.JSONField(_("draft"), default=dict)
    text = models.TextField(_("extracted text"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    document = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("document"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document import")
        verbose_name_plural = _("document imports")
        ordering = ["-created_at"]
        indexes = [
            # "My pending imports" on the import page.
            models.Index(fields=["created_by", "status"], name="import_user_status_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

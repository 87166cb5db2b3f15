"""Which regions a task is visible from: a derived table that makes `visible_to` one index range."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskScope(models.Model):
    """One region from which a task is visible to office staff and leaders.

    A task is visible from a region when its document was issued there or below, or when one of its
    departments belongs there or below. So the rows of a task are its document's region and each
    assigned department's region, each with its parent and grandparent (regions are three levels
    deep at most). Derived data: tasks/models/derived.py rewrites a task's rows whenever its document,
    assignments or a region or department they point to change; never edit them by hand.
    """

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("task"), on_delete=models.CASCADE, related_name="scope"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    # The task's document, copied so that the documents visible from a region are one index range too.
    document = models.ForeignKey(
        "tasks.PolicyDocument", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("task scope")
        verbose_name_plural = _("task scopes")
        constraints = [
            # Also the index of visible_to(): the tasks of one region, as an index-only scan.
            models.UniqueConstraint(fields=["region", "task"], name="task_scope_unique_region_task"),
        ]
        indexes = [
            # PolicyDocument.visible_to(): the documents of one region's tasks, as an index-only scan.
            models.Index(fields=["region", "document"], name="task_scope_region_document_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} @ {self.region_id}"

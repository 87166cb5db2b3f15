"""Keep the derived data of tasks/models/derived.py in step with single saves (admin, factories, create()).

Bulk inserts and queryset updates send no signals: the services that make them call tasks/models/derived.py
themselves. Deletes are handled by Deadline.delete()/Assignment.delete() and by the services, not by
post_delete receivers, which would make Django load every cascaded row of a large delete.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from regions.models import Department, Region
from tasks.dashboard.services import cache as dashboard_cache
from tasks.models import (
    Assignment,
    Deadline,
    PolicyDocument,
    ProgressUpdate,
    Target,
    Task,
    TaskChange,
    derived,
)


@receiver(post_save, sender=Deadline, dispatch_uid="derived_deadline_saved")
def deadline_saved(sender, instance: Deadline, **kwargs) -> None:
    derived.refresh_due_on([instance.task_id])


@receiver(post_save, sender=Assignment, dispatch_uid="derived_assignment_saved")
def assignment_saved(sender, instance: Assignment, **kwargs) -> None:
    derived.refresh_scope([instance.task_id])


@receiver(post_save, sender=Task, dispatch_uid="derived_task_saved")
def task_saved(sender, instance: Task, created: bool, **kwargs) -> None:
    # The document of a task does not change after creation; a new task needs its document's rows.
    if created:
        derived.refresh_tasks([instance.pk])


def _remember_previous(instance, field: str) -> None:
    """Keep the stored value of `field` on the instance, so post_save can tell whether it changed."""
    previous = None
    if instance.pk is not None:
        previous = type(instance).objects.filter(pk=instance.pk).values_list(field, flat=True).first()
    instance._derived_previous = previous


@receiver(pre_save, sender=PolicyDocument, dispatch_uid="derived_document_before")
def document_before(sender, instance: PolicyDocument, **kwargs) -> None:
    _remember_previous(instance, "region_id")


@receiver(post_save, sender=PolicyDocument, dispatch_uid="derived_document_saved")
def document_saved(sender, instance: PolicyDocument, created: bool, **kwargs) -> None:
    if not created and instance._derived_previous != instance.region_id:
        derived.refresh_scope(derived.tasks_of_documents([instance.pk]))


@receiver(pre_save, sender=Department, dispatch_uid="derived_department_before")
def department_before(sender, instance: Department, **kwargs) -> None:
    _remember_previous(instance, "region_id")


@receiver(post_save, sender=Department, dispatch_uid="derived_department_saved")
def department_saved(sender, instance: Department, created: bool, **kwargs) -> None:
    if not created and instance._derived_previous != instance.region_id:
        derived.refresh_scope(derived.tasks_of_departments([instance.pk]))


@receiver(pre_save, sender=Region, dispatch_uid="derived_region_before")
def region_before(sender, instance: Region, **kwargs) -> None:
    _remember_previous(instance, "parent_id")


@receiver(post_save, sender=Region, dispatch_uid="derived_region_saved")
def region_saved(sender, instance: Region, created: bool, **kwargs) -> None:
    if not created and instance._derived_previous != instance.parent_id:
        derived.refresh_scope(derived.tasks_of_regions([instance.pk]))


def ledger_written(sender, **kwargs) -> None:
    # Every write through the services saves at least one of these rows.
    dashboard_cache.warm_after_commit()


for _model in (Task, TaskChange, ProgressUpdate, Deadline, Assignment, Target):
    post_save.connect(ledger_written, sender=_model, dispatch_uid=f"dashboard_warm_{_model.__name__}")

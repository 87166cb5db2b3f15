"""Every role rule of the portal, once: who sees what, and who may do what to it.

Services check these before they write; views, templates (the navigation, through
`tasks.context_processors.navigation`), serializers and API permissions call the same functions, so
a page never offers what the service would refuse, nor the API allow what the page refuses.

Two kinds of rule:
- scope (`scope_of`): which tasks, documents, departments and reports exist for a user at all.
  Office staff and leaders see their region and the regions below it, a liaison their department,
  a superuser everything. Out of scope is "not found" (pages and the API answer 404);
- role: within scope, what the role may do (`may_*`, `can_*`). A refusal is `NotPermitted` (403),
  with a message that says who may.

Leaders are read-only on tasks and department reports, but may request and download the office
ledger (台账 and 通报) of their scope, and write instructions (领导批示) that the departments answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.scope import NOTHING, Scope, is_active, scope_of
from tasks.models import Assignment, Report, Task

__all__ = [
    "NOTHING",
    "NotPermitted",
    "Scope",
    "can_edit_task",
    "can_import",
    "can_instruct_on",
    "can_reply",
    "can_report_on",
    "can_request_completion",
    "can_view_task",
    "edits_tasks_in_scope",
    "get_task_for",
    "is_active",
    "leads",
    "may_build_ledger",
    "may_close_period",
    "may_create_department",
    "may_fill_report",
    "may_handle_failed_deliveries",
    "may_manage_robots",
    "may_instruct",
    "may_request_department_report",
    "may_review_reports",
    "may_see_dashboard",
    "may_see_late_reports",
    "may_see_periods",
    "may_see_reports",
    "may_submit_report",
    "navigation",
    "reporting_roles",
    "require_editor",
    "require_instructor",
    "require_ledger_builder",
    "require_period_closer",
    "require_robot_manager",
    "require_replier",
    "require_reporter",
    "require_visible",
    "scope_of",
]


class NotPermitted(PermissionDenied):
    """The user sees the object but their role may not do this; carries a message for the page."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _("You are not allowed to do this.")
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


# Scope (accounts/scope.py: the user model's app, so that the models can scope querysets with it) -----


def _office_in_region(user) -> bool:
    return is_active(user) and (user.is_superuser or (user.is_office and user.region_id is not None))


def _official_in_region(user) -> bool:
    """Office staff or a leader with a region (or a superuser): those who oversee a region."""
    return is_active(user) and (
        user.is_superuser or ((user.is_office or user.is_leader) and user.region_id is not None)
    )


def _own_liaison(user, department_id: int | None) -> bool:
    return bool(
        is_active(user) and user.is_liaison and user.department_id and user.department_id == department_id
    )


# Tasks ------------------------------------------------------------------------------------------


def can_view_task(user, task: Task) -> bool:
    """Whether the task is within the user's scope (one query)."""
    return is_active(user) and Task.objects.visible_to(user).filter(pk=task.pk).exists()


def get_task_for(user, pk: int) -> Task:
    """The task if the user may see it; Task.DoesNotExist otherwise, so that views answer 404."""
    return Task.objects.visible_to(user).get(pk=pk)


def edits_tasks_in_scope(user) -> bool:
    """The role half of can_edit_task: office staff (with a region) and superusers edit tasks, verify
    (销号) or return them, and decide extensions."""
    return _office_in_region(user)


def can_edit_task(user, task: Task) -> bool:
    """Office staff whose scope includes the task, and superusers, edit it; nobody else."""
    if not edits_tasks_in_scope(user):
        return False
    return user.is_superuser or can_view_task(user, task)


def reporting_roles(user, assignments: Iterable[Assignment]) -> set[str]:
    """The roles in which a liaison's department holds these (already loaded) assignments of a task;
    empty when the user is not a liaison or the department is not assigned, so may not report."""
    if not (is_active(user) and user.is_liaison and user.department_id):
        return set()
    return {a.role for a in assignments if a.department_id == user.department_id}


def can_report_on(user, task: Task) -> bool:
    """A liaison reports on tasks assigned (in any role) to their department."""
    if not (is_active(user) and user.is_liaison and user.department_id):
        return False
    return Assignment.objects.filter(task_id=task.pk, department_id=user.department_id).exists()


def leads(roles: Iterable[str]) -> bool:
    """Whether a department holding these roles on a task answers for it (lead or co-lead)."""
    from tasks.models import Assignment

    return any(role in (Assignment.Role.LEAD, Assignment.Role.CO_LEAD) for role in roles)


def can_request_completion(user, task: Task) -> bool:
    """申请销号 is the lead or co-lead department's liaison's; a cooperating department reports progress
    and asks for extensions, but does not declare the task done."""
    from tasks.models import Assignment

    if not (is_active(user) and user.is_liaison and user.department_id):
        return False
    roles = Assignment.objects.filter(task_id=task.pk, department_id=user.department_id).values_list(
        "role", flat=True
    )
    return leads(roles)


def require_visible(user, task: Task) -> None:
    """Out of scope behaves as not found, even when a caller already holds the object."""
    if not can_view_task(user, task):
        raise Task.DoesNotExist(_("No such task."))


def require_editor(user, task: Task) -> None:
    """Office staff in scope (or a superuser); others in scope get NotPermitted, the rest not found."""
    if can_edit_task(user, task):
        return
    require_visible(user, task)
    if user.is_liaison:
        raise NotPermitted(_("Liaisons report progress; only the reform office changes the task itself."))
    raise NotPermitted(_("Only reform office staff may change tasks."))


def require_reporter(user, task: Task, *, office_too: bool = True) -> None:
    """A liaison of an assigned department, or (when office_too) office staff who may edit the task."""
    if can_report_on(user, task) or (office_too and can_edit_task(user, task)):
        return
    require_visible(user, task)
    if user.is_leader:
        raise NotPermitted(_("Leaders have read-only access."))
    raise NotPermitted(_("Only a liaison of a department assigned to this task may report on it."))


# Documents and the dashboard --------------------------------------------------------------------


def can_import(user) -> bool:
    """Office staff with a region, and superusers, import documents (for their region and below)."""
    return _office_in_region(user)


def may_create_department(user, region) -> bool:
    """Office staff add a department (from the import review) to their own region or a region below it:
    the office of the region, or of a region above it; superusers anywhere."""
    if not _office_in_region(user):
        return False
    if user.is_superuser:
        return True
    node = region
    while node is not None:
        if node.pk == user.region_id:
            return True
        node = node.parent
    return False


def may_see_dashboard(user) -> bool:
    """Leaders, office staff and superusers; liaisons have their own task list instead."""
    return is_active(user) and (user.is_superuser or user.is_leader or user.is_office)


# Reports ----------------------------------------------------------------------------------------


def may_see_reports(user) -> bool:
    """The reports pages: those who oversee a region, and liaisons of a department."""
    return _official_in_region(user) or bool(is_active(user) and user.is_liaison and user.department_id)


def may_request_department_report(user, department_id: int | None = None) -> bool:
    """Office staff (and superusers) build any department's report of their scope; a liaison their
    own department's. Leaders do not: department reports are the office's business with the department."""
    if _office_in_region(user):
        return True
    if department_id is None:
        return bool(is_active(user) and user.is_liaison and user.department_id)
    return _own_liaison(user, department_id)


def may_build_all_reports(user) -> bool:
    """「全部生成」: office staff build every department's report of their own region at once."""
    return bool(_office_in_region(user) and user.region_id)


def may_review_reports(user) -> bool:
    """Office staff (and superusers) approve or return a submitted department report."""
    return _office_in_region(user)


def may_fill_report(user, report: Report) -> bool:
    """The department's liaison, or office staff (for a department that reports on paper)."""
    return _office_in_region(user) or _own_liaison(user, report.department_id)


def may_submit_report(user, report: Report) -> bool:
    """上报 is the department's own act: only its liaison submits its report."""
    return _own_liaison(user, report.department_id)


def may_build_ledger(user) -> bool:
    """The office ledger (台账 and 通报) of a region: its office staff and leaders, and superusers."""
    return _official_in_region(user)


def require_ledger_builder(user) -> None:
    if not may_build_ledger(user):
        raise NotPermitted(_("Only reform office staff and leaders may build a region's ledger."))


def may_see_late_reports(user) -> bool:
    """The departments late with their report: office staff and leaders (and superusers)."""
    return _official_in_region(user)


# Reporting periods ------------------------------------------------------------------------------


def may_close_period(user) -> bool:
    """Office staff close their own region's periods (and superusers any region's); leaders read the
    "as of" views but do not close."""
    return _office_in_region(user)


def may_see_periods(user) -> bool:
    """The closed periods and their "as of" views: those who oversee a region (office staff, leaders)."""
    return _official_in_region(user)


def require_period_closer(user) -> None:
    if not may_close_period(user):
        raise NotPermitted(_("Only reform office staff may close a reporting period."))


# Notices: group robots and failed deliveries ----------------------------------------------------


def may_manage_robots(user) -> bool:
    """Office staff configure the group robots of their own region (the office's group and its
    departments'); superusers any region's. Leaders and liaisons do not (their scope is a subject of
    the messages, not their configuration)."""
    return _office_in_region(user)


def require_robot_manager(user) -> None:
    """Refused by role before any robot is looked up (403 in scope or not); out of scope is then 404."""
    if not may_manage_robots(user):
        raise NotPermitted(_("Only reform office staff may configure group robots."))


def may_handle_failed_deliveries(user) -> bool:
    """Failed emails and robot posts are the office's to see, resend or acknowledge (of its scope)."""
    return _office_in_region(user)


# Instructions (领导批示) -------------------------------------------------------------------------


def may_instruct(user) -> bool:
    """A leader with a region (or a superuser) writes 批示, on the tasks and departments of their scope."""
    return is_active(user) and (user.is_superuser or (user.is_leader and user.region_id is not None))


def can_instruct_on(user, task: Task) -> bool:
    """A leader whose scope includes the task (one query, unless the role already says no)."""
    return may_instruct(user) and (user.is_superuser or can_view_task(user, task))


def require_instructor(user, task: Task) -> None:
    """Out of scope is not found; in scope, anyone but a leader gets NotPermitted."""
    if can_instruct_on(user, task):
        return
    require_visible(user, task)
    raise NotPermitted(_("Only leaders write instructions (领导批示)."))


def can_reply(user, instruction) -> bool:
    """办理情况 is the answering department's own account to the leader: only its liaison replies.
    Office staff do not reply on its behalf (as a department report is submitted by its liaison)."""
    return _own_liaison(user, instruction.department_id)


def require_replier(user, instruction) -> None:
    """For an instruction the user already sees (the caller looked it up in scope): NotPermitted
    unless the user is a liaison of the answering department."""
    if can_reply(user, instruction):
        return
    if is_active(user) and user.is_leader:
        raise NotPermitted(_("Leaders write instructions; the department answers them."))
    if is_active(user) and (user.is_office or user.is_superuser):
        raise NotPermitted(
            _("The department answers the instruction itself; office staff cannot reply on its behalf.")
        )
    raise NotPermitted(
        _("Only a liaison of %(department)s answers this instruction.")
        % {"department": instruction.department.name}
    )


# Navigation -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Navigation:
    """What the navigation bar offers a user; templates read it as `nav` (context processor)."""

    my_tasks: bool = False
    dashboard: bool = False
    reports: bool = False
    import_documents: bool = False
    robots: bool = False


def navigation(user) -> Navigation:
    if not is_active(user):
        return Navigation()
    return Navigation(
        my_tasks=bool(user.is_liaison and user.department_id),
        dashboard=may_see_dashboard(user),
        reports=may_see_reports(user),
        import_documents=can_import(user),
        robots=may_manage_robots(user),
    )

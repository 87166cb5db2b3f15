"""Reform tasks and what a document says about them: assignees, deadlines and targets."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING_VERIFICATION = "pending_verification", _("Pending verification")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class EvidenceRule(models.TextChoices):
    """A task's own rule on evidence for its completion request, over its document's."""

    INHERIT = "inherit", _("As the document says")
    REQUIRED = "required", _("Required")
    NOT_REQUIRED = "not_required", _("Not required")


def needs_evidence(task_rule: str, document_required: bool) -> bool:
    """A task's rule (EvidenceRule) over its document's: whether completion needs evidence."""
    if task_rule == EvidenceRule.REQUIRED:
        return True
    if task_rule == EvidenceRule.NOT_REQUIRED:
        return False
    return bool(document_required)


# A task in one of these states is not overdue, whatever its deadlines say.
CLOSED_STATUSES = (TaskStatus.COMPLETED, TaskStatus.SUSPENDED)
# Deadlines within this many days are "upcoming" on the dashboard and flagged in 我的任务. Not the
# traffic light's yellow band (settings.TRAFFIC_LIGHTS["due_soon_days"]) nor the daily digest's window
# (settings.REMINDER_DUE_SOON_DAYS): those two each office sets for itself.
UPCOMING_DAYS = 30


def overdue_q(today: datetime.date) -> Q:
    """Overdue on `today`: past the task's due date and neither completed nor suspended."""
    return Q(due_on__lt=today) & ~Q(status__in=CLOSED_STATUSES)


def completed_at_expression(task: str = "pk", updated_at: str = "updated_at") -> Coalesce:
    """When a task's completion was last verified, else its last update (an import or an edit completed
    it): the one completion time of the dashboard, the task list, the lights and the ranking.

    `task` and `updated_at` name the task's id and update time from the query's model (the ranking
    counts over assignments: "task_id", "task__updated_at")."""
    from tasks.models.audit import TaskChange

    verified_at = (
        TaskChange.objects.filter(task=OuterRef(task), action=TaskChange.Action.VERIFIED)
        .order_by("-created_at", "-pk")
        .values("created_at")[:1]
    )
    return Coalesce(Subquery(verified_at), F(updated_at), output_field=models.DateTimeField())


def completed_late_q(prefix: str = "") -> Q:
    """Completed after the due date (逾期完成): the completion day, in local time as the due date is,
    later than `due_on`. `prefix` ("task__") reaches the task from a related model."""
    completed_on = TruncDate(
        completed_at_expression(f"{prefix.removesuffix('__')}_id" if prefix else "pk", f"{prefix}updated_at"),
        output_field=models.DateField(),
    )
    return Q(**{f"{prefix}status": TaskStatus.COMPLETED, f"{prefix}due_on__isnull": False}) & Q(
        **{f"{prefix}due_on__lt": completed_on}
    )


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> TaskQuerySet:
        """The tasks this user may see. Every page, export and API endpoint starts here.

        Office staff and leaders: tasks of documents issued in their region or below, and tasks
        assigned to a department of their region or below. Liaisons: tasks assigned to their
        department. Anyone else: nothing.
        """
        from tasks.models.scope import TaskScope

        scope = scope_of(user)
        if scope.everything:
            return self
        if scope.region_id:
            # TaskScope holds, for each task, the regions it is visible from (see tasks/models/derived.py):
            # one index range instead of an OR across documents and assignments.
            in_scope = TaskScope.objects.filter(region_id=scope.region_id).values("task_id")
            return self.filter(pk__in=in_scope)
        if scope.department_id:
            return self.filter(
                Exists(Assignment.objects.filter(task=OuterRef("pk"), department_id=scope.department_id))
            )
        return self.none()

    def with_schedule(self, today: datetime.date | None = None) -> TaskQuerySet:
        """Annotate what the traffic lights and the due-date filters need, in the same query.

        - `due_on` (a column, kept by tasks/models/derived.py): the latest dated deadline, or None;
        - `next_due_on`: the earliest dated deadline on or after `today` (the next milestone);
        - `is_overdue`: past `due_on` and neither completed nor suspended;
        - `starts_on`: the document's issue date, or the day the task was created, from which the
          share of the time used is measured;
        - `completed_late` (逾期完成): completed, and its completion day (`completed_at_expression`, in
          local time) after `due_on` — the rule the ranking's on-time rate counts by.

        `next_due_on` is a correlated subquery: PostgreSQL evaluates it only for the rows it
        returns (a page), so filter with `due_within()` rather than on it. `today` defaults to the
        local date.
        """
        today = today or timezone.localdate()
        dated = Deadline.objects.filter(task=OuterRef("pk"), kind=Deadline.Kind.DATE)
        return self.annotate(
            next_due_on=Subquery(dated.filter(due_on__gte=today).order_by("due_on").values("due_on")[:1]),
            starts_on=Coalesce("document__issued_on", TruncDate("created_at")),
            is_overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            completed_late=Case(
                When(completed_late_q(), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def due_within(self, start: datetime.date, end: datetime.date) -> TaskQuerySet:
        """Tasks with a dated deadline between start and end (inclusive): their next one is due then.

        The same answer as `next_due_on` in [start, end] when start is today, as an EXISTS that
        the database can drive from the deadline date index.
        """
        return self.filter(
            Exists(
                Deadline.objects.filter(
                    task=OuterRef("pk"), kind=Deadline.Kind.DATE, due_on__gte=start, due_on__lte=end
                )
            )
        )

    def with_completed_at(self) -> TaskQuerySet:
        """Annotate `completed_at`: when the task's completion was last verified, else its last update.

        Tasks completed by an import or an edit have no "verified" change, so their last update
        stands in. The dashboard's completions per month and the task list's `completed_in` filter
        both use this one expression (`completed_at_expression`), so the figure and its drill-down
        cannot disagree. Meaningful only for tasks currently completed; the callers filter on the
        status themselves.
        """
        return self.annotate(completed_at=completed_at_expression())

    def has_schedule(self) -> bool:
        """Whether with_schedule() has annotated this queryset already."""
        return "is_overdue" in self.query.annotations


class Task(models.Model):
    """One task of a policy document, at its place in the document's outline."""

    document = models.ForeignKey(
        "tasks.PolicyDocument", verbose_name=_("document"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    # Order within the document; also how a re-import recognises the same task.
    position = models.PositiveIntegerField(_("position"))
    label = models.CharField(_("label as printed"), max_length=32, blank=True)
    outline_path = models.JSONField(_("outline path"), default=list, blank=True)
    section = models.CharField(_("section"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    # A task table's 具体措施 next to its 重点任务: kept with the task, never taken for its text.
    measures = models.TextField(_("measures"), blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Optimistic locking: every save increments it; a save based on an older value is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Derived: the latest dated deadline, kept by tasks/models/derived.py whenever deadlines change, so that
    # overdue counts and due-date filters read a column instead of a subquery per task.
    due_on = models.DateField(_("due date"), null=True, blank=True, editable=False)
    # Why the office last returned the task (退回), until the department reports on it again: the 已退回
    # mark of the task list and the liaison's 待办 read it instead of searching the history.
    returned_reason = models.TextField(_("reason returned"), blank=True, editable=False)
    # The office's comment on the last extension it refused (延期未获批准), until a department of the task
    # reports on it or asks again: shown beside the status instead of searching the requests.
    extension_refused_comment = models.TextField(_("extension refused because"), blank=True, editable=False)
    # Whether a completion request needs evidence (佐证材料): the document's rule unless set here.
    completion_evidence = models.CharField(
        _("evidence for completion"),
        max_length=16,
        choices=EvidenceRule.choices,
        default=EvidenceRule.INHERIT,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="task_unique_position"),
            models.CheckConstraint(name="task_progress_percent", condition=Q(progress__lte=100)),
            models.CheckConstraint(name="task_version_positive", condition=Q(version__gte=1)),
        ]
        indexes = [
            # Task list filtered by status (dashboard counts, "in progress" lists).
            models.Index(fields=["status"], name="task_status_idx"),
            # Task list filtered by section/area within a document.
            models.Index(fields=["document", "section"], name="task_document_section_idx"),
            # Overdue and due-date filters and counts.
            models.Index(fields=["due_on", "status"], name="task_due_on_status_idx"),
        ]

    def __str__(self) -> str:
        head = self.text[:40]
        return f"{self.label} {head}" if self.label else head

    def save(self, *args, **kwargs) -> None:
        # `due_on` is derived (tasks/models/derived.py): an instance loaded before its deadlines changed
        # must not write its stale copy back, so an ordinary save leaves the column alone.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.attname != "due_on"
            ]
        super().save(*args, **kwargs)

    @property
    def evidence_required(self) -> bool:
        """Whether its completion request must come with evidence: its own rule, else its document's."""
        return needs_evidence(self.completion_evidence, self.document.completion_evidence_required)


class Assignment(models.Model):
    """A department's responsibility for a task."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        CO_LEAD = "co_lead", _("Co-lead")
        COOPERATING = "cooperating", _("Cooperating")

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    text_as_written = models.CharField(_("as written"), max_length=200, blank=True)
    # Set when the assignment comes from a collective name ("各县（区）人民政府").
    collective_text = models.CharField(_("collective assignee"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="assignment_unique_department"),
        ]
        indexes = [
            # A liaison's task list and visible_to(): tasks of one department, by role.
            models.Index(fields=["department", "role"], name="assignment_department_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_role_display()}"

    def delete(self, *args, **kwargs):
        from tasks.models import derived

        result = super().delete(*args, **kwargs)
        derived.refresh_scope([self.task_id])
        return result


# The roles that lead a task (牵头), and every role's rank: lead before co-lead before cooperating.
LEADING_ROLES = (Assignment.Role.LEAD, Assignment.Role.CO_LEAD)
ROLE_RANK = {Assignment.Role.LEAD: 0, Assignment.Role.CO_LEAD: 1, Assignment.Role.COOPERATING: 2}

# Tasks in document order: documents newest first (as PolicyDocument.Meta.ordering), then the
# document's own order. NULLS LAST because PostgreSQL and SQLite disagree on where NULLs go; the ids
# make the order total.
DOCUMENT_ORDER = (
    F("document__issued_on").desc(nulls_last=True),
    F("document__created_at").desc(),
    F("document_id").desc(),
    F("position").asc(),
    F("pk").asc(),
)
REVERSED_DOCUMENT_ORDER = (
    F("document__issued_on").asc(nulls_first=True),
    F("document__created_at").asc(),
    F("document_id").asc(),
    F("position").desc(),
    F("pk").desc(),
)


class Deadline(models.Model):
    """A time limit of a task, as written and, where the text allows, as a date."""

    # The one order of a task's deadlines, the same on PostgreSQL and SQLite (whose NULLs would
    # otherwise sort first): dated deadlines by date, then those without a date, each in entry order.
    ORDER = (F("due_on").asc(nulls_last=True), "pk")

    class Kind(models.TextChoices):
        DATE = "date", _("Date")
        ONGOING = "ongoing", _("Ongoing")
        RECURRING = "recurring", _("Recurring")
        RELATIVE = "relative", _("Relative, unresolved")
        # "自2024年4月1日起": when the work begins; its day is `starts_on`, never a due date.
        START = "start", _("Start")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="deadlines")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("as written"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    # An extension keeps the deadline as first set on record.
    original_due_on = models.DateField(_("original due date"), null=True, blank=True)
    # The day a "start" deadline begins: its own column, so that every reader of `due_on`
    # (overdue, due soon, Task.due_on, reminders, extensions) never mistakes a start for a due date.
    starts_on = models.DateField(_("starts on"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["task", F("due_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                name="deadline_date_kind_has_date",
                condition=Q(kind="date", due_on__isnull=False) | (~Q(kind="date") & Q(due_on__isnull=True)),
            ),
            models.CheckConstraint(
                name="deadline_starts_on_only_start",
                condition=Q(kind="start") | Q(starts_on__isnull=True),
            ),
        ]
        indexes = [
            # Overdue and due-soon scans: deadlines by date.
            models.Index(fields=["due_on"], name="deadline_due_on_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    def delete(self, *args, **kwargs):
        from tasks.models import derived

        result = super().delete(*args, **kwargs)
        derived.refresh_due_on([self.task_id])
        return result


class Target(models.Model):
    """A quantitative goal: metric, comparator, value and unit, with what has been achieved."""

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("at least")
        AT_MOST = "<=", _("at most")
        EQUAL = "=", _("equal to")
        RANGE = "range", _("within a range")
        CHANGE = "change", _("change")

    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="targets")
    text = models.CharField(_("as written"), max_length=300)
    metric = models.CharField(_("metric"), max_length=200, blank=True)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices)
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4, null=True, blank=True)
    # Upper bound when the comparator is a range.
    value_max = models.DecimalField(_("upper bound"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, null=True, blank=True)
    latest_actual = models.DecimalField(
        _("latest actual"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    # Derived from comparator, value and latest actual on every save; stored so lists can filter on it.
    attained = models.BooleanField(_("attained"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["task", "pk"]
        indexes = [
            # "Targets not attained" filter and the dashboard's attainment figures.
            models.Index(fields=["attained"], name="target_attained_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    def save(self, *args, **kwargs) -> None:
        self.attained = self.compute_attained()
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "attained"}
        super().save(*args, **kwargs)

    def compute_attained(self) -> bool | None:
        """Whether the latest actual meets the target; None when it cannot be judged."""
        if self.latest_actual is None or self.value is None:
            return None
        actual, value = Decimal(self.latest_actual), Decimal(self.value)
        if self.comparator == self.Comparator.AT_LEAST:
            return actual >= value
        if self.comparator == self.Comparator.AT_MOST:
            return actual <= value
        if self.comparator == self.Comparator.EQUAL:
            return actual == value
        if self.comparator == self.Comparator.RANGE and self.value_max is not None:
            return value <= actual <= Decimal(self.value_max)
        if self.comparator == self.Comparator.CHANGE and self.baseline is not None:
            # "由60元提高到86元" or "下降到…": reached when the actual has moved as far as the target.
            if value >= self.baseline:
                return actual >= value
            return actual <= value
        return None

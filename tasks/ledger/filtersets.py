"""The one FilterSet of the task list: the page, its Excel export and the API filter alike.

    tasks = Task.objects.visible_to(request.user).with_schedule()
    filterset = TaskFilterSet(request.GET, tasks, request=request)
    page = filterset.qs  # filtered and ordered; empty when the parameters are invalid

The caller's queryset decides what may be seen; the filters only narrow it. The choices of the
document, region and department filters are limited to what the user may see (the `user`
argument, else `request.user`; with neither, they are empty). Filters across assignments and
targets are EXISTS subqueries, so a task with several of them still appears once, and the whole
list stays one query.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Department, Region
from tasks.filters import IdFilter, IntegerFilter, MonthFilter
from tasks.ledger.filter_choices import (
    ListedModelChoiceFilter,
    departments_visible_to,
    listed_departments,
    listed_documents,
    listed_regions,
    regions_visible_to,
)
from tasks.models import Assignment, Deadline, PolicyDocument, Target, Task, TaskStatus
from tasks.models.ledger import (
    DOCUMENT_ORDER,
    LEADING_ROLES,
    REVERSED_DOCUMENT_ORDER,
    completed_late_q,
    overdue_q,
)

# Free text: at most this many words, each of which must match somewhere.
MAX_SEARCH_TERMS = 8
# due_within: a bound that no real question exceeds, so a typo cannot build an absurd date.
MAX_DUE_WITHIN_DAYS = 3660
# Statuses in the order a task goes through them, not alphabetically.
STATUS_RANK = Case(
    *(When(status=value, then=Value(rank)) for rank, value in enumerate(TaskStatus.values)),
    default=Value(len(TaskStatus.values)),
)


class TaskOrderingFilter(django_filters.OrderingFilter):
    """Ordering by the listed columns, always ending in the document order so pages are stable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fields",
            (
                ("position", "position"),
                ("due_on", "due_on"),
                ("status", "status"),
                ("progress", "progress"),
                ("updated_at", "updated_at"),
            ),
        )
        kwargs.setdefault(
            "field_labels",
            {
                "position": _("Document order"),
                "due_on": _("Due date"),
                "status": _("Status"),
                "progress": _("Progress"),
                "updated_at": _("Last updated"),
            },
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        # Unlike OrderingFilter, an empty value orders too: the list needs its stable order.
        return qs.order_by(*task_ordering(value or []))


def task_ordering(params: list[str]) -> list:
    """order_by() arguments for ordering parameters such as ["-due_on", "status"]."""
    ordering: list = []
    for param in params:
        descending = param.startswith("-")
        name = param.removeprefix("-")
        if name == "position":
            ordering.extend(REVERSED_DOCUMENT_ORDER if descending else DOCUMENT_ORDER)
        elif name == "due_on":
            # Tasks without a due date go last either way.
            ordering.append(
                F("due_on").desc(nulls_last=True) if descending else F("due_on").asc(nulls_last=True)
            )
        elif name == "status":
            ordering.append(STATUS_RANK.desc() if descending else STATUS_RANK.asc())
        elif name in ("progress", "updated_at"):
            ordering.append(F(name).desc() if descending else F(name).asc())
    ordering.extend(DOCUMENT_ORDER)
    return ordering


class TaskFilterSet(django_filters.FilterSet):
    """Filters of the task list; see the module docstring for how to call it."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    document = ListedModelChoiceFilter(queryset=PolicyDocument.objects.none(), label=_("Document"))
    region = ListedModelChoiceFilter(
        queryset=Region.objects.none(), to_field_name="code", method="filter_region", label=_("Region")
    )
    department = ListedModelChoiceFilter(
        queryset=Department.objects.none(), method="filter_department", label=_("Department")
    )
    lead_department = ListedModelChoiceFilter(
        queryset=Department.objects.none(), method="filter_lead_department", label=_("Lead department")
    )
    status = django_filters.MultipleChoiceFilter(
        choices=TaskStatus.choices, distinct=False, label=_("Status")
    )
    section = django_filters.CharFilter(field_name="section", label=_("Section"))
    # `section=` (empty) means "any section", as every empty parameter does; hence a flag.
    no_section = django_filters.BooleanFilter(method="filter_no_section", label=_("No section"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due on or before")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    due_within = IntegerFilter(
        method="filter_due_within",
        min_value=0,
        max_value=MAX_DUE_WITHIN_DAYS,
        label=_("Next deadline within (days)"),
    )
    completed_in = MonthFilter(method="filter_completed_in", label=_("Completed in (month)"))
    completed_late = django_filters.BooleanFilter(method="filter_completed_late", label=_("Completed late"))
    targets_attained = django_filters.BooleanFilter(
        method="filter_targets_attained", label=_("Targets attained")
    )
    targets_not_attained = django_filters.BooleanFilter(
        method="filter_targets_not_attained", label=_("Targets not attained")
    )
    targets_without_actual = django_filters.BooleanFilter(
        method="filter_targets_without_actual", label=_("Targets without an actual yet")
    )
    ordering = TaskOrderingFilter(label=_("Order by"))

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset: QuerySet[Task] | None = None,
        *,
        request=None,
        prefix: str | None = None,
        user=None,
        today: datetime.date | None = None,
    ) -> None:
        self.user = user or getattr(request, "user", None) or AnonymousUser()
        self.today = today or timezone.localdate()
        if queryset is None:
            # Never the whole table by accident.
            queryset = Task.objects.visible_to(self.user)
        if not queryset.has_schedule():
            queryset = queryset.with_schedule(self.today)
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["document"].queryset = PolicyDocument.objects.visible_to(self.user)
        # Accepted: exactly what the user may see. Listed: see listed_departments().
        self.filters["region"].queryset = regions_visible_to(self.user)
        departments = departments_visible_to(self.user)
        self.filters["department"].queryset = departments
        self.filters["lead_department"].queryset = departments
        listed = listed_departments(self.user)
        self._listed = {
            "document": listed_documents(self.user),
            "region": listed_regions(self.user),
            # One queryset for both selects: its rows are fetched once (ListedChoiceIterator).
            "department": listed,
            "lead_department": listed,
        }

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, listed in self._listed.items():
                form.fields[name].set_listed(listed)
        return self._form

    def _list_chosen(self) -> None:
        """After validation, list each chosen object too, so the select shows what is applied."""
        for name, listed in self._listed.items():
            chosen = self.form.cleaned_data.get(name)
            if chosen is not None:
                self.form.fields[name].set_listed(listed | type(chosen).objects.filter(pk=chosen.pk))

    @property
    def qs(self) -> QuerySet[Task]:
        """The filtered, ordered list; empty when a parameter is invalid (see `errors`)."""
        if not hasattr(self, "_qs"):
            if self.is_bound and not self.form.is_valid():
                # Ignoring the bad parameter would list more than was asked for.
                self._qs = self.queryset.none()
            elif self.is_bound:
                self._list_chosen()
                self._qs = self.filter_queryset(self.queryset.all())
            else:
                self._qs = self.filters["ordering"].filter(self.queryset.all(), None)
        return self._qs

    def filter_q(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        for term in value.split()[:MAX_SEARCH_TERMS]:
            assigned = Assignment.objects.filter(task=OuterRef("pk")).filter(
                Q(department__name__icontains=term)
                | Q(text_as_written__icontains=term)
                | Q(department__aliases__alias__icontains=term)
            )
            queryset = queryset.filter(
                Q(text__icontains=term)
                | Q(label__icontains=term)
                | Q(section__icontains=term)
                | Q(document__title__icontains=term)
                | Q(document__doc_number__icontains=term)
                | Exists(assigned)
            )
        return queryset

    def filter_region(self, queryset: QuerySet[Task], name: str, value: Region) -> QuerySet[Task]:
        return queryset.filter(document__region__in=Region.objects.subtree(value.pk).values("pk"))

    def filter_department(self, queryset: QuerySet[Task], name: str, value: Department) -> QuerySet[Task]:
        return queryset.filter(Exists(Assignment.objects.filter(task=OuterRef("pk"), department=value)))

    def filter_lead_department(
        self, queryset: QuerySet[Task], name: str, value: Department
    ) -> QuerySet[Task]:
        return queryset.filter(
            Exists(Assignment.objects.filter(task=OuterRef("pk"), department=value, role__in=LEADING_ROLES))
        )

    def filter_due_within(self, queryset: QuerySet[Task], name: str, value: int) -> QuerySet[Task]:
        return queryset.due_within(self.today, self.today + datetime.timedelta(days=value))

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        # The condition itself rather than the is_overdue annotation, so the due-date index serves it.
        overdue = overdue_q(self.today)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_no_section(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        return queryset.filter(section="") if value else queryset.exclude(section="")

    def filter_completed_in(
        self, queryset: QuerySet[Task], name: str, value: datetime.date
    ) -> QuerySet[Task]:
        # The dashboard's month figure: completed tasks whose completed_at falls in that month, local
        # time. Bounds rather than TruncMonth so that the comparison needs no per-row conversion.
        start = timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))
        next_month = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        end = timezone.make_aware(datetime.datetime.combine(next_month, datetime.time.min))
        return (
            queryset.filter(status=TaskStatus.COMPLETED)
            .with_completed_at()
            .filter(completed_at__gte=start, completed_at__lt=end)
        )

    def filter_completed_late(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        # The dashboard's 逾期完成 figure and the lights' rule (completed_late_q); false: every other task.
        late = completed_late_q()
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_targets_attained(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        return self._having_target(queryset, value, attained=True)

    def filter_targets_not_attained(self, queryset: QuerySet[Task], name: str, value: bool) -> QuerySet[Task]:
        return self._having_target(queryset, value, attained=False)

    def filter_targets_without_actual(
        self, queryset: QuerySet[Task], name: str, value: bool
    ) -> QuerySet[Task]:
        return self._having_target(queryset, value, latest_actual__isnull=True)

    @staticmethod
    def _having_target(queryset: QuerySet[Task], value: bool, **lookups: Any) -> QuerySet[Task]:
        """Tasks with at least one such target (false: with none); EXISTS, so each task once."""
        having = Exists(Target.objects.filter(task=OuterRef("pk"), **lookups))
        return queryset.filter(having if value else ~having)


# The lists only the API has: documents and the parts of tasks. Each narrows the queryset its view gives
# it, which is already limited to the user's scope.


class DocumentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    region = django_filters.CharFilter(
        method="filter_region", label=_("Region (code), with the regions below")
    )
    kind = django_filters.ChoiceFilter(choices=PolicyDocument.Kind.choices, label=_("Kind"))
    issued_after = django_filters.DateFilter(
        field_name="issued_on", lookup_expr="gte", label=_("Issued on or after")
    )
    issued_before = django_filters.DateFilter(
        field_name="issued_on", lookup_expr="lte", label=_("Issued on or before")
    )

    class Meta:
        model = PolicyDocument
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for term in value.split()[:8]:
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(doc_number__icontains=term) | Q(issuer__icontains=term)
            )
        return queryset

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value).values_list("pk", flat=True).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__in=Region.objects.subtree(region).values("pk"))


class TaskPartFilterSet(django_filters.FilterSet):
    task = IdFilter(field_name="task_id", label=_("Task"))


class AssignmentFilterSet(TaskPartFilterSet):
    department = IdFilter(field_name="department_id", label=_("Department"))
    role = django_filters.ChoiceFilter(choices=Assignment.Role.choices, label=_("Role"))

    class Meta:
        model = Assignment
        fields: list[str] = []


class DeadlineFilterSet(TaskPartFilterSet):
    kind = django_filters.ChoiceFilter(choices=Deadline.Kind.choices, label=_("Kind"))
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("Due on or after"))
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due on or before")
    )

    class Meta:
        model = Deadline
        fields: list[str] = []


class TargetFilterSet(TaskPartFilterSet):
    comparator = django_filters.ChoiceFilter(choices=Target.Comparator.choices, label=_("Comparator"))
    attained = django_filters.BooleanFilter(label=_("Attained"))

    class Meta:
        model = Target
        fields: list[str] = []

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
import re
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Department, Region
from tasks.access import scope_of
from tasks.models import Assignment, PolicyDocument, Target, Task, TaskStatus
from tasks.models.ledger import DOCUMENT_ORDER, LEADING_ROLES, REVERSED_DOCUMENT_ORDER, overdue_q

# The document select lists this many of the newest documents (see listed_documents).
LISTED_DOCUMENTS = 100
# Free text: at most this many words, each of which must match somewhere.
MAX_SEARCH_TERMS = 8
# due_within: a bound that no real question exceeds, so a typo cannot build an absurd date.
MAX_DUE_WITHIN_DAYS = 3660
# The largest id a query parameter may name: 64-bit signed, the ids' type (BigAutoField) on SQLite
# and PostgreSQL alike. Larger numbers are refused (400) before they reach a query.
MAX_ID = 2**63 - 1
# More digits than any 64-bit integer has (after leading zeros).
MAX_DIGITS = len(str(MAX_ID)) + 1
WHOLE_NUMBER = re.compile(r"-?[0-9]+")

# Statuses in the order a task goes through them, not alphabetically.
STATUS_RANK = Case(
    *(When(status=value, then=Value(rank)) for rank, value in enumerate(TaskStatus.values)),
    default=Value(len(TaskStatus.values)),
)


def departments_visible_to(user) -> QuerySet[Department]:
    """Departments holding an assignment on a task the user may see."""
    if scope_of(user).everything:
        return Department.objects.all()
    visible = Task.objects.visible_to(user).values("pk")
    return Department.objects.filter(
        pk__in=Assignment.objects.filter(task__in=visible).values("department_id")
    )


def regions_visible_to(user) -> QuerySet[Region]:
    """Regions holding, themselves or below, a document the user may see, and the user's own subtree."""
    scope = scope_of(user)
    if scope.everything:
        return Region.objects.all()
    documents = PolicyDocument.objects.visible_to(user)
    # Uncorrelated INs (hashed once) for the documents' regions and the two levels above them.
    holding = (
        Q(pk__in=documents.values("region_id"))
        | Q(pk__in=documents.filter(region__parent__isnull=False).values("region__parent_id"))
        | Q(pk__in=documents.filter(region__parent__parent__isnull=False).values("region__parent__parent_id"))
    )
    if scope.region_id:
        return Region.objects.filter(Q(pk__in=Region.objects.subtree(scope.region_id).values("pk")) | holding)
    return Region.objects.filter(holding)


def _region_chain(region_id: int) -> QuerySet[Region]:
    """The region, the regions below it and the regions above it (no per-task data: a few rows)."""
    # INs rather than joins on the outer query, so it stays free of duplicates without DISTINCT.
    return Region.objects.filter(
        Q(pk__in=Region.objects.subtree(region_id).values("pk"))
        | Q(pk__in=Region.objects.filter(children__pk=region_id).values("pk"))
        | Q(pk__in=Region.objects.filter(children__children__pk=region_id).values("pk"))
    )


def listed_departments(user) -> QuerySet[Department]:
    """The departments the filter's select lists: cheap to compute on every page view.

    For office staff and leaders, the departments of their region chain, not the exact
    departments_visible_to(), which would read every assignment in scope on each view; a department
    outside the chain (a national body cooperating on a task) is still accepted, and listed once chosen.
    """
    region_id = scope_of(user).region_id
    if region_id:
        return Department.objects.filter(region__in=_region_chain(region_id).values("pk"))
    return departments_visible_to(user)


def listed_regions(user) -> QuerySet[Region]:
    """The regions the filter's select lists; as listed_departments, the region chain for the offices."""
    region_id = scope_of(user).region_id
    if region_id:
        return _region_chain(region_id)
    return regions_visible_to(user)


def listed_documents(user) -> QuerySet[PolicyDocument]:
    """The documents the filter's select lists: the newest LISTED_DOCUMENTS the user may see.

    A province holds hundreds of documents; a select of all of them is slow to render and to use.
    Any other visible document is accepted (the document page links to its tasks) and listed once chosen.
    """
    newest = (
        PolicyDocument.objects.visible_to(user)
        .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
        .values("pk")[:LISTED_DOCUMENTS]
    )
    return (
        PolicyDocument.objects.filter(pk__in=newest)
        # Not the extracted text, which may run to megabytes per document.
        .only("pk", "title", "doc_number")
        .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
    )


class ListedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """Iterates the field's `listed` queryset when it has one, else its queryset.

    The listed rows are fetched with one plain query and kept on the queryset: the stock iterator
    uses `.iterator()`, a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE) for a hundred rows,
    and runs it again for a second field listing the same queryset.
    """

    def __init__(self, field, *args) -> None:
        super().__init__(field, *args)
        if getattr(field, "listed", None) is not None:
            self.queryset = field.listed

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # evaluated once, then from the queryset's result cache
            yield self.choice(obj)


class WholeNumberField(forms.IntegerField):
    """An integer as a query string writes it: ASCII digits, optionally after a minus sign.

    forms.IntegerField also takes "1.0", "1_000" and other scripts' digits, which no client means;
    NumberFilter takes "1.5" and "3.4e+38" (a Decimal, which overflows SQLite's integers: a 500).
    """

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not WHOLE_NUMBER.fullmatch(text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        digits = digits.lstrip("0") or "0"
        if len(digits) > MAX_DIGITS:
            # Beyond any bound a filter here has (ids: 19 digits), so the bounds refuse it with their
            # message; int() itself refuses thousands of digits (ValueError).
            digits = "9" * MAX_DIGITS
        return int(sign + digits)


class IdField(WholeNumberField):
    """An object's id in a query string: a whole number from 1 to MAX_ID, else one message saying so."""

    def __init__(self, *, min_value: int = 1, max_value: int = MAX_ID, **kwargs) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def refusal(self) -> forms.ValidationError:
        return forms.ValidationError(
            _("Enter an id: a whole number from %(min)s to %(max)s.")
            % {"min": self.min_value, "max": self.max_value},
            code="invalid_id",
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise self.refusal() from None

    def run_validators(self, value) -> None:
        try:
            super().run_validators(value)
        except forms.ValidationError:
            raise self.refusal() from None


class IdFilter(django_filters.NumberFilter):
    """The filter of an id parameter (`task`, `department`): an IdField, so "1.5", "1e3" and anything
    outside 1..MAX_ID are 400 naming the parameter, on every database alike."""

    field_class = IdField

    def get_max_validator(self) -> None:
        return None  # NumberFilter's 1e50 for Decimals; IdField has its own bounds

    @property
    def schema_bounds(self) -> tuple[int, int]:
        """(minimum, maximum) for the OpenAPI schema (api/schema.py)."""
        return self.extra.get("min_value", 1), self.extra.get("max_value", MAX_ID)


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A choice field that lists `listed` but accepts any object of `queryset`.

    Validating one submitted value against the exact queryset is one cheap lookup; listing the
    exact queryset would compute it whole on every view. A value chosen by id must be an id first
    (IdField's message for "1.5" or a 30-digit number, and no query for it).
    """

    iterator = ListedChoiceIterator
    listed: QuerySet | None = None

    def set_listed(self, listed: QuerySet | None) -> None:
        self.listed = listed
        self.widget.choices = self.choices

    def to_python(self, value):
        if isinstance(value, str) and value not in self.empty_values and self.to_field_name is None:
            value = IdField(required=False).clean(value)
        return super().to_python(value)


class ListedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ListedModelChoiceField

    @property
    def schema_bounds(self) -> tuple[int, int] | None:
        """As IdFilter's, when the value is an id (not, say, a region's code)."""
        return None if self.extra.get("to_field_name") else (1, MAX_ID)


class IntegerFilter(django_filters.Filter):
    # NumberFilter would accept "1.5" days.
    field_class = WholeNumberField

    @property
    def schema_bounds(self) -> tuple[int | None, int | None]:
        return self.extra.get("min_value"), self.extra.get("max_value")


class MonthInput(forms.DateInput):
    input_type = "month"


class MonthField(forms.DateField):
    """A month as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    input_formats = ["%Y-%m"]
    widget = MonthInput(format="%Y-%m")
    # Month arithmetic and time zone conversion of year 1 or 9999 overflow; no ledger is that old or new.
    years = (1900, 2999)

    def clean(self, value):
        month = super().clean(value)
        if month is not None and not self.years[0] <= month.year <= self.years[1]:
            raise forms.ValidationError(
                _("Enter a month between %(first)s and %(last)s.")
                % {"first": self.years[0], "last": self.years[1]},
                code="month_range",
            )
        return month


class MonthFilter(django_filters.Filter):
    field_class = MonthField


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

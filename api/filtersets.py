"""FilterSets of the lists that only the API has (the task list's is tasks.ledger.filtersets.TaskFilterSet).

Each narrows the queryset its view gives it, which is already limited to the user's scope. Id
parameters are IdFilters: a whole number from 1 to 2**63-1, else 400 naming the parameter.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from tasks.ledger.filtersets import IdFilter
from tasks.models import Assignment, Deadline, DocumentImport, PolicyDocument, Report, Target


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


class DocumentImportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DocumentImport.Status.choices, label=_("Status"))

    class Meta:
        model = DocumentImport
        fields: list[str] = []


class ReportFilterSet(django_filters.FilterSet):
    period = django_filters.CharFilter(label=_("Period (YYYY-MM)"), max_length=7)
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Report.Status.choices, label=_("Status"))
    department = IdFilter(field_name="department_id", label=_("Department"))

    class Meta:
        model = Report
        fields: list[str] = []

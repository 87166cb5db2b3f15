"""FilterSets of the reference data: regions and departments (used by the API's lists)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from regions.models import Department, DepartmentAlias, Region


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    level = django_filters.ChoiceFilter(choices=Region.Level.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent region (code)"))

    class Meta:
        model = Region
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value)) if value else queryset


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=100)
    region = django_filters.CharFilter(field_name="region__code", label=_("Region (code)"))
    kind = django_filters.ChoiceFilter(choices=Department.Kind.choices, label=_("Kind"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        """The name or any alias contains the text; EXISTS, so a department with two matching
        aliases is listed once."""
        value = value.strip()
        if not value:
            return queryset
        aliased = DepartmentAlias.objects.filter(department=OuterRef("pk"), alias__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Exists(aliased))

"""The API's list of instructions: by task, answering department and whether it has been answered."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tasks.filters import IdFilter
from tasks.instructions.services.queries import answered
from tasks.models import Instruction


class InstructionFilterSet(django_filters.FilterSet):
    task = IdFilter(field_name="task_id", label=_("Task"))
    department = IdFilter(field_name="department_id", label=_("Department"))
    answered = django_filters.BooleanFilter(method="filter_answered", label=_("Answered"))

    class Meta:
        model = Instruction
        fields: list[str] = []

    def filter_answered(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(answered()) if value else queryset.exclude(answered())

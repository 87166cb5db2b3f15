"""The API's list of reports: by period, kind, status and department (within the user's scope)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tasks.filters import IdFilter
from tasks.models import Report


class ReportFilterSet(django_filters.FilterSet):
    period = django_filters.CharFilter(label=_("Period (YYYY-MM)"), max_length=7)
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Report.Status.choices, label=_("Status"))
    department = IdFilter(field_name="department_id", label=_("Department"))

    class Meta:
        model = Report
        fields: list[str] = []

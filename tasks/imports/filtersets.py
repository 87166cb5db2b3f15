"""The API's list of the user's document imports."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tasks.models import DocumentImport


class DocumentImportFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DocumentImport.Status.choices, label=_("Status"))

    class Meta:
        model = DocumentImport
        fields: list[str] = []

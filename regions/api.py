"""Regions and departments: reference data, readable by every signed-in user, changed in the admin."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import viewsets

from regions.filtersets import DepartmentFilterSet, RegionFilterSet
from regions.models import Department, DepartmentAlias, Region
from regions.serializers import DepartmentSerializer, RegionSerializer


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative regions (GB/T 2260), by code."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilterSet

    def get_queryset(self) -> QuerySet[Region]:
        return Region.objects.order_by("code", "pk")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Departments with their region and the aliases documents use for them."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def get_queryset(self) -> QuerySet[Department]:
        return (
            Department.objects.select_related("region")
            # The alias's own ordering joins the region; here only the names matter.
            .prefetch_related(Prefetch("aliases", queryset=DepartmentAlias.objects.order_by("alias", "pk")))
            .order_by("region__code", "name", "pk")
        )

"""Who may call an endpoint at all; what they may do to an object is the services' decision.

Scope is the queryset (`visible_to(user)`): out of scope is 404 before any of these run on an object.
These classes only gate whole endpoints by role, with the same rules (and messages) as the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated

from tasks.access import can_import, may_see_dashboard


class CanImportDocuments(IsAuthenticated):
    """Office staff with a region, and superusers, as the import pages (tasks.access.can_import)."""

    message = _("Only reform office staff may import documents.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_import(request.user)


class CanSeeDashboard(IsAuthenticated):
    """Leaders, office staff and superusers, as the dashboard page; liaisons have their own tasks."""

    message = _("The dashboard is for leaders and reform office staff.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and may_see_dashboard(request.user)

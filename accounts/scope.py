"""A user's scope: what exists for them at all, by role. tasks/access.py builds every rule on it.

Office staff and leaders see their region and the regions below it, a liaison their department, a
superuser everything; an inactive or anonymous user, or one whose scope is missing, nothing. It reads
the user's fields only (no query), so the ledger's models can scope their querysets with it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NOTHING", "Scope", "is_active", "scope_of"]


@dataclass(frozen=True)
class Scope:
    """What a user sees: everything, a region's subtree, one department, or nothing."""

    everything: bool = False
    region_id: int | None = None
    department_id: int | None = None

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.region_id or self.department_id)


NOTHING = Scope()


def is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def scope_of(user) -> Scope:
    """The one rule of scope, which `Task.objects.visible_to` and every other scoped queryset follow."""
    if not is_active(user):
        return NOTHING
    if user.is_superuser:
        return Scope(everything=True)
    if (user.is_office or user.is_leader) and user.region_id:
        return Scope(region_id=user.region_id)
    if user.is_liaison and user.department_id:
        return Scope(department_id=user.department_id)
    return NOTHING

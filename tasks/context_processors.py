"""Template context every page shares: what the navigation offers the user (tasks.access)."""

from __future__ import annotations

from django.http import HttpRequest

from tasks.access import Navigation, navigation


def access(request: HttpRequest) -> dict[str, Navigation]:
    return {"nav": navigation(getattr(request, "user", None))}

"""What a client locked out by django-axes (too many wrong passwords) is shown instead of a login.

The login page again, with the reason and how long to wait, so that a person knows what happened; a
JSON error for the API. 429: the client sent too many requests, nothing is wrong with the server.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

LOCKED_STATUS = 429


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return ngettext(
        "Too many failed login attempts. Log in again in %(minutes)d minute, or ask the office to "
        "check your account.",
        "Too many failed login attempts. Log in again in %(minutes)d minutes, or ask the office to "
        "check your account.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    """AXES_LOCKOUT_CALLABLE: axes calls it in place of the view's response once a lockout applies."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=LOCKED_STATUS)
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
    page = TemplateResponse(request, "registration/login.html", context, status=LOCKED_STATUS)
    return page.render()


def _flag_the_django_request(sender, credentials=None, request=None, **kwargs) -> None:
    """Axes marks the request it is given, and DRF's token view passes its own Request wrapper: the
    mark is copied to the Django request inside so that AxesMiddleware answers the API lockout too."""
    inner = getattr(request, "_request", None)
    if inner is not None and request.__dict__.get("axes_locked_out"):
        inner.axes_locked_out = True
        inner.axes_credentials = request.__dict__.get("axes_credentials")


def connect() -> None:
    # Importing axes.signals connects axes' own receivers first, so this one runs after them.
    import axes.signals  # noqa: F401

    user_login_failed.connect(_flag_the_django_request, dispatch_uid="accounts.lockout.flag")


__all__ = ["LOCKED_STATUS", "connect", "locked_out", "lockout_message"]

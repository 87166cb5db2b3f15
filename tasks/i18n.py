"""Translation for the pure modules (tasks/workbooks, tasks/numbers.py) without importing Django.

They call `_` and `ngettext` from here. tasks/apps.py installs Django's functions when the app is ready,
so the texts come out in the request's (or the job's) language; outside Django (a script, the pure
code on its own) the English message ids stand. `makemessages` finds the messages as usual: `_` and
`ngettext` are xgettext's own keywords.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["_", "install", "ngettext"]

_gettext: Callable[[str], str] | None = None
_ngettext: Callable[[str, str, int], str] | None = None


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str]) -> None:
    global _gettext, _ngettext
    _gettext, _ngettext = gettext, ngettext


def _(message: str) -> str:
    return _gettext(message) if _gettext else message


def ngettext(singular: str, plural: str, number: int) -> str:
    if _ngettext:
        return _ngettext(singular, plural, number)
    return singular if number == 1 else plural

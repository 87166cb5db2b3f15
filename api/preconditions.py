"""Optimistic locking over HTTP: a task's ETag is its version; writes must send it back in If-Match."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from api.exceptions import PreconditionRequired
from tasks.numbers import parse_digits

IF_MATCH = "If-Match"


def expected_version(request: Request) -> int:
    """The version named by If-Match: 428 without one, 400 when it is not a single task version.

    `*` ("any version") is refused like a missing header: it would defeat the lock.
    """
    header = (request.headers.get(IF_MATCH) or "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    tag = header.removeprefix("W/").strip()
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    version = parse_digits(tag)  # not "²" or 5000 digits, which int() refuses
    if version is None or not 0 < version < 2**31:
        raise ValidationError(
            {IF_MATCH: [_('If-Match must be the task\'s ETag, such as "3" (its version).')]}
        )
    return version

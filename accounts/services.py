"""Creating portal accounts with a role and a scope."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from regions.models import Department, Region


class AccountError(ValueError):
    """A clear, user-facing reason why an account cannot be created."""


def find_region(code: str) -> Region:
    try:
        return Region.objects.get(code=code)
    except Region.DoesNotExist:
        raise AccountError(_("No region has the code %(code)s.") % {"code": code}) from None


def find_department(name: str, region: Region | None = None) -> Department:
    """A department by canonical name or alias, within a region when one is given."""
    matches = Department.objects.filter(Q(name=name) | Q(aliases__alias=name)).distinct()
    if region is not None:
        matches = matches.filter(region=region)
    found = list(matches.select_related("region")[:10])
    if not found:
        raise AccountError(_("No department is called %(name)s.") % {"name": name})
    if len(found) > 1:
        places = "、".join(f"{d.name}（{d.region.code}）" for d in found)
        raise AccountError(
            _("%(name)s is ambiguous: %(places)s. Give --region to choose.")
            % {"name": name, "places": places}
        )
    return found[0]


@transaction.atomic
def create_account(
    username: str,
    *,
    role: str,
    password: str,
    region: Region | None = None,
    department: Department | None = None,
    full_name: str = "",
    email: str = "",
) -> User:
    """Create a user with a role; office staff and leaders need a region, liaisons a department."""
    if role not in Role.values:
        raise AccountError(_("Unknown role %(role)s.") % {"role": role})
    if User.objects.filter(username=username).exists():
        raise AccountError(_("The username %(username)s is taken.") % {"username": username})
    if role == Role.LIAISON:
        if department is None:
            raise AccountError(_("A liaison needs a department (--department)."))
        region = department.region
    elif region is None:
        raise AccountError(_("Office staff and leaders need a region (--region)."))
    user = User(
        username=username,
        role=role,
        region=region,
        department=department if role == Role.LIAISON else None,
        first_name=full_name,
        email=email,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError(" ".join(error.messages)) from None
    user.set_password(password)
    user.save()
    return user

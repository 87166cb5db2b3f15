"""Department heads' contacts (负责人), the escalation ladder's second step: office staff keep those of
the departments of their region and below, as they configure the departments' robots."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from regions.models import Department
from tasks.access import require_robot_manager
from tasks.notices.services.robots import robot_departments

__all__ = ["contact_departments", "update_head"]

MOBILE = re.compile(r"^1\d{10}$")  # a mainland mobile number, as offices write it


def contact_departments(user: User) -> QuerySet[Department]:
    return (
        robot_departments(user)
        .filter(is_active=True)
        .select_related("region")
        .order_by("region__code", "name")
    )


def update_head(user: User, department: Department, *, name: str, mobile: str, email: str) -> Department:
    """Set a department head's contact; every field checked before anything is written."""
    require_robot_manager(user)
    if not contact_departments(user).filter(pk=department.pk).exists():
        raise Department.DoesNotExist(_("No such department."))
    name, mobile, email = (str(v or "").strip() for v in (name, mobile, email))
    mobile = mobile.replace(" ", "").replace("-", "")
    errors: dict[str, list[str]] = {}
    if len(name) > 50:
        errors["head_name"] = [_("The name is longer than 50 characters.")]
    if mobile and not MOBILE.match(mobile):
        errors["head_mobile"] = [_("Give an 11-digit mobile number starting with 1.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["head_email"] = [_("Give a valid email address.")]
    if errors:
        raise ValidationError(errors)
    department.head_name, department.head_mobile, department.head_email = name, mobile, email
    department.save(update_fields=["head_name", "head_mobile", "head_email"])
    return department

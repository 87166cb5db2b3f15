"""Portal users and their roles: office staff, department liaisons and leaders."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Reform office staff")
    LIAISON = "liaison", _("Department liaison")
    LEADER = "leader", _("Leader")


class User(AbstractUser):
    """A portal user; the role decides what they may see and change."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    # Office staff and leaders see their region and the regions below it.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # A liaison reports for exactly one department.
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="liaisons",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                name="user_role_scope",
                condition=Q(role="")
                | Q(role="liaison", department__isnull=False)
                | Q(role__in=["office", "leader"], region__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_office(self) -> bool:
        return self.role == Role.OFFICE

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

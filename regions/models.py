"""Administrative regions (GB/T 2260) and the departments of each region's government."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: Region | int) -> RegionQuerySet:
        """The region and every region below it (regions are at most three levels deep).

        Takes an id too, so callers holding `user.region_id` don't load the region first.
        """
        pk = region if isinstance(region, int) else region.pk
        return self.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_natural_key(self, code: str) -> Region:
        return self.get(code=code)


class Region(models.Model):
    """A province-, prefecture- or county-level division, identified by its GB/T 2260 code."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_only_provinces_are_roots",
                condition=Q(level="province", parent__isnull=True)
                | (~Q(level="province") & Q(parent__isnull=False)),
            ),
        ]
        indexes = [
            # Resolving "郑州市" in a document header to its region.
            models.Index(fields=["name"], name="region_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def full_name(self) -> str:
        names = [self.name]
        node = self.parent
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


class DepartmentQuerySet(models.QuerySet):
    def subordinate_governments_of(self, region: Region) -> DepartmentQuerySet:
        """The governments one level down, e.g. each 县（区）人民政府 of a city."""
        return self.filter(region=region, kind=Department.Kind.SUBORDINATE_GOVERNMENT)


class DepartmentManager(models.Manager.from_queryset(DepartmentQuerySet)):
    def get_by_natural_key(self, region_code: str, name: str) -> Department:
        return self.get(region__code=region_code, name=name)


class Department(models.Model):
    """A body that tasks are assigned to: a department, a subordinate government or another body."""

    class Kind(models.TextChoices):
        GOVERNMENT_DEPARTMENT = "department", _("Government department")
        SUBORDINATE_GOVERNMENT = "subordinate_government", _("Subordinate government")
        OTHER = "other", _("Other body")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("canonical name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=32, choices=Kind.choices, default=Kind.GOVERNMENT_DEPARTMENT
    )
    # For a subordinate government: the region it governs (雁江区人民政府 governs 雁江区).
    governed_region = models.ForeignKey(
        Region,
        verbose_name=_("governed region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The department head (负责人): the second step of the escalation ladder, reached by email.
    head_name = models.CharField(_("head"), max_length=50, blank=True)
    head_mobile = models.CharField(_("head's mobile"), max_length=20, blank=True)
    head_email = models.EmailField(_("head's email"), blank=True)

    objects = DepartmentManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_per_region"),
            models.CheckConstraint(
                name="department_government_has_governed_region",
                condition=~Q(kind="subordinate_government") | Q(governed_region__isnull=False),
            ),
        ]
        indexes = [
            # Collective assignees: the subordinate governments of a region.
            models.Index(fields=["region", "kind"], name="department_region_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.region.code, self.name)

    natural_key.dependencies = ["regions.region"]


class DepartmentAliasManager(models.Manager):
    def get_by_natural_key(self, region_code: str, alias: str) -> DepartmentAlias:
        return self.get(region__code=region_code, alias=alias)


class DepartmentAlias(models.Model):
    """A name documents use for a department ("市医保局", "医保局"); unique within a region."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="aliases"
    )
    # Copied from the department so that uniqueness per region is a database constraint.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="department_aliases"
    )
    alias = models.CharField(_("alias"), max_length=100)

    objects = DepartmentAliasManager()

    class Meta:
        verbose_name = _("department alias")
        verbose_name_plural = _("department aliases")
        ordering = ["region__code", "alias"]
        constraints = [
            # Also serves the importer's lookup of a name within a region.
            models.UniqueConstraint(fields=["region", "alias"], name="department_alias_unique_per_region"),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs) -> None:
        self.region_id = self.department.region_id
        super().save(*args, **kwargs)

    def natural_key(self) -> tuple[str, str]:
        return (self.region.code, self.alias)

    natural_key.dependencies = ["regions.region", "regions.department"]

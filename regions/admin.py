from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from regions.models import Department, DepartmentAlias, Region


class DepartmentAliasForm(forms.ModelForm):
    """Checks the alias is free in the department's region (region is not on the form, so Django can't)."""

    class Meta:
        model = DepartmentAlias
        fields = ["department", "alias"]

    def clean(self):
        cleaned = super().clean()
        department = cleaned.get("department") or getattr(self.instance, "department", None)
        alias = cleaned.get("alias")
        if department is None or not alias or department.region_id is None:
            return cleaned
        taken = DepartmentAlias.objects.filter(region_id=department.region_id, alias=alias)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        owner = taken.select_related("department").first()
        if owner is not None:
            self.add_error(
                "alias",
                _("%(alias)s is already an alias of %(department)s in this region.")
                % {"alias": alias, "department": owner.department},
            )
        return cleaned


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    form = DepartmentAliasForm
    fields = ["alias"]
    extra = 1


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "head_name", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["region"]
    search_fields = ["name", "aliases__alias", "region__name"]
    autocomplete_fields = ["region", "governed_region"]
    inlines = [DepartmentAliasInline]

    def save_formset(self, request, form, formset, change):
        # Aliases carry their department's region, so uniqueness per region holds.
        for alias in formset.save(commit=False):
            alias.region_id = form.instance.region_id
            alias.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(admin.ModelAdmin):
    form = DepartmentAliasForm
    list_display = ["alias", "department", "region"]
    list_select_related = ["department", "region"]
    search_fields = ["alias", "department__name"]
    autocomplete_fields = ["department"]
    exclude = ["region"]

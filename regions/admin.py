from django.contrib import admin

from regions.models import Department, DepartmentAlias, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    fields = ["alias"]
    extra = 1


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "kind", "is_active"]
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
    list_display = ["alias", "department", "region"]
    list_select_related = ["department", "region"]
    search_fields = ["alias", "department__name"]
    autocomplete_fields = ["department"]
    exclude = ["region"]

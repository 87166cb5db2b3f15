from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "region", "department", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["region", "department"]
    autocomplete_fields = ["region", "department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ["role", "region", "department", "phone"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Role and scope"), {"fields": ["role", "region", "department"]}),
    ]

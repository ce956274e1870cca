from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Roller i Retning"), {"fields": ("is_secretariat", "is_data_steward", "reporter_for")}),
        (_("Pålogging"), {"fields": ("oidc_subject",)}),
    )
    filter_horizontal = ("reporter_for", "groups", "user_permissions")
    list_display = ["username", "email", "is_secretariat", "is_data_steward", "is_active"]
    list_filter = ["is_secretariat", "is_data_steward", "is_active"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

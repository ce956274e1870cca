from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, UserGroup


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "org_number", "parent"]
    list_filter = ["kind", "former"]
    search_fields = ["name", "short_name", "org_number", "key"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(UserGroup)
class UserGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "confirmed"]
    prepopulated_fields = {"slug": ["name"]}

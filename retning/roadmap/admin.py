from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Delivery, Initiative, RoadmapVersion


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "external_id", "subgoal", "phase_first", "planning_status"]
    list_filter = ["subgoal__goal", "planning_status", "phase_first", "level"]
    search_fields = ["title", "external_id", "description"]
    autocomplete_fields = ["owners"]
    inlines = [DeliveryInline]


@admin.register(RoadmapVersion)
class RoadmapVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "imported_at", "row_count", "created_count", "updated_count"]
    readonly_fields = [f.name for f in RoadmapVersion._meta.fields]

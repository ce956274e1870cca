from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, Observation, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "goal", "unit", "responsible"]
    list_filter = ["goal", "direction"]
    search_fields = ["code", "name"]
    inlines = [TargetInline]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = [
        "indicator",
        "period",
        "value",
        "status",
        "breakdown_dimension",
        "breakdown_value",
    ]
    list_filter = ["indicator", "status"]

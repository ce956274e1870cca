from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActorPlan,
    AnnualReport,
    IndicatorInitiativeLink,
    PlanItem,
    PlanItemGoalLink,
    RelatedDocument,
    ThemeLogEntry,
    WatchItem,
    WatchReminder,
)


@admin.register(RelatedDocument)
class RelatedDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "relation", "period_start", "period_end"]
    list_filter = ["kind", "relation"]


class PlanItemGoalLinkInline(admin.TabularInline):
    model = PlanItemGoalLink
    extra = 0


@admin.register(ActorPlan)
class ActorPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "period_start", "period_end", "status"]
    list_filter = ["status"]


@admin.register(PlanItem)
class PlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "kind"]
    inlines = [PlanItemGoalLinkInline]


@admin.register(IndicatorInitiativeLink)
class IndicatorInitiativeLinkAdmin(admin.ModelAdmin):
    list_display = ["indicator", "initiative", "created_at"]


@admin.register(WatchItem)
class WatchItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "review_date", "owner", "status"]
    list_filter = ["status"]


@admin.register(WatchReminder)
class WatchReminderAdmin(admin.ModelAdmin):
    list_display = ["watch_item", "review_date", "recipient", "sent_at"]


@admin.register(ThemeLogEntry)
class ThemeLogEntryAdmin(admin.ModelAdmin):
    list_display = ["theme", "date", "author"]


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    list_display = ["year", "generated_at", "generated_by", "case"]
    readonly_fields = ["year", "generated_at", "generated_by", "html", "pdf", "sha256"]

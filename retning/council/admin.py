from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Body,
    Case,
    Decision,
    EvidenceSnapshot,
    Meeting,
    Membership,
    PlanChange,
    PlanVersion,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "level", "order"]
    search_fields = ["name", "short_name"]
    inlines = [MembershipInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    readonly_fields = ["kind", "title", "order"]
    can_delete = False


# Status, numbers and snapshots only change through the services (retning/council/services.py),
# which check the workflow; the admin shows them but does not let anyone type them in.
@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "body", "date", "status"]
    list_filter = ["body", "status", "year"]
    readonly_fields = ["year", "number", "status", "convened_at", "minutes_approved_at"]
    inlines = [AgendaItemInline]

    def has_add_permission(self, request: object) -> bool:
        return False  # meeting_create numbers the meeting and adds the standard items


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["title", "label", "body", "case_type", "status", "meeting"]
    list_filter = ["body", "status", "case_type", "is_exempt"]
    search_fields = ["title", "background"]
    readonly_fields = ["status", "meeting", "year", "number"]
    autocomplete_fields = ["proposing_organisation", "indicators", "initiatives"]


@admin.register(EvidenceSnapshot)
class EvidenceSnapshotAdmin(admin.ModelAdmin):
    list_display = ["case", "meeting", "taken_at"]
    readonly_fields = ["case", "meeting", "taken_at", "data"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


class PlanChangeInline(admin.TabularInline):
    model = PlanChange
    extra = 0
    readonly_fields = ["applied_in"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "recorded_at"]
    list_filter = ["meeting__body"]
    inlines = [PlanChangeInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "created_at", "meeting"]
    readonly_fields = ["label", "kind", "created_at", "meeting", "roadmap_version", "decisions"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ReminderDispatch, ReportEvent, ReportingRound, StatusReport


@admin.register(ReportingRound)
class ReportingRoundAdmin(SimpleHistoryAdmin):
    list_display = ("label", "opens_on", "deadline", "grace_days", "locked_at")
    readonly_fields = ("version", "opened_by", "created_at")


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ("action", "actor", "at", "comment")
    can_delete = False


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    list_display = ("initiative", "round", "organisation", "state", "overall")
    list_filter = ("round", "state", "overall")
    search_fields = ("initiative__title", "initiative__external_id")
    raw_id_fields = ("initiative", "organisation", "prefilled_from")
    readonly_fields = ("version", "updated_by", "updated_at", "submitted_at")
    inlines = [ReportEventInline]


@admin.register(ReminderDispatch)
class ReminderDispatchAdmin(admin.ModelAdmin):
    list_display = ("round", "organisation", "recipient", "kind", "created_at", "sent_at")
    list_filter = ("round", "kind")
    readonly_fields = ("created_at",)

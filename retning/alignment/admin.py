from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RelatedDocument


@admin.register(RelatedDocument)
class RelatedDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "relation", "period_start", "period_end"]
    list_filter = ["kind", "relation"]

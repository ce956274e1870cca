from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BenefitObjective, Goal, Grouping, Source, Strategy, SubGoal, Theme


class BenefitObjectiveInline(admin.TabularInline):
    model = BenefitObjective
    extra = 0


class GroupingInline(admin.TabularInline):
    model = Grouping
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ["short_title", "period_start", "period_end"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "kind"]


@admin.register(SubGoal)
class SubGoalAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "goal"]
    list_filter = ["goal"]
    search_fields = ["code", "title"]
    inlines = [BenefitObjectiveInline, GroupingInline]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "url"]

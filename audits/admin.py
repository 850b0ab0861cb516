"""Settings tables only: the system administrator edits the local numbers but reads no case data (三员分立)."""

from django.contrib import admin

from audits.models import AuditRules, CategoryPolicy
from core.admin import JurisdictionSettingsAdmin


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(admin.ModelAdmin):
    list_display = ["category", "cycle_years", "default_mode", "description"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRules)
class AuditRulesAdmin(JurisdictionSettingsAdmin):
    list_display = ["__str__", "rectification_days", "escalation_overdue_days", "comment_days",
                    "departure_lookback_years", "retirement_age", "same_post_limit_years"]

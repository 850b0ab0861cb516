"""Settings tables only: the system administrator edits the local numbers and the accountability situations but
reads no case data (三员分立)."""

from django.contrib import admin

from core.admin import JurisdictionSettingsAdmin
from matters.models import AccountabilitySituation, MattersRules


@admin.register(MattersRules)
class MattersRulesAdmin(JurisdictionSettingsAdmin):
    list_display = ["__str__", "handover_days", "expiry_notice_months", "return_days", "opinion_reply_working_days",
                    "event_report_lead_days", "inspection_rectification_days", "escalation_overdue_days"]


@admin.register(AccountabilitySituation)
class AccountabilitySituationAdmin(admin.ModelAdmin):
    list_display = ["label", "default_measure", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def has_delete_permission(self, request, obj=None):
        return False  # retired situations are switched off, so past decisions keep their meaning

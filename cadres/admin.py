from django.contrib import admin

from cadres.models import AvoidanceRules, CadreSettings, ImpactPeriod
from core.admin import JurisdictionSettingsAdmin, SingleRowSettingsAdmin


@admin.register(ImpactPeriod)
class ImpactPeriodAdmin(admin.ModelAdmin):
    """影响期: measure kind → months; the kinds are fixed, only the months and the note change."""

    list_display = ["kind", "months", "no_post", "higher_post_months", "note"]
    list_editable = ["months", "no_post", "higher_post_months", "note"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CadreSettings)
class CadreSettingsAdmin(JurisdictionSettingsAdmin):
    """Local thresholds (本地规定): one row."""

    fieldsets = (
        ("预警阈值", {"fields": ("unfit_vote_threshold", "report_count_threshold", "report_window_months",
                              "discrepancy_window_months", "same_post_years")}),
        ("改任非领导职务年龄", {"fields": ("non_leading_age_male", "non_leading_age_female")}),
        ("函询与个人有关事项", {"fields": ("inquiry_reply_working_days", "sample_percent", "report_due_month",
                                   "report_due_day", "change_report_days")}),
        ("年度考核", {"fields": ("excellent_share_limit",)}),
    )


@admin.register(AvoidanceRules)
class AvoidanceRulesAdmin(SingleRowSettingsAdmin):
    """任职回避: the relations, the supervising posts and the posts under 地域回避 (the regulation's by default)."""

    fields = ("relations", "supervising_keywords", "regional_posts")

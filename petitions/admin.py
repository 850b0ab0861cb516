"""Only the settings tables are in the admin: case data is read through the app (三员分立: administrators never
read cases), so petitions and identities are not registered here."""

from django.contrib import admin

from core.admin import JurisdictionAdminMixin
from petitions.models import TimeLimit
from petitions.reviews import recompute_answer_deadlines
from petitions.services import recompute_deadlines


@admin.register(TimeLimit)
class TimeLimitAdmin(JurisdictionAdminMixin, admin.ModelAdmin):
    """The city's limits (the default) and the rows a county sets for itself, stage by stage."""

    list_display = ["case_type", "stage", "applies_to", "days", "day_kind", "counted_from", "basis"]
    list_filter = ["case_type", "jurisdiction"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute(obj.jurisdiction)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute(obj.jurisdiction)


def _recompute(jurisdiction):
    """Stored deadlines of open cases and of 复查/复核 requests awaiting an answer follow the edited limit, in the
    admin's transaction (as a holiday-schedule change does): a county's row moves that county's cases only, the
    default everyone's (a county's own rows keep theirs)."""
    recompute_deadlines(within=jurisdiction)
    recompute_answer_deadlines(within=jurisdiction)

"""Only the settings tables are in the admin: case data is read through the app (三员分立: administrators never
read cases), so petitions and identities are not registered here."""

from django.contrib import admin

from petitions.models import TimeLimit
from petitions.reviews import recompute_answer_deadlines
from petitions.services import recompute_deadlines


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ["case_type", "stage", "days", "day_kind", "counted_from", "basis"]
    list_filter = ["case_type"]
    list_editable = ["days"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Stored deadlines of open cases and of 复查/复核 requests awaiting an answer follow the edited limit, in the
        # admin's transaction (as a holiday-schedule change does): the limit and the deadlines change together.
        recompute_deadlines()
        recompute_answer_deadlines()

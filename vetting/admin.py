from django.contrib import admin

from core.admin import JurisdictionSettingsAdmin
from vetting.models import VettingSettings


@admin.register(VettingSettings)
class VettingSettingsAdmin(JurisdictionSettingsAdmin):
    """The local numbers of vetting. Case data is not in the admin: the administrators never read it."""

    list_display = ["__str__", "recommendation_threshold", "opinion_reply_working_days", "exam_pass_mark",
                    "publicity_working_days", "probation_months"]

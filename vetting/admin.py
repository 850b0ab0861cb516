from django.contrib import admin

from vetting.models import VettingSettings


@admin.register(VettingSettings)
class VettingSettingsAdmin(admin.ModelAdmin):
    """The local numbers of vetting. Case data is not in the admin: the administrators never read it."""

    list_display = ["__str__", "recommendation_threshold", "opinion_reply_working_days", "exam_pass_mark",
                    "publicity_working_days", "probation_months"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not VettingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

"""Only the settings tables are in the admin: case data is read through the app (三员分立: administrators never
read cases), so petitions and identities are not registered here."""

from django.contrib import admin
from django.db import transaction

from core.admin import JurisdictionAdminMixin
from petitions.models import Petition, ReviewRequest, TimeLimit
from petitions.reviews import recompute_review_deadlines
from petitions.services import recompute_deadlines


@admin.register(TimeLimit)
class TimeLimitAdmin(JurisdictionAdminMixin, admin.ModelAdmin):
    """The city's limits (the default) and the rows a county sets for itself, stage by stage."""

    list_display = ["case_type", "stage", "applies_to", "days", "day_kind", "counted_from", "basis"]
    list_filter = ["case_type", "jurisdiction"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute_after_commit(obj.jurisdiction)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute_after_commit(obj.jurisdiction)


def _recompute_after_commit(jurisdiction):
    """Stored deadlines of open cases and of 复查/复核 requests awaiting an answer follow the edited limit: a
    county's row moves that county's cases only, the default everyone's (a county's own rows keep theirs)."""
    cases, reviews = Petition.objects.all(), ReviewRequest.objects.all()
    if jurisdiction is not None:
        cases = cases.filter(unit__path__startswith=jurisdiction.path)
        reviews = reviews.filter(petition__unit__path__startswith=jurisdiction.path)
    transaction.on_commit(lambda: recompute_deadlines(cases))
    transaction.on_commit(lambda: recompute_review_deadlines(reviews))

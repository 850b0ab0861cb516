"""The peer in the benchmark: the Django admin that a small office would otherwise configure for the same models.

It exists only in the benchmark process (its own AdminSite under /bench-admin/, mounted by scripts.bench.urls);
the project's admin deliberately shows no case data (三员分立). Configured the way a competent admin user would:
same columns and page size as our pages, related rows selected or prefetched, raw-id widgets for big foreign keys.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils import timezone

from cadres.models import Cadre, PositionHistory
from liaison.models import Report
from petitions.models import Petition, PetitionSubject
from vetting.models import OpinionRequest, StepEvent, VettingCase

site = admin.AdminSite(name="benchadmin")


class UnitSubtreeFilter(admin.SimpleListFilter):
    """单位（含下级）: the same filter as our lists (unit path prefix)."""

    title = "单位（含下级）"
    parameter_name = "unit_path"

    def lookups(self, request, model_admin):
        return []  # the choices would be thousands of units; the filter is given in the query string

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.field}__path__startswith": self.value()})
        return queryset

    def has_output(self):
        return True

    field = "unit"


class CadreAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "birth_date", "id_number", "unit", "post_title", "rank", "post_since", "status"]
    list_filter = ["status", "rank", "management_level", "is_principal", UnitSubtreeFilter]
    search_fields = ["name"]
    list_select_related = ["unit"]
    list_per_page = 30
    raw_id_fields = ["unit", "user"]

    class Positions(admin.TabularInline):
        model = PositionHistory
        raw_id_fields = ["unit"]
        extra = 0

    inlines = [Positions]


class PetitionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "received_on",
        "channel",
        "is_named",
        "subject_names",
        "unit",
        "categories",
        "summary",
        "status",
        "handler_names",
        "next_due",
        "days_left",
    ]
    list_filter = ["status", "channel", "case_type"]
    search_fields = ["code", "summary"]
    list_select_related = ["unit"]
    list_per_page = 30
    ordering = ["-received_on", "-code"]
    raw_id_fields = ["unit", "created_by", "concluded_by", "extension_approved_by", "duplicate_of"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("subjects", queryset=PetitionSubject.objects.select_related("cadre")), "handlers"
            )
        )

    @admin.display(description="被反映人")
    def subject_names(self, petition):
        return "、".join(subject.display_name for subject in petition.subjects.all())

    @admin.display(description="承办人")
    def handler_names(self, petition):
        return "、".join(str(user) for user in petition.handlers.all())

    @admin.display(description="剩余天数")
    def days_left(self, petition):
        return None if petition.next_due is None else (petition.next_due - timezone.localdate()).days


class VettingCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "cadre", "proposed_unit", "proposed_title", "status", "opened_on", "handler"]
    list_filter = ["status"]
    list_select_related = ["cadre", "proposed_unit", "handler"]
    list_per_page = 30
    raw_id_fields = ["cadre", "proposed_unit", "batch", "handler", "created_by"]

    class Events(admin.TabularInline):
        model = StepEvent
        raw_id_fields = ["actor"]
        extra = 0

    class Opinions(admin.TabularInline):
        model = OpinionRequest
        raw_id_fields = ["recorded_by", "replied_recorded_by"]
        extra = 0

    inlines = [Opinions, Events]


class ReportAdmin(admin.ModelAdmin):
    """The compliance matrix's data: every monthly report of a year, one line each (20 units × 12 months)."""

    list_display = ["member_unit", "period", "kind", "status", "due_date", "first_submitted_at", "is_nil"]
    list_filter = ["status", "kind"]
    list_select_related = ["member_unit__unit"]
    list_per_page = 240
    raw_id_fields = ["member_unit", "submitted_by", "signed_by", "returned_by", "created_by"]


site.register(Cadre, CadreAdmin)
site.register(Petition, PetitionAdmin)
site.register(VettingCase, VettingCaseAdmin)
site.register(Report, ReportAdmin)

from django.urls import path, register_converter

from core import export_views, numbering
from petitions import views


class PetitionCodeConverter:
    """Readable case numbers in URLs: XF-2026-00042, a county's XF-BS-2026-00001 (core.numbering)."""

    regex = rf"XF-(?:{numbering.SEGMENT}-)?\d{{4}}-\d{{5}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PetitionCodeConverter, "petition_code")

app_name = "petitions"
KIND = {"kind": "petitions"}

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    # the list's export (core.exports); these addresses predate the generic ones under /exports/petitions/
    path("export/", export_views.request_list, KIND, name="export"),
    path("exports/<uuid:code>/", export_views.detail, KIND, name="export_detail"),
    path("exports/<uuid:code>/status/", export_views.status, KIND, name="export_status"),
    path("exports/<uuid:code>/download/", export_views.download, KIND, name="export_download"),
    path("lookup/", views.lookup, name="lookup"),
    path("statistics/", views.statistics, name="statistics"),
    path("<petition_code:code>/", views.detail, name="detail"),
    path("<petition_code:code>/identity/", views.reveal, name="reveal"),
    path("<petition_code:code>/identity/edit/", views.update_identity, name="update_identity"),
    path("<petition_code:code>/attachments/<uuid:attachment_code>/", views.attachment, name="attachment"),
    path("<petition_code:code>/<slug:action>/", views.act, name="act"),
]

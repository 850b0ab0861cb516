from django.urls import path, register_converter

from core import numbering
from vetting import views

app_name = "vetting"


class CaseNumberConverter:
    """Readable case numbers in URLs: RQ-2026-0012, a county's RQ-BS-2026-0001 (core.numbering)."""

    regex = rf"RQ-(?:{numbering.SEGMENT}-)?\d{{4}}-\d{{4,6}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CaseNumberConverter, "case")

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.case_create, name="case_create"),
    path("batches/", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<uuid:code>/", views.batch_detail, name="batch"),
    path("<case:number>/", views.case_detail, name="case"),
    path("<case:number>/do/<slug:action>/", views.case_action, name="action"),
    path("<case:number>/pledge/", views.pledge, name="pledge"),
    path("<case:number>/sheet/", views.sheet, name="sheet"),
    path("<case:number>/sheet.xlsx", views.sheet_xlsx, name="sheet_xlsx"),
]

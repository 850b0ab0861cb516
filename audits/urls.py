from django.urls import path

from audits import views
from core import export_views

app_name = "audits"

finding = "<uuid:code>/findings/<uuid:finding_code>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.audit_list, name="list"),
    export_views.old_address("list/export/", "audits", "export"),
    path("new/", views.audit_create, name="create"),
    path("findings/", views.finding_list, name="finding_list"),
    export_views.old_address("findings/export/", "audit-findings", "finding_export"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/export/", views.plan_export, name="plan_export"),
    path("plans/<uuid:code>/refresh/", views.plan_refresh, name="plan_refresh"),
    path("plans/<uuid:code>/entries/add/", views.entry_add, name="entry_add"),
    path("plans/<uuid:code>/entries/<uuid:entry_code>/decide/", views.entry_decide, name="entry_decide"),
    path("plans/<uuid:code>/status/<slug:action>/", views.plan_status, name="plan_status"),
    path("classification/", views.classification_list, name="classification_list"),
    path("classification/<str:unit_code>/", views.classification_edit, name="classification_edit"),
    path("summary/", views.summary, name="summary"),
    path("<uuid:code>/", views.audit_detail, name="detail"),
    path("<uuid:code>/edit/", views.audit_edit, name="edit"),
    path("<uuid:code>/step/<slug:action>/", views.audit_transition, name="transition"),
    path("<uuid:code>/findings/new/", views.finding_create, name="finding_create"),
    path("<uuid:code>/results/new/", views.result_create, name="result_create"),
    path("<uuid:code>/results/<uuid:result_code>/void/", views.result_void, name="result_void"),
    *views.finding_views.urlpatterns(finding, "finding"),
]

from django.urls import path

from liaison import views

app_name = "liaison"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/new/", views.report_new, name="report_new"),
    path("urgent/new/", views.urgent_new, name="urgent_new"),
    path("reports/<uuid:code>/", views.report_detail, name="report_detail"),
    path("reports/<uuid:code>/edit/", views.report_edit, name="report_edit"),
    path("reports/<uuid:code>/export/", views.report_export, name="report_export"),
    path("reports/<uuid:code>/nil/", views.report_nil, name="report_nil"),
    path("reports/<uuid:code>/submit/", views.report_action, {"action": "submit"}, name="report_submit"),
    path("reports/<uuid:code>/reopen/", views.report_action, {"action": "reopen"}, name="report_reopen"),
    path("reports/<uuid:code>/sign/", views.report_action, {"action": "sign"}, name="report_sign"),
    path("reports/<uuid:code>/return/", views.report_action, {"action": "return"}, name="report_return"),
    path("reports/<uuid:code>/items/new/", views.item_new, name="item_new"),
    path("reports/<uuid:code>/items/<uuid:item_code>/edit/", views.item_edit, name="item_edit"),
    path("reports/<uuid:code>/items/<uuid:item_code>/void/", views.item_void, name="item_void"),
    path("reports/<uuid:code>/items/<uuid:item_code>/handle/", views.item_handle, name="item_handle"),
    path("reports/<uuid:code>/items/<uuid:item_code>/attachments/", views.attachments, name="attachments"),
    path("reports/<uuid:code>/items/<uuid:item_code>/attachments/<uuid:attachment_code>/",
         views.attachment_download, name="attachment_download"),
    path("compliance/", views.compliance, name="compliance"),
    path("member-units/", views.member_units, name="member_units"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:code>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:code>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:code>/decisions/new/", views.decision_new, name="decision_new"),
    path("meetings/<uuid:code>/decisions/<uuid:decision_code>/done/", views.decision_done, name="decision_done"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/<uuid:decision_code>/", views.decision_detail, name="decision_detail"),
    path("decisions/<uuid:decision_code>/report/", views.decision_report, name="decision_report"),
]

from django.urls import path

from core import export_views
from matters import views

app_name = "matters"

application = "travel/<uuid:code>/"
item = "inspections/<uuid:code>/items/<uuid:item_code>/"

urlpatterns = [
    path("", views.index, name="index"),
    # 因私出国（境）申请
    path("travel/", views.application_list, name="application_list"),
    path("travel/new/", views.application_create, name="application_create"),
    export_views.old_address("travel/export/", "matters-applications", "application_export"),
    path(application, views.application_detail, name="application_detail"),
    path(application + "opinions/<slug:department>/", views.opinion_record, name="opinion_record"),
    path(application + "step/<slug:action>/", views.application_action, name="application_action"),
    path(application + "lend/", views.loan_action, {"action": "lend"}, name="application_lend"),
    path(application + "return/", views.loan_action, {"action": "return"}, name="application_return"),
    # 证照管理
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/new/", views.certificate_create, name="certificate_create"),
    export_views.old_address("certificates/export/", "matters-certificates", "certificate_export"),
    path("certificates/reconciliation/", views.reconciliation_export, name="reconciliation_export"),
    path("certificates/<uuid:code>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<uuid:code>/<slug:action>/", views.certificate_action, name="certificate_action"),
    # 登记备案
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/new/", views.registration_create, name="registration_create"),
    export_views.old_address("registrations/export/", "matters-registrations", "registration_export"),
    path("registrations/<uuid:code>/remove/", views.registration_remove, name="registration_remove"),
    # 立案审查调查
    path("investigations/", views.investigation_list, name="investigation_list"),
    path("investigations/new/", views.investigation_create, name="investigation_create"),
    path("investigations/<uuid:code>/close/", views.investigation_close, name="investigation_close"),
    # 个人重大事项报告
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    export_views.old_address("events/export/", "matters-events", "event_export"),
    path("events/<uuid:code>/", views.event_detail, name="event_detail"),
    # 巡察整改联督
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/items/", views.item_list, name="item_list"),
    export_views.old_address("inspections/items/export/", "matters-items", "item_export"),
    path("inspections/<uuid:code>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<uuid:code>/items/new/", views.item_create, name="item_create"),
    path("inspections/<uuid:code>/reviews/new/", views.inspection_action, {"action": "review"}, name="review_create"),
    path("inspections/<uuid:code>/accountability/new/", views.inspection_action, {"action": "accountability"},
         name="accountability_create"),
    path("inspections/<uuid:code>/close/", views.inspection_action, {"action": "close"}, name="inspection_close"),
    *views.item_views.urlpatterns(item, "item"),
]

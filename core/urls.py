from django.urls import path

from core import export_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.my_tasks, name="my_tasks"),
    path("todo/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("todo/read-all/", views.mark_all_read, name="mark_all_read"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("exports/<slug:kind>/", export_views.request_list, name="export_request"),
    path("exports/<slug:kind>/<uuid:code>/", export_views.detail, name="export_detail"),
    path("exports/<slug:kind>/<uuid:code>/status/", export_views.status, name="export_status"),
    path("exports/<slug:kind>/<uuid:code>/download/", export_views.download, name="export_download"),
    path("search/", views.search_view, name="search"),
]

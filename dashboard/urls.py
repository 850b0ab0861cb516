from django.urls import path

from core import export_views
from dashboard import views

app_name = "dashboard"
KIND = {"kind": "dashboard-monthly"}

urlpatterns = [
    path("", views.index, name="index"),
    path("measures/", views.measures, name="measures"),
    path("exports/", views.export_create, name="export_create"),
    # the workbook's pages are core.exports' (these addresses predate the generic ones under /exports/)
    path("exports/<uuid:code>/", export_views.detail, KIND, name="export_detail"),
    path("exports/<uuid:code>/status/", export_views.status, KIND, name="export_status"),
    path("exports/<uuid:code>/download/", export_views.download, KIND, name="export_download"),
]

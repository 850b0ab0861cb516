from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("measures/", views.measures, name="measures"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<uuid:code>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:code>/status/", views.export_status, name="export_status"),
    path("exports/<uuid:code>/download/", views.export_download, name="export_download"),
]

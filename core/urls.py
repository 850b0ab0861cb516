from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.my_tasks, name="my_tasks"),
    path("todo/<int:pk>/read/", views.mark_read, name="mark_read"),
    path("todo/read-all/", views.mark_all_read, name="mark_all_read"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("search/", views.search_view, name="search"),
]

"""The project's URLs plus the benchmark's admin site (used only by the benchmark process)."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from scripts.bench.admin_site import site

urlpatterns = [path("bench-admin/", site.urls), *project_urlpatterns]

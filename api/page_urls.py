from django.urls import path

from api import pages

app_name = "api_pages"

urlpatterns = [
    path("api/v1/docs/", pages.reference, name="reference"),
    path("api-clients/", pages.clients, name="clients"),
    path("api-clients/<uuid:code>/", pages.client_detail, name="client_detail"),
    path("api-clients/<uuid:code>/<str:action>/", pages.client_action, name="client_action"),
]

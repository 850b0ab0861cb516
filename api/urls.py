"""/api/v1/: the REST endpoints and the schema. Keys, not sessions: every route answers an anonymous caller with
401 JSON, so the site's login redirect is switched off here (login_not_required)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from api import schema, views

app_name = "api"


def _open(view_class):
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("schema/", _open(schema.SchemaView), name="schema"),
    path("liaison/reports/", _open(views.ReportListView), name="reports"),
    path("liaison/reports/<uuid:code>/", _open(views.ReportDetailView), name="report_detail"),
    path("liaison/urgent/", _open(views.UrgentReportView), name="urgent"),
    path("petitions/", _open(views.PetitionIntakeView), name="petitions"),
    path("matters/crossings/", _open(views.CrossingView), name="crossings"),
    path("stats/", _open(views.StatsView), name="stats"),
]

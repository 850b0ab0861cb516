"""Statistics for the office's clients: the dashboard's figures for the client's jurisdiction, nothing else."""

import pytest
from django.utils import timezone

from dashboard import figures
from dashboard.periods import Period
from tests.factories import CadreFactory
from tests.petitions.factories import make_petition

pytestmark = pytest.mark.django_db


def test_the_figures_are_the_dashboards_for_the_clients_jurisdiction(call_as, office_client, staff, unit_a,
                                                                     other_county_staff, other_county):
    make_petition(staff, cadre=CadreFactory(unit=unit_a), received_on=timezone.localdate())
    make_petition(other_county_staff, cadre=CadreFactory(unit=other_county), received_on=timezone.localdate())
    year = str(timezone.localdate().year)
    response = call_as(office_client).get("/api/v1/stats/", period=year)
    assert response.status_code == 200, response.content
    body = response.json()
    client = office_client[0]
    client.user.act_for_client(client.acting_role)  # as during a call: office staff of the jurisdiction
    board = figures.build(client.user, Period.parse(year), None, charts=False)
    expected = {figure.key: figure.value for section in board.sections for figure in section.figures}
    got = {figure["key"]: figure["value"] for section in body["sections"] for figure in section["figures"]}
    assert got == {key: (value if value is None or isinstance(value, int) else float(value))
                   for key, value in expected.items()}
    petitions = next(section for section in body["sections"] if section["key"] == "petitions")
    assert petitions["figures"][0]["value"] == 1  # the neighbouring county's case is not counted


def test_bad_parameters_and_units_outside_the_jurisdiction(call_as, office_client, other_county):
    caller = call_as(office_client)
    response = caller.get("/api/v1/stats/", period="2026-13")
    assert response.status_code == 400 and "period" in response.json()["fields"]
    assert caller.get("/api/v1/stats/", unit=other_county.code).status_code == 404

"""出入境记录 pushed by the 公安 unit's client: matched against approved travel; one without approval is a warning on
the cadre; the same record twice is stored once; unregistered cadres are refused."""

import datetime

import pytest

from api.models import Scope
from cadres.warnings import warnings_for
from matters import services as matter_services
from matters.models import BorderCrossing
from matters.warnings import UNAPPROVED_CROSSING_RULE
from tests.api.conftest import Caller, issue
from tests.factories import CadreFactory
from tests.matters import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/matters/crossings/"
D = datetime.date


@pytest.fixture
def police(security_admin, member_b):
    return Caller(issue(security_admin, member_b, [Scope.MATTERS_WRITE])[1])


@pytest.fixture
def person(county, staff):
    cadre = CadreFactory(unit=county, name="陈志刚")
    matter_services.register_cadre(cadre, D(2026, 1, 2), actor=staff)
    return cadre


def crossing(person, day, direction="exit"):
    return {"id_number": person.id_number, "direction": direction, "crossed_on": str(day), "port": "上海浦东国际机场"}


def reasons(person, on_date):
    return [w.reason for w in warnings_for(person, on_date) if w.code == UNAPPROVED_CROSSING_RULE]


def test_a_crossing_within_an_approved_trip_is_matched(police, person, staff):
    app = factories.approved(person, staff)  # 1–10 April 2026
    response = police.post(URL, crossing(person, D(2026, 4, 1)))
    assert response.status_code == 201, response.content
    assert response.json()["matched"] is True and response.json()["application"] == app.number
    assert reasons(person, D(2026, 4, 20)) == []


def test_a_crossing_without_approval_is_a_warning(police, person):
    response = police.post(URL, crossing(person, D(2026, 5, 3)))
    assert response.status_code == 201 and response.json() == {**response.json(), "matched": False,
                                                              "application": None}
    assert reasons(person, D(2026, 5, 4)) == ["2026-05-03经上海浦东国际机场出境，无对应的因私出国（境）审批"]
    assert reasons(person, D(2027, 5, 4)) == []  # after the 12-month window


def test_the_same_record_twice_is_stored_once(police, person):
    first = police.post(URL, crossing(person, D(2026, 5, 3)))
    again = police.post(URL, crossing(person, D(2026, 5, 3)))  # a new Idempotency-Key: the system re-sent it
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["created"] is False and again.json()["code"] == first.json()["code"]
    assert BorderCrossing.objects.count() == 1


def test_an_unregistered_cadre_or_a_future_date_is_refused(police, county, person):
    stranger = CadreFactory(unit=county)
    response = police.post(URL, crossing(stranger, D(2026, 5, 3)))
    assert response.status_code == 400 and "id_number" in response.json()["fields"]
    future = police.post(URL, crossing(person, datetime.date.today() + datetime.timedelta(days=2)))
    assert future.status_code == 400
    assert not BorderCrossing.objects.exists()


def test_only_a_client_granted_the_scope(call_as, unit_client, person):
    assert call_as(unit_client).post(URL, crossing(person, D(2026, 5, 3))).status_code == 403

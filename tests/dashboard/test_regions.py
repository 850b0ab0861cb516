"""A city deployment: the city's users see the dashboard and the monthly workbook broken down by county (each county
being the jurisdiction of its own office); a county's users see their county only, without a breakdown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core import roles
from dashboard import figures, workbook
from dashboard.periods import Period
from petitions.models import Petition
from tests.factories import UnitFactory, UserFactory
from tests.petitions.factories import make_petition

MARCH = Period.month(2026, 3)  # make_petition's default received_on is 2 March 2026
TODAY = datetime.date(2026, 4, 1)


@pytest.fixture
def city(db):
    city = UnitFactory(code="CITY", name="中共临江市委", short_name="市委")
    units = {"city": city, "city_bureau": UnitFactory(code="CITY-SJ", name="临江市审计局", parent=city)}
    for order, code in enumerate(("A", "B"), start=1):
        county = UnitFactory(code=code, name=f"{code}县县委", short_name=f"{code}县", parent=city, sort_order=order)
        units[code] = county
        units[f"{code}-JY"] = UnitFactory(code=f"{code}-JY", name=f"{code}县教育局", parent=county)
    return units


def _user(username, role, unit, jurisdiction):
    return UserFactory(username=username, roles=[role], unit=unit, jurisdiction=jurisdiction)


@pytest.fixture
def people(city):
    return {
        "leader": _user("city_leader", roles.LEADER, city["city"], None),
        "staff_a": _user("staff_a", roles.STAFF, city["A"], city["A"]),
        "head_a": _user("head_a", roles.SECTION_HEAD, city["A"], city["A"]),
        "staff_b": _user("staff_b", roles.STAFF, city["B"], city["B"]),
    }


@pytest.fixture
def cases(city, people):
    make_petition(people["staff_a"], unit=city["A-JY"])
    make_petition(people["staff_a"], unit=city["A-JY"], named=False)
    make_petition(people["staff_b"], unit=city["B-JY"])
    make_petition(people["leader"], unit=city["city_bureau"])  # the city's own: in no county


def _received(region):
    return next(figure for figure in region.figures if figure.label == "信访收件")


def test_the_city_leader_sees_each_county_in_its_row(city, people, cases):
    board = figures.build(people["leader"], MARCH, today=TODAY)
    assert [region.unit for region in board.regions] == [city["A"], city["B"]]
    for region in board.regions:
        in_county = Petition.objects.filter(unit__path__startswith=region.unit.path).count()
        assert _received(region).value == in_county
        assert f"unit={region.unit.pk}" in _received(region).url
    assert [_received(region).value for region in board.regions] == [2, 1]
    # the headline counts the city's own case too
    assert next(f for f in board.headline() if f.key == "petitions_received").value == 4


def test_a_county_user_and_a_chosen_county_get_no_breakdown(city, people, cases):
    assert figures.build(people["head_a"], MARCH, today=TODAY).regions == []
    chosen = figures.build(people["leader"], MARCH, city["B"], today=TODAY)
    assert chosen.regions == []
    assert next(f for f in chosen.headline() if f.key == "petitions_received").value == 1


def test_the_page_shows_the_breakdown_to_the_city_only(client_for, city, people, cases):
    html = client_for(people["leader"]).get(reverse("dashboard:index"), {"period": MARCH.key}).content.decode()
    assert 'data-region="A"' in html and 'data-region="B"' in html
    county_page = client_for(people["head_a"]).get(reverse("dashboard:index"), {"period": MARCH.key})
    assert county_page.status_code == 200 and "by-region" not in county_page.content.decode()


def test_the_workbook_cover_lists_the_counties(tmp_path, city, people, cases):
    path = tmp_path / "monthly.xlsx"
    workbook.write_monthly(MARCH.start, path, user=people["leader"], today=TODAY)
    cover = [
        [cell for cell in row if cell is not None]
        for row in load_workbook(path)["封面与说明"].iter_rows(values_only=True)
    ]
    rows = {(row[0], row[1]): row[2] for row in cover if len(row) == 3}
    assert rows[(city["A"].name, "信访收件（件）")] == 2
    assert rows[(city["B"].name, "信访收件（件）")] == 1
    assert any("分县（市、区）情况" in str(cell) for row in cover for cell in row)


def _queries(user):
    user.role_names()
    with CaptureQueriesContext(connection) as captured:
        figures.build(user, MARCH, today=TODAY, charts=False)
    return len(captured)


def test_each_county_costs_a_fixed_number_of_queries(city, people, cases):
    figures.build(people["leader"], MARCH, today=TODAY)  # computes the warning snapshots once
    two = _queries(people["leader"])
    county = UnitFactory(code="C", name="C县县委", parent=city["city"], sort_order=3)
    _user("staff_c", roles.STAFF, county, county)
    make_petition(people["leader"], unit=UnitFactory(code="C-JY", name="C县教育局", parent=county))
    figures.build(people["leader"], MARCH, today=TODAY)
    # a county's row: petitions 1, vetting 1, measures 1, warnings 3 (snapshot, by rule, totals)
    assert _queries(people["leader"]) - two == 6

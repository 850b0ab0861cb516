"""A city deployment: the city's users see the dashboard and the monthly workbook broken down by county (each county
being the jurisdiction of its own office); a county's users see their county only, without a breakdown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cadres import stats as cadre_stats
from core import roles
from dashboard import figures, workbook
from dashboard.periods import Period
from petitions.models import Petition
from tests.dashboard.conftest import build_month, file_reports
from tests.factories import CadreFactory, UnitFactory, UserFactory
from tests.liaison.factories import member_unit
from tests.petitions.factories import make_petition

MARCH = Period.month(2026, 3)  # make_petition's default received_on is 2 March 2026
TODAY = datetime.date(2026, 4, 1)
NOV_20 = datetime.date(2026, 11, 20)


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


OCT = Period.month(2026, 10)
COLUMNS = {"信访收件": "petitions_received", "信访在办": "petitions_open", "信访逾期": "petitions_overdue",
           "启动考察": "vetting_cases", "监督措施": "measures_total", "预警干部": "warnings_cadres",
           "成员单位已报送": "liaison_reported", "成员单位应报送": "liaison_expected"}


def _county(city, code, order):
    county = UnitFactory(code=code, name=f"{code}县县委", short_name=f"{code}县", parent=city["city"], sort_order=order)
    city[code], city[f"{code}-JY"] = county, UnitFactory(code=f"{code}-JY", name=f"{code}县教育局", parent=county)
    _user(f"staff_{code.lower()}", roles.STAFF, county, county)


def _october(city, people, counties):
    """October's work (tests/dashboard/conftest.build_month) in each county and in the city's own bureau, member
    units reporting in the first two counties, a case past its deadline in A, and a case about the city leader himself
    (hidden from him)."""
    staff = _user("city_staff", roles.STAFF, city["city"], None)
    head = _user("city_head", roles.SECTION_HEAD, city["city"], None)
    units = [city[f"{code}-JY"] for code in counties] + [city["city_bureau"]]
    build_month(staff=staff, head=head, units=units, n=2 * len(units))
    officers = [_user(f"liaison_{code.lower()}", roles.LIAISON, city[f"{code}-JY"], None) for code in counties]
    file_reports([member_unit(city[f"{code}-JY"], [officer]) for code, officer in zip(counties, officers, strict=True)])
    himself = CadreFactory(unit=city[f"{counties[-1]}-JY"], name="市领导本人", user=people["leader"])
    make_petition(staff, cadre=himself, received_on=datetime.date(2026, 10, 5))
    overdue = make_petition(staff, unit=city["A-JY"], received_on=datetime.date(2026, 10, 1))
    Petition.objects.filter(pk=overdue.pk).update(next_due=datetime.date(2026, 10, 10))  # before the tallies


@pytest.mark.parametrize("counties", [("A", "B"), ("A", "B", "C")])
def test_each_county_row_equals_the_county_counted_directly(city, people, counties):
    if "C" in counties:
        _county(city, "C", 3)
    _october(city, people, counties)
    leader = people["leader"]
    for direct in (False, True):  # summed from the tallies, and counted from the cases
        board = figures.build(leader, OCT, today=NOV_20, direct=direct)
        assert [region.unit.code for region in board.regions] == list(counties)
        for region in board.regions:
            alone = figures.build(leader, OCT, region.unit, today=NOV_20, direct=True)  # the county's own board
            headline = {figure.key: figure.value for figure in alone.headline()}
            assert {figure.label: figure.value for figure in region.figures} == {
                label: headline[key] for label, key in COLUMNS.items()}, (region.unit, direct)
    summary = cadre_stats.warning_summary(user=leader, on_date=OCT.as_of(NOV_20))  # without the pass by unit
    warnings = board.section("warnings")
    assert [figure.value for figure in warnings.figures] == [summary["cadres"], summary["blocking"]]
    assert [figure.value for figure in warnings.details] == [row["cadres"] for row in summary["by_rule"]]
    rows = {region.unit.code: [figure.value for figure in region.figures] for region in board.regions}
    # A: two rounds of build_month and the overdue case; its member unit reported (the warnings vary with the rules)
    assert rows["A"][:5] == [5, 3, 1, 2, 4] and rows["A"][5] > 0 and rows["A"][6:] == [1, 1]
    last = counties[-1]  # four cases of the rounds; the fifth, about the leader, is not his to see
    assert rows[last][0] == 4 and Petition.objects.filter(unit=city[f"{last}-JY"]).count() == 5


def _queries(user, unit=None):
    user.role_names()
    with CaptureQueriesContext(connection) as captured:
        figures.build(user, OCT, unit, today=NOV_20)
    return len(captured)


def test_the_breakdown_costs_the_same_queries_whatever_the_number_of_counties(city, people):
    _october(city, people, ("A", "B"))
    figures.build(people["leader"], OCT, today=NOV_20)  # computes the warning snapshots and the tallies once
    two = _queries(people["leader"])
    _county(city, "C", 3)
    assert len(figures.build(people["leader"], OCT, today=NOV_20).regions) == 3
    assert _queries(people["leader"]) == two
    # pinned: the breakdown's own queries besides finding the counties (which is all when there are none): the
    # petitions (which the by-unit chart then reuses instead of its own), vetting cases and measures by unit, the
    # warned cadres by unit (the snapshot, its counts; the units come with the by-unit chart's)
    assert _queries(people["leader"], city["B"]) == two - 4  # B: with the case about the leader, as the city


def test_a_jurisdiction_over_every_unit_sums_the_tallies_without_the_unit_tree(city, people):
    _october(city, people, ("A", "B"))
    office = _user("city_office", roles.SECTION_HEAD, city["city"], city["city"])  # every unit lies in the city
    office.jurisdiction_covers_all = False  # as core.user_facts would find otherwise
    joined = figures.build(office, OCT, today=NOV_20)
    office.jurisdiction_covers_all = True
    with CaptureQueriesContext(connection) as captured:
        alone = figures.build(office, OCT, today=NOV_20)
    assert [(s.key, s.figures, s.details) for s in alone.sections] == [(s.key, s.figures, s.details)
                                                                        for s in joined.sections]
    assert alone.charts == joined.charts and alone.charts["petitions_by_unit"]["categories"]
    assert [(r.unit, r.figures) for r in alone.regions] == [(r.unit, r.figures) for r in joined.regions]
    sums = [query["sql"] for query in captured if 'FROM "core_stattally"' in query["sql"]]
    assert sums and not any('"core_unit"' in sql for sql in sums)

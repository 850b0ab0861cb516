"""Issue 20: a county may set its own time limits (petitions.TimeLimit rows keyed by its jurisdiction), stage by
stage; its cases follow them, the other county's keep the city's, and an edit in the admin recomputes the open
cases of that county only."""

import datetime

import pytest

from core import roles
from petitions.models import CaseType, Petition, Stage, TimeLimit
from tests.conftest import verify_two_factor
from tests.factories import UnitFactory, UserFactory
from tests.petitions.factories import make_petition

MONDAY = datetime.date(2026, 3, 2)  # March 2026 has no holiday


def _county_limit(county, stage=Stage.ACCEPTANCE, days=10, case_type=CaseType.ACCUSATION):
    city = TimeLimit.objects.get(jurisdiction=None, case_type=case_type, stage=stage)
    return TimeLimit.objects.create(jurisdiction=county, case_type=case_type, stage=stage, days=days,
                                    day_kind=city.day_kind, counted_from=city.counted_from, basis="本县规定")


def test_a_countys_limit_sets_its_deadlines_and_not_the_others(county_qx, county_bs, qx_staff, bs_staff):
    _county_limit(county_bs, days=10)
    town = UnitFactory(code="BS-SLZ", name="石岭镇", parent=county_bs)
    in_bs = make_petition(bs_staff, unit=town, received_on=MONDAY)
    in_qx = make_petition(qx_staff, received_on=MONDAY)
    assert in_bs.acceptance_due == datetime.date(2026, 3, 16)  # 10 working days: 白石县's own limit
    assert in_qx.acceptance_due == datetime.date(2026, 3, 23)  # 15 working days: the city's


def test_without_a_county_row_the_citys_limits_apply(county_bs, bs_staff):
    petition = make_petition(bs_staff, received_on=MONDAY)
    assert petition.acceptance_due == datetime.date(2026, 3, 23)


def test_a_countys_extension_cap_and_holiday_rule_are_its_own(county_bs, bs_staff):
    from petitions import deadlines

    _county_limit(county_bs, Stage.EXTENSION, days=20, case_type=CaseType.PETITION_MATTER)
    row = _county_limit(county_bs, Stage.HANDLING, days=45, case_type=CaseType.PETITION_MATTER)
    row.roll_over_holidays = False
    row.save()
    petition = make_petition(bs_staff, received_on=MONDAY, case_type=CaseType.PETITION_MATTER)
    assert deadlines.max_extension_days(petition) == 20
    assert Stage.HANDLING not in deadlines.rolling_stages(petition)
    assert Stage.ACCEPTANCE in deadlines.rolling_stages(petition)  # the city's row


@pytest.fixture
def city_admin(city):
    return UserFactory(username="city_admin", roles=[roles.SYSTEM_ADMIN], unit=city, is_staff=True)


def _post(client, limit, days):
    data = {"case_type": limit.case_type, "stage": limit.stage, "days": days, "day_kind": limit.day_kind,
            "counted_from": limit.counted_from, "basis": limit.basis,
            "roll_over_holidays": "on" if limit.roll_over_holidays else ""}
    return client.post(f"/admin/petitions/timelimit/{limit.pk}/change/", data)


def test_editing_a_countys_limit_recomputes_that_countys_open_cases_only(
        client, django_capture_on_commit_callbacks, city_admin, county_qx, county_bs, qx_staff, bs_staff):
    row = _county_limit(county_bs, days=10)
    in_bs = make_petition(bs_staff, received_on=MONDAY)
    in_qx = make_petition(qx_staff, received_on=MONDAY)
    # a stale stored date in 青溪县: a recompute there would put it back to the 23rd
    Petition.objects.filter(pk=in_qx.pk).update(acceptance_due=datetime.date(2026, 3, 20))
    client.force_login(city_admin)
    verify_two_factor(client, city_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(client, row, 12).status_code == 302
    assert Petition.objects.get(pk=in_bs.pk).acceptance_due == datetime.date(2026, 3, 18)  # 12 working days
    assert Petition.objects.get(pk=in_qx.pk).acceptance_due == datetime.date(2026, 3, 20)  # not touched


def test_a_county_administrator_cannot_edit_the_citys_or_another_countys_limits(client, county_qx, county_bs,
                                                                                qx_staff, bs_staff):
    bs_admin = UserFactory(username="bs_admin", roles=[roles.SYSTEM_ADMIN], unit=county_bs,
                           jurisdiction=county_bs, is_staff=True)
    qx_row, bs_row = _county_limit(county_qx, days=12), _county_limit(county_bs, days=10)
    city_row = TimeLimit.objects.get(jurisdiction=None, case_type=CaseType.ACCUSATION, stage=Stage.ACCEPTANCE)
    client.force_login(bs_admin)
    verify_two_factor(client, bs_admin)
    assert _post(client, city_row, 1).status_code == 403
    assert _post(client, qx_row, 1).status_code == 302  # not his to see: back to the admin index
    assert _post(client, bs_row, 11).status_code == 302
    assert [TimeLimit.objects.get(pk=row.pk).days for row in (city_row, qx_row, bs_row)] == [15, 12, 11]


def test_the_table_loaded_for_a_recompute_gives_each_county_its_limits(county_qx, county_bs, qx_staff, bs_staff):
    from petitions import deadlines

    _county_limit(county_bs, days=10)
    made = [make_petition(user, received_on=MONDAY) for user in (bs_staff, qx_staff)]
    with deadlines.limits_loaded():
        for petition in Petition.objects.filter(pk__in=[p.pk for p in made]):  # units not loaded: read by id
            assert deadlines.acceptance_deadline(petition).date == petition.acceptance_due
    assert [p.acceptance_due.day for p in made] == [16, 23]

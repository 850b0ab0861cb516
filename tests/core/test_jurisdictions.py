"""Issue 20: one deployment for a city and its counties — settings a county may override, inherited from the city
by default (core.models.JurisdictionSettings), the admin that edits them, and case numbers per county
(core.numbering)."""

import datetime

import pytest
from django.db import transaction

from audits.models import AuditRules
from core import numbering, roles
from core.models import SecurityPolicy, YearlyCounter
from tests.conftest import verify_two_factor
from tests.factories import UnitFactory, UserFactory
from vetting.models import VettingSettings


@pytest.fixture
def bs_rules(county_bs):
    return AuditRules.objects.create(jurisdiction=county_bs, comment_days=7, escalation_overdue_days=10)


def test_a_unit_reads_its_countys_row_else_the_citys(city, county_qx, county_bs, bs_rules,
                                                     django_assert_num_queries):
    town = UnitFactory(code="BS-SLZ", name="石岭镇", parent=county_bs)
    default = AuditRules.current()
    assert default.pk == 1 and bs_rules.pk != 1  # the county's row is numbered after the default's
    with django_assert_num_queries(1):
        assert AuditRules.for_unit(town) == bs_rules  # below the county: its row
    assert AuditRules.for_unit(county_bs.pk) == bs_rules  # by id too
    assert AuditRules.for_unit(county_qx) == default  # no row of its own: the city's
    assert AuditRules.for_unit(city) == default
    assert AuditRules.for_unit(None) == default
    resolve = AuditRules.resolver()
    assert [resolve(unit) for unit in (town, county_qx, city)] == [bs_rules, default, default]


def test_no_county_row_reads_the_default_and_creates_it_once(county_bs):
    VettingSettings.objects.all().delete()
    assert VettingSettings.for_unit(county_bs).pk == 1
    assert VettingSettings.for_unit(county_bs).pk == 1
    assert VettingSettings.objects.count() == 1


def test_the_security_policy_stays_one_for_the_deployment():
    assert not hasattr(SecurityPolicy, "for_unit")
    assert "jurisdiction" not in {field.name for field in SecurityPolicy._meta.get_fields()}


# --- the admin -------------------------------------------------------------------------------------------------------

def _admin(client, user):
    client.force_login(user)
    verify_two_factor(client, user)
    return client


@pytest.fixture
def city_admin(city):
    return UserFactory(username="city_admin", roles=[roles.SYSTEM_ADMIN], unit=city, is_staff=True)


@pytest.fixture
def bs_admin(county_bs):
    return UserFactory(username="bs_admin", roles=[roles.SYSTEM_ADMIN], unit=county_bs, jurisdiction=county_bs,
                       is_staff=True)


def _form(**values):
    fields = {field.name: getattr(AuditRules(), field.attname) for field in AuditRules._meta.concrete_fields
              if field.name not in ("id", "jurisdiction")}
    return {**fields, **values}


def test_the_city_administrator_adds_a_countys_row(client, city_admin, county_bs, bs_staff):
    response = _admin(client, city_admin).post("/admin/audits/auditrules/add/",
                                               _form(jurisdiction=county_bs.pk, comment_days=7))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditRules.for_unit(county_bs).comment_days == 7
    assert AuditRules.current().comment_days == 10  # the default untouched


def test_a_county_administrator_edits_only_his_countys_row(client, county_qx, county_bs, bs_admin, bs_rules,
                                                          qx_staff, bs_staff):
    qx_rules = AuditRules.objects.create(jurisdiction=county_qx, comment_days=12)
    default = AuditRules.current()
    client = _admin(client, bs_admin)
    assert client.get(f"/admin/audits/auditrules/{bs_rules.pk}/change/").status_code == 200
    # the other county's row is not even listed; the city's default he reads, never changes
    assert client.get(f"/admin/audits/auditrules/{qx_rules.pk}/change/").status_code == 302
    assert client.post(f"/admin/audits/auditrules/{qx_rules.pk}/change/", _form(comment_days=1)).status_code == 302
    response = client.post(f"/admin/audits/auditrules/{default.pk}/change/", _form(comment_days=1))
    assert response.status_code == 403
    listed = client.get("/admin/audits/auditrules/").content.decode()
    assert "白石县委" in listed and "青溪县委" not in listed and "全市默认" in listed
    # adding: only his own county is offered, and a row for the other county is refused
    form = client.get("/admin/audits/auditrules/add/").context["adminform"].form
    assert list(form.fields["jurisdiction"].queryset) == [county_bs]
    assert client.post("/admin/audits/auditrules/add/", _form(jurisdiction=county_qx.pk)).status_code == 200
    qx_rules.refresh_from_db()
    default.refresh_from_db()
    assert (qx_rules.comment_days, default.comment_days) == (12, 10)
    assert client.post(f"/admin/audits/auditrules/{bs_rules.pk}/change/", _form(comment_days=5)).status_code == 302
    assert AuditRules.for_unit(county_bs).comment_days == 5


def test_a_countys_row_can_be_deleted_and_the_default_cannot(client, city_admin, bs_rules):
    client = _admin(client, city_admin)
    assert client.get(f"/admin/audits/auditrules/{AuditRules.current().pk}/delete/").status_code == 403
    assert client.post(f"/admin/audits/auditrules/{bs_rules.pk}/delete/", {"post": "yes"}).status_code == 302
    assert list(AuditRules.objects.values_list("pk", flat=True)) == [1]


# --- case numbers ----------------------------------------------------------------------------------------------------

def test_each_county_numbers_its_own_cases(county_qx, county_bs):
    with transaction.atomic():
        assert [numbering.next_number("x", 2026, county_qx) for _ in range(2)] == [1, 2]
        assert numbering.next_number("x", 2026, county_bs) == 1
        assert numbering.next_number("x", 2026) == 1  # the city's (plain) series
        assert numbering.next_number("x", 2026) == 2
        assert numbering.next_number("x", 2026, county_bs) == 2
    assert YearlyCounter.objects.filter(series="x").count() == 3


def test_the_number_shows_the_county_and_the_citys_keep_the_plain_series(city, county_bs, bs_staff):
    city_staff = UserFactory(username="city_staff", roles=[roles.STAFF], unit=city, jurisdiction=city)
    unlimited = UserFactory(username="unlimited", roles=[roles.STAFF], unit=city)
    assert numbering.jurisdiction_of(bs_staff) == county_bs
    assert numbering.jurisdiction_of(city_staff) is None and numbering.jurisdiction_of(unlimited) is None
    assert numbering.segment(county_bs) == "BS-"
    odd = UnitFactory(code="qx-2", name="某县", parent=city)
    assert numbering.segment(odd) == f"U{odd.pk}-"  # unfit for a number: the unit's id


def test_petition_and_vetting_numbers_per_county(client, county_qx, county_bs, qx_staff, bs_staff):
    from tests.petitions.factories import make_petition

    received = datetime.date(2026, 3, 2)
    codes = [make_petition(user, received_on=received).code for user in (qx_staff, bs_staff, qx_staff, bs_staff)]
    assert codes == ["XF-QX-2026-00001", "XF-BS-2026-00001", "XF-QX-2026-00002", "XF-BS-2026-00002"]
    client.force_login(bs_staff)
    assert client.get("/petitions/XF-BS-2026-00002/").status_code == 200  # the URL takes the county's numbers
    assert client.get("/petitions/XF-QX-2026-00002/").status_code == 404  # the other county's: not his

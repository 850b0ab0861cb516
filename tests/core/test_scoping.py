"""The scope kit: ScopedQuerySet.visible_to, the unit-subtree filter and users_covering, with two counties — a user
of one county never gets the other's rows or reminders."""

import datetime
import re

import django_filters
import pytest
from django.contrib.auth.models import AnonymousUser

from cadres.deadlines import personal_matters_reports
from cadres.models import Cadre
from core import roles
from core.deadlines import Covering, evaluate, users_covering
from core.filters import UnitSubtreeFilter
from core.models import User
from core.scoping import ScopedQuerySet, in_subtree, scoped_by, unit_options
from tests.factories import CadreFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadres(county, unit_a, unit_b, other_county, staff):
    return {"county": CadreFactory(unit=county, actor=staff), "a": CadreFactory(unit=unit_a, actor=staff),
            "b": CadreFactory(unit=unit_b, actor=staff), "other": CadreFactory(unit=other_county, actor=staff)}


@pytest.fixture
def province_staff(county):
    """Office staff without a jurisdiction limit: sees every county."""
    return UserFactory(username="province", roles=[roles.STAFF], unit=county, jurisdiction=None)


def visible(user):
    return set(Cadre.objects.visible_to(user))


# ------------------------------------------------------------------------------------------- ScopedQuerySet


def test_office_users_see_their_county_and_never_the_other(cadres, staff, other_county_staff, leader):
    ours = {cadres["county"], cadres["a"], cadres["b"]}
    assert visible(staff) == visible(leader) == ours
    assert visible(other_county_staff) == {cadres["other"]}


def test_an_office_user_limited_to_a_department_sees_only_its_rows(cadres, unit_a):
    head_a = UserFactory(roles=[roles.SECTION_HEAD], unit=unit_a, jurisdiction=unit_a)
    assert visible(head_a) == {cadres["a"]}


def test_an_unlimited_office_user_sees_every_county(cadres, province_staff):
    assert visible(province_staff) == set(cadres.values())


@pytest.mark.parametrize("persona", ["liaison_a", "system_admin", "security_admin", "security_auditor",
                                     "outsider"])
def test_non_office_roles_see_no_case_rows(request, cadres, persona):
    assert visible(request.getfixturevalue(persona)) == set()


def test_anonymous_sees_nothing(cadres):
    assert visible(AnonymousUser()) == set()
    assert visible(None) == set()


def test_a_row_is_in_scope_when_any_of_its_unit_fields_is(county, unit_a, other_county, staff):
    """Two unit fields (as a vetting case: the proposed post or the candidate's unit): either one in scope."""

    class ByUnitOrJurisdiction(ScopedQuerySet):
        unit_fields = ("unit", "jurisdiction")

    inside = UserFactory(unit=other_county, jurisdiction=unit_a)
    works_here = UserFactory(unit=unit_a, jurisdiction=other_county)
    elsewhere = UserFactory(unit=other_county, jurisdiction=other_county)
    seen = set(ByUnitOrJurisdiction(model=User).visible_to(staff))
    assert {inside, works_here} <= seen and elsewhere not in seen


def test_a_row_without_a_unit_is_seen_only_by_unlimited_users(county, staff, province_staff):
    """As a random draw made without a scope."""
    unscoped = UserFactory(unit=county, jurisdiction=None)
    by_jurisdiction = scoped_by("jurisdiction")(model=User)
    assert unscoped not in set(by_jurisdiction.visible_to(staff))
    assert unscoped in set(by_jurisdiction.visible_to(province_staff))


def test_hooks_hide_rows_from_office_users_and_grant_rows_to_other_roles(cadres, staff, liaison_a):
    mine = CadreFactory(unit=cadres["a"].unit, actor=staff, user=staff)

    class Special(ScopedQuerySet):
        def hidden_from(self, user):
            return self.exclude(user=user)

        def for_other_roles(self, user):
            return self.filter(unit=user.unit)

    special = Special(model=Cadre)
    assert mine not in set(special.visible_to(staff)) and cadres["a"] in set(special.visible_to(staff))
    assert set(special.visible_to(liaison_a)) == {cadres["a"], mine}


def test_in_subtree(cadres, county, unit_a):
    assert set(in_subtree(Cadre.objects.all(), unit_a)) == {cadres["a"]}
    assert set(in_subtree(Cadre.objects.all(), county)) == {cadres["county"], cadres["a"], cadres["b"]}
    assert set(in_subtree(Cadre.objects.all(), None)) == set(cadres.values())


# ------------------------------------------------------------------------------------------- UnitSubtreeFilter


class CadreUnitFilter(django_filters.FilterSet):
    unit = UnitSubtreeFilter(label="单位", empty_label="全部单位")

    class Meta:
        model = Cadre
        fields = []


class Request:
    def __init__(self, user):
        self.user = user


def filtered(user, unit):
    return CadreUnitFilter({"unit": unit.pk if unit else ""}, queryset=Cadre.objects.visible_to(user),
                           request=Request(user))


def test_the_filter_keeps_the_unit_and_everything_below_it(cadres, staff, county, unit_a):
    assert set(filtered(staff, county).qs) == {cadres["county"], cadres["a"], cadres["b"]}
    assert set(filtered(staff, unit_a).qs) == {cadres["a"]}
    assert set(filtered(staff, None).qs) == {cadres["county"], cadres["a"], cadres["b"]}


def test_the_filter_refuses_a_unit_of_the_other_county(cadres, staff, other_county):
    filterset = filtered(staff, other_county)
    assert "unit" in filterset.errors
    assert cadres["other"] not in set(filterset.qs)


def test_the_drop_down_offers_two_levels_below_the_top_and_the_chosen_unit(staff, county, unit_a, other_county):
    deep = UnitFactory(name="第三级", parent=UnitFactory(name="第二级", parent=unit_a))
    html = str(filtered(staff, None).form["unit"])
    assert "　县纪委监委" in html and "　　第二级" in html
    assert "第三级" not in html and "邻县县委" not in html
    assert "第三级" in str(filtered(staff, deep).form["unit"])


def test_active_only_leaves_closed_units_out_of_the_choices(staff, county):
    closed = UnitFactory(name="已撤销单位", parent=county, is_active=False)

    class ActiveFilter(django_filters.FilterSet):
        unit = UnitSubtreeFilter(label="单位", active_only=True)

        class Meta:
            model = Cadre
            fields = []

    filterset = ActiveFilter({"unit": closed.pk}, queryset=Cadre.objects.all(), request=Request(staff))
    assert "unit" in filterset.errors and "已撤销单位" not in str(filterset.form["unit"])
    assert "已撤销单位" in str(filtered(staff, closed).form["unit"])  # the default accepts it


# ------------------------------------------------------------------------------------------- users_covering


def test_users_covering_a_unit_are_the_active_office_users_of_its_county(county, unit_a, other_county, staff,
                                                                          section_head, leader,
                                                                          other_county_staff, province_staff,
                                                                          liaison_a):
    gone = UserFactory(roles=[roles.STAFF], unit=county, jurisdiction=county, is_active=False)
    assert set(users_covering(unit_a)) == {staff, section_head, province_staff}
    assert set(users_covering(other_county)) == {other_county_staff, province_staff}
    assert set(users_covering(unit_a, [roles.SECTION_HEAD, roles.LEADER])) == {section_head, leader}
    assert gone not in users_covering(county) and liaison_a not in users_covering(unit_a)


def test_a_department_user_does_not_cover_its_county(county, unit_a, unit_b):
    head_a = UserFactory(roles=[roles.SECTION_HEAD], unit=unit_a, jurisdiction=unit_a)
    assert users_covering(unit_a, [roles.SECTION_HEAD]) == (head_a,)
    assert users_covering(unit_b, [roles.SECTION_HEAD]) == users_covering(county, [roles.SECTION_HEAD]) == ()


def test_a_scan_reads_the_users_once_and_only_when_needed(county, unit_a, other_county, staff,
                                                         django_assert_num_queries):
    covering = Covering()
    with django_assert_num_queries(0):
        assert covering.author_or_covering(staff, other_county) == (staff,)  # the active author alone
    with django_assert_num_queries(1):
        assert covering(unit_a) == (staff,) and covering(county.path) == (staff,) and covering(other_county) == ()


def test_an_inactive_author_hands_over_to_the_covering_users(county, staff, section_head):
    staff.is_active = False
    staff.save()
    assert Covering().author_or_covering(staff, county) == (section_head,)
    assert Covering().author_or_covering(None, county) == (section_head,)


def test_reminders_go_to_each_county_own_office(county, other_county, staff, section_head, other_county_staff):
    """The yearly personal-matters report, missing in both counties: each county's office hears of its own."""
    ours, theirs = CadreFactory(unit=county, actor=staff), CadreFactory(unit=other_county, actor=other_county_staff)
    due = {item.target: set(item.recipients) for item in evaluate(personal_matters_reports, datetime.date(2026, 2, 3))}
    assert due == {ours: {staff, section_head}, theirs: {other_county_staff}}


def test_hand_written_drop_downs_follow_the_same_rule_as_the_filter(staff, county, unit_a):
    """unit_options (pages with their own <select>) and UnitSelect offer the same levels, indented alike."""
    UnitFactory(name="第三级", parent=UnitFactory(name="第二级", parent=unit_a))
    html = str(filtered(staff, None).form["unit"])
    widget_levels = [len(indent) for indent in re.findall(r'<option value="\d+"[^>]*>(　*)', html)]
    assert [len(label) - len(label.lstrip("　")) for _code, label in unit_options(staff)] == widget_levels == [0, 1, 2]


@pytest.mark.django_db
def test_regions_below_are_the_outermost_office_jurisdictions_under_the_view():
    from core.scoping import regions_below

    city = UnitFactory(code="CITY")
    first, second = (UnitFactory(code=code, parent=city, sort_order=n) for n, code in enumerate(("A", "B"), 1))
    town = UnitFactory(code="A-TOWN", parent=first)
    bureau = UnitFactory(code="CITY-SJ", parent=city)
    leader = UserFactory(roles=[roles.LEADER], unit=city, jurisdiction=city)
    for unit in (first, second, town):  # a town office inside county A does not make it a county of the city
        UserFactory(roles=[roles.STAFF], unit=unit, jurisdiction=unit)
    UserFactory(roles=[roles.LIAISON], unit=bureau, jurisdiction=bureau)  # not an office
    UserFactory(roles=[roles.STAFF], unit=bureau, jurisdiction=bureau, is_active=False)
    assert regions_below(leader) == [first, second]
    assert regions_below(leader, first) == [town]
    county_staff = User.objects.get(jurisdiction=second)
    assert regions_below(county_staff) == []

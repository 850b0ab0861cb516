"""The one search box (core.search): every app's records a query touches, scoped to the user, informants never."""

import pytest
from django.urls import reverse
from django.utils.http import urlencode

from core import search
from core.models import AuditEvent
from tests.audits import factories as audits_factories
from tests.factories import CadreFactory
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit
from tests.matters import factories as matters_factories
from tests.petitions.factories import REPORTER, make_petition

pytestmark = pytest.mark.django_db

NAME = "欧阳振华"


@pytest.fixture
def cadre(unit_a):
    return CadreFactory(name=NAME, unit=unit_a, post_title="县纪委副书记")


@pytest.fixture
def namesake(other_county):
    """A cadre of the same name in the other county: never in this county's results, nor they in his."""
    return CadreFactory(name=NAME, unit=other_county)


def _labels(groups):
    return [group.label for group in groups]


def test_every_app_registers_its_sources():
    assert {"干部", "监督措施", "任前把关", "信访举报", "经济责任审计", "成员单位通报", "议定事项", "因私出国（境）",
            "立案审查调查"} <= {source.label for source in search.sources()}


def test_a_name_finds_the_cadre_and_what_names_him_in_each_app(staff, cadre, unit_a):
    application = matters_factories.application(cadre, staff)  # before the petition, which would block it
    petition = make_petition(staff, cadre=cadre, summary="反映其违规插手工程项目")
    audit = audits_factories.audit(cadre, staff)
    report = ReportFactory(member_unit=member_unit(unit_a))
    ItemFactory(report=report, cadre=cadre, cadre_name=NAME)

    groups = {group.label: group for group in search.search(staff, NAME)}

    assert [hit.url for hit in groups["干部"].hits] == [cadre.get_absolute_url()]
    assert [hit.code for hit in groups["信访举报"].hits] == [petition.code]
    assert [hit.code for hit in groups["经济责任审计"].hits] == [audit.number]
    assert [hit.code for hit in groups["因私出国（境）"].hits] == [application.number]
    assert [hit.title for hit in groups["成员单位通报"].hits] == [f"{NAME}（{ItemFactory.aspect.label}）"]


def test_a_phrase_finds_a_petition_by_its_summary_and_a_case_number_by_itself(staff, cadre):
    petition = make_petition(staff, cadre=cadre, summary="反映其违规插手工程项目招投标")
    assert [h.code for h in _group(search.search(staff, "插手工程"), "信访举报").hits] == [petition.code]
    assert [h.code for h in _group(search.search(staff, petition.code), "信访举报").hits] == [petition.code]


def _group(groups, label):
    return next(group for group in groups if group.label == label)


def test_another_countys_records_never_appear_not_even_as_a_count(staff, other_county_staff, cadre, namesake):
    make_petition(staff, cadre=cadre)
    make_petition(other_county_staff, cadre=namesake)

    mine = search.search(staff, NAME)
    assert [hit.url for hit in _group(mine, "干部").hits] == [cadre.get_absolute_url()]
    assert _group(mine, "信访举报").total == 1
    theirs = search.search(other_county_staff, NAME)
    assert [hit.url for hit in _group(theirs, "干部").hits] == [namesake.get_absolute_url()]
    assert _group(theirs, "信访举报").total == 1


def test_the_informant_is_never_searchable(staff, cadre):
    make_petition(staff, cadre=cadre, reporter=REPORTER)
    for secret in (REPORTER.name, REPORTER.id_number, REPORTER.phone):
        assert search.search(staff, secret) == []


def test_an_id_number_finds_the_cadre_and_is_masked_in_the_audit_log(client, staff, cadre):
    client.force_login(staff)
    response = client.get(reverse("core:search"), {"q": cadre.id_number})

    assert response.status_code == 200
    assert cadre.get_absolute_url() in response.content.decode()
    event = AuditEvent.objects.get(name="core.search.performed")
    assert event.actor == staff
    assert cadre.id_number not in event.summary
    assert f"{cadre.id_number[:6]}********{cadre.id_number[-4:]}" in event.summary


def test_a_query_too_short_searches_nothing_and_logs_nothing(client, staff, cadre):
    client.force_login(staff)
    response = client.get(reverse("core:search"), {"q": NAME[0]})

    assert "请输入至少 2 个字" in response.content.decode()
    assert not AuditEvent.objects.filter(name="core.search.performed").exists()


def test_more_hits_than_shown_give_the_exact_count_and_the_apps_own_list(staff, unit_a):
    for n in range(search.HITS_PER_SOURCE + 2):
        CadreFactory(name=f"{NAME}{n}", unit=unit_a)

    group = _group(search.search(staff, NAME), "干部")

    assert len(group.hits) == search.HITS_PER_SOURCE
    assert group.total == search.HITS_PER_SOURCE + 2
    assert group.more_url == f"{reverse('cadres:index')}?{urlencode({'q': NAME})}"


def test_the_count_stops_at_the_cap(staff, unit_a, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(6):
        CadreFactory(name=f"{NAME}{n}", unit=unit_a)

    group = _group(search.search(staff, NAME), "干部")

    assert group.total_display == "3+"


def test_liaison_officers_have_no_search(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get(reverse("core:search"), {"q": NAME}).status_code == 403


def test_queries_do_not_grow_with_the_hits(staff, unit_a, django_assert_max_num_queries):
    for n in range(12):
        make_petition(staff, cadre=CadreFactory(name=f"{NAME}{n}", unit=unit_a))
    with django_assert_max_num_queries(2 * len(search.sources())):
        search.search(staff, NAME)


def test_the_page_shows_groups_and_the_top_bar_keeps_the_query(client, staff, cadre):
    make_petition(staff, cadre=cadre)
    client.force_login(staff)

    page = client.get(reverse("core:search"), {"q": NAME}).content.decode()

    assert page.count('data-testid="search-group"') == 2  # 干部, 信访举报
    assert f'value="{NAME}"' in page


def test_each_column_and_the_people_reported_match_exactly_whatever_the_length(staff, cadre, unit_a):
    """The bigram indexes only narrow; what is shown is what holds the text (core.search.any_contains)."""
    by_summary = make_petition(staff, cadre=cadre, summary="反映其违规插手工程项目招投标")
    by_stranger = make_petition(staff, cadre=cadre, summary="反映某局长问题",
                                unmatched=[{"name": "司马相如", "unit_text": "某局", "post_title": "科员"}])
    make_petition(staff, cadre=cadre, summary="插手 工程")  # holds every piece of "插手工程", not the phrase

    assert [h.code for h in _group(search.search(staff, "插手工程"), "信访举报").hits] == [by_summary.code]
    assert [h.code for h in _group(search.search(staff, "相如"), "信访举报").hits] == [by_stranger.code]
    assert [h.code for h in _group(search.search(staff, by_summary.code.lower()), "信访举报").hits] == [
        by_summary.code]
    report = ReportFactory(member_unit=member_unit(unit_a))
    ItemFactory(report=report, cadre_name="李四", description="违规发放津贴补贴")
    ItemFactory(report=report, cadre_name="王五", description="违反规定发放")
    assert [h.title for h in _group(search.search(staff, "违规发放"), "成员单位通报").hits] == [
        f"李四（{ItemFactory.aspect.label}）"]


def test_the_search_page_makes_a_fixed_number_of_queries(client, staff, unit_a, django_assert_num_queries):
    """Pinned: session, user and the bell (3; roles come from core.user_facts), the cadres a name matches, read once
    for every source (1), the 9 sources' hits (9), the count of the two with a full page (2: 干部, 信访举报), the
    cases whose people reported match (1), and the audit event with its hash chain (6)."""
    for n in range(search.HITS_PER_SOURCE + 1):
        make_petition(staff, cadre=CadreFactory(name=f"{NAME}{n}", unit=unit_a))
    client.force_login(staff)
    client.get(reverse("core:search"), {"q": NAME})
    with django_assert_num_queries(22):
        assert client.get(reverse("core:search"), {"q": NAME}).status_code == 200

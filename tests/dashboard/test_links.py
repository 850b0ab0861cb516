"""Every figure's link lands on a list as long as the figure, with data outside the period and outside the unit:
the lists' period and unit filters (petitions received_after/received_before, vetting unit/opened_after/
opened_before) are what dashboard/links.py passes, and the petitions list counts cases the way the figures do
(duplicates and voided records aside)."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from cadres.models import Rank
from dashboard import figures, links
from dashboard.periods import Period
from petitions import services as petition_services
from petitions.filters import PetitionFilter
from petitions.models import Channel, Disposal
from tests.dashboard.conftest import build_month
from tests.factories import CadreFactory
from tests.petitions.factories import make_petition
from vetting.filters import CaseFilter
from vetting.models import CaseStatus, MoveKind
from vetting.services import lifecycle

D = datetime.date
OCT = "2026-10"
pytestmark = pytest.mark.django_db


def _count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def _params(url):
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_links_use_the_lists_period_and_unit_filters(unit_a):
    for name in ("received_after", "received_before", "concluded_after", "concluded_before", "unit"):
        assert name in PetitionFilter.base_filters
    for name in ("opened_after", "opened_before", "unit"):
        assert name in CaseFilter.base_filters
    start, end = D(2026, 10, 1), D(2026, 10, 31)
    assert _params(links.petitions(unit=unit_a, start=start, end=end)) == {
        "unit": str(unit_a.pk), "received_after": "2026-10-01", "received_before": "2026-10-31"}
    assert _params(links.vetting(unit=unit_a, start=start, end=end, status="inspection")) == {
        "unit": str(unit_a.pk), "opened_after": "2026-10-01", "opened_before": "2026-10-31", "status": "inspection"}


@pytest.fixture
def noisy_october(staff, section_head, leader, unit_a, unit_b, members):
    """October's month (both units) plus what must not be counted in it: September and November cases, a
    duplicate and a voided record received in October, a terminated case whose warning still blocks."""
    made = build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=3)
    for day in (D(2026, 9, 20), D(2026, 11, 3)):
        cadre = CadreFactory(unit=unit_a, name=f"期外干部{day.month}")
        make_petition(staff, cadre=cadre, received_on=day, channel=Channel.LETTER)
        lifecycle.open_case(
            cadre=CadreFactory(unit=unit_a, name=f"期外人选{day.month}", rank=Rank.SECTION_DEPUTY),
            proposed_unit=unit_a,
            proposed_title="局长", proposed_rank=Rank.SECTION_CHIEF, move_kind=MoveKind.PROMOTION, handler=staff,
            actor=staff, opened_on=day)
    main = made.petitions[1]
    duplicate = make_petition(staff, cadre=made.cadres[0], received_on=D(2026, 10, 9), named=False)
    petition_services.link_duplicate(duplicate, main, actor=staff, reason="同一事项")
    voided = make_petition(staff, cadre=made.cadres[0], received_on=D(2026, 10, 10))
    petition_services.void(voided, actor=section_head, reason="误登记")
    held = make_petition(staff, cadre=made.cadres[3], received_on=D(2026, 10, 11), named=False)
    petition_services.propose(held, actor=staff, disposal=Disposal.HOLD, reason="暂存")
    lifecycle.terminate(made.cases[0], "人选另有任用", actor=section_head)
    return made


@pytest.mark.parametrize("scope", ["all", "unit_a"])
def test_figure_links_count_what_the_figures_count(scope, request, client_for, leader, noisy_october):
    unit = request.getfixturevalue("unit_a") if scope == "unit_a" else None
    client = client_for(leader)
    board = figures.build(leader, Period.parse(OCT), unit=unit, today=timezone.localdate())
    received = board.section("petitions").figures[0]
    assert received.key == "petitions_received" and received.value == (4 if unit else 7)
    checked = {"petitions_received", "petitions_open", "petitions_concluded", "vetting_cases", "vetting_blocked"}
    for figure in board.headline():
        if figure.key in checked:
            assert _count(client, figure.url) == figure.value, (figure.key, figure.url)
    concluded = next(figure for figure in board.headline() if figure.key == "petitions_concluded")
    assert concluded.value > 0 and "concluded_after=2026-10-01" in concluded.url
    stages = board.section("vetting").details
    assert sum(figure.value for figure in stages) == (2 if unit else 3)
    assert any(figure.value for figure in stages if figure.key == f"vetting_{CaseStatus.TERMINATED}")
    for figure in stages:
        assert _count(client, figure.url) == figure.value, (figure.key, figure.url)
    for name in ("petitions_by_month", "petitions_by_category", "petitions_by_unit"):
        for series in board.charts[name]["series"]:
            for item in series["data"]:
                assert _count(client, item["url"]) == item["value"], (name, item["url"])


def test_list_shows_duplicates_and_voided_records_when_asked(client_for, staff, noisy_october):
    client = client_for(staff)
    october = {"received_after": "2026-10-01", "received_before": "2026-10-31"}
    url = links.petitions(start=D(2026, 10, 1), end=D(2026, 10, 31))
    assert _count(client, url) == 7
    assert _count(client, f"{url}&status=merged") == 1
    assert _count(client, f"{url}&status=voided") == 1
    response = client.get("/petitions/", october)
    assert 'type="date"' in response.content.decode() and "收件日期从" in response.content.decode()

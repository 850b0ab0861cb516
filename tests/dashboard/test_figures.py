"""The dashboard's figures equal what the database holds, by period, unit and the viewer's scope; the number of
queries does not grow with the data."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import Audit, Finding
from cadres.models import Cadre, MeasureKind, SupervisionMeasure
from cadres.warnings import evaluate
from dashboard import figures
from dashboard.periods import Period
from petitions.models import UNCOUNTED_STATUSES, Petition
from tests.dashboard.conftest import OCTOBER, TODAY, build_month, file_reports
from tests.liaison.factories import ItemFactory, ReportFactory, submitted
from vetting.models import VettingCase

D = datetime.date
OCT = Period.month(2026, 10)


def values(board):
    return {figure.key: figure.value for figure in board.headline()}


def test_figures_equal_the_database(october, leader):
    board = figures.build(leader, OCT, today=TODAY)
    got = values(board)
    in_october = {"received_on__gte": OCT.start, "received_on__lte": OCT.end}
    assert got["petitions_received"] == Petition.objects.filter(**in_october).exclude(
        status__in=UNCOUNTED_STATUSES).count() == 4
    assert got["petitions_open"] == 2
    assert got["petitions_concluded"] == Petition.objects.filter(concluded_on__month=10).count() == 2
    assert got["vetting_cases"] == VettingCase.objects.filter(opened_on__month=10).count() == 2
    assert got["audits_planned"] == Audit.objects.filter(year=2026).count() == 2
    assert got["audits_overdue"] == Finding.objects.filter(rectification_deadline__lt=TODAY).count() == 2
    assert got["audits_rectification_rate"] == 0
    assert (got["liaison_reported"], got["liaison_expected"], got["liaison_missing"]) == (1, 2, 1)
    assert got["measures_total"] == SupervisionMeasure.objects.filter(date__month=10).count() == 4
    by_kind = {figure.key: figure.value for figure in board.section("measures").details}
    assert by_kind[f"measure_{MeasureKind.ADMONISHMENT}"] == 2
    assert by_kind[f"measure_{MeasureKind.REMINDER_TALK}"] == 2
    assert got["warnings_cadres"] == len(evaluate(Cadre.objects.all(), D(2026, 10, 31)))
    assert board.section("petitions").figures[0].previous == 0  # September: nothing received


def test_unit_filter_counts_the_subtree_only(october, leader, unit_a):
    got = values(figures.build(leader, OCT, unit_a, today=TODAY))
    assert got["petitions_received"] == 2
    assert got["vetting_cases"] == 1
    assert got["audits_planned"] == 1
    assert got["measures_total"] == 2
    assert (got["liaison_reported"], got["liaison_expected"]) == (1, 1)


def test_another_county_sees_nothing(october, other_county_staff):
    got = values(figures.build(other_county_staff, OCT, today=TODAY))
    assert all(not value for value in got.values()), got


def test_year_period_compares_with_the_previous_year(october, leader):
    board = figures.build(leader, Period.year(2026), today=TODAY)
    received = board.section("petitions").figures[0]
    assert (received.value, received.previous, received.change_display) == (4, 0, "增4")
    assert board.liaison_month == OCTOBER


def test_charts_link_each_element_to_its_list(october, leader, unit_a):
    board = figures.build(leader, OCT, today=TODAY)
    findings = board.charts["findings"]
    assert findings["categories"] == ["财政财务收支"]
    assert findings["series"][0]["data"][0]["value"] == "2001.00"
    assert findings["series"][0]["data"][0]["url"] == "/audits/findings/?category=fiscal&year=2026"
    by_month = board.charts["petitions_by_month"]
    assert by_month["categories"][-1] == "2026-10"
    letters = next(series for series in by_month["series"] if series["name"] == "来信")
    assert letters["data"][-1]["value"] == 3 and "channel=letter" in letters["data"][-1]["url"]
    by_unit = board.charts["petitions_by_unit"]
    assert sorted(by_unit["categories"]) == sorted([unit_a.display_name, "县审计局"])
    assert f"unit={unit_a.pk}" in by_unit["series"][0]["data"][by_unit["categories"].index(unit_a.display_name)]["url"]
    compliance = board.charts["compliance"]
    reported = next(series for series in compliance["series"] if series["name"] == "按时报送")
    assert reported["data"][0]["value"] == 1
    assert f"member_unit={october.report.member_unit.code}" in reported["data"][0]["url"]
    assert "period=2026-10" in reported["data"][0]["url"]


def _queries(user, unit=None):
    user.role_names()  # cached on the user for the request in real use
    with CaptureQueriesContext(connection) as captured:
        figures.build(user, OCT, unit, today=TODAY)
    return len(captured)


def test_queries_do_not_grow_with_the_data(leader, staff, section_head, unit_a, unit_b, members):
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=1)
    file_reports(members, items=1)
    _queries(leader)  # computes the warning snapshots of both periods' ends, once
    small = _queries(leader)
    build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=5)
    file_reports(members[1:], items=6)
    larger = _queries(leader)
    assert small == larger
    # pinned: petitions 4 (tallies built?, sums, sums by unit, any case about the viewer), vetting 4, audits 2 (both
    # years' audits, both years' findings), liaison 5 (states only, no items; with the holiday schedule behind the
    # rolled-over due days), warnings 3 (the two snapshots, their per-unit counts summed by snapshot and rule),
    # measures 2 (tallies built?, sums), the by-unit chart's units 1, the counties below (none here) 1 (with counties,
    # four more whatever their number: test_regions)
    assert larger == 22
    assert _queries(leader, unit_a) == larger


def _liaison_figures(board):
    return {figure.key: figure for figure in board.section("liaison").figures}


def test_liaison_card_adds_up_before_and_after_the_due_day(october, leader):
    """Member units report by the 15th of the following month (domain.md §3 联席会议, seed 003): before the due day an
    unreported unit is 未到期, not 未报送; 已报送 + 未到期 + 逾期未报送 = 应报送 on either side of it."""
    due = october.report.due_date  # the schedule's due day for October (after any holiday roll-over)
    before = _liaison_figures(figures.build(leader, OCT, today=due))
    after = _liaison_figures(figures.build(leader, OCT, today=due + datetime.timedelta(days=1)))
    for card in (before, after):
        parts = card["liaison_reported"].value + card["liaison_pending"].value + card["liaison_missing"].value
        assert parts == card["liaison_expected"].value == 2
    assert [before[k].value for k in ("liaison_reported", "liaison_pending", "liaison_missing")] == [1, 1, 0]
    assert before["liaison_pending"].label == f"未到期（{due.month}月{due.day}日截止）"
    assert [after[k].value for k in ("liaison_reported", "liaison_pending", "liaison_missing")] == [1, 0, 1]
    assert after["liaison_pending"].label == "未到期"
    assert after["liaison_missing"].label == "逾期未报送"


def test_liaison_card_names_late_reports_within_the_reported(october, leader, members):
    """A late report is reported (it counts in 已报送) and named in its note, so the four figures still add up."""
    late = ReportFactory(member_unit=members[1], period=OCTOBER)
    ItemFactory(report=late).save()
    submitted(late, late.due_date + datetime.timedelta(days=2))
    card = _liaison_figures(figures.build(leader, OCT, today=TODAY))
    assert (card["liaison_reported"].value, card["liaison_missing"].value, card["liaison_expected"].value) == (2, 0, 2)
    assert card["liaison_reported"].note == "其中逾期报送1家"

"""Issue 20: a county's joint meeting may set its own reporting days (a ReportingSchedule row keyed by its
jurisdiction); its member units are reminded and counted missing by them, the other county's by the city's."""

import datetime

import pytest

from core import deadlines, roles
from core.models import Notification
from liaison import services
from liaison.models import ReportingSchedule
from tests.factories import UnitFactory, UserFactory
from tests.liaison.factories import member_unit

PERIOD = datetime.date(2026, 9, 1)  # due 2026-10-15 (a Thursday) by the city's rules


@pytest.fixture
def members(county_qx, county_bs, qx_staff, bs_staff):
    ReportingSchedule.objects.create(jurisdiction=county_bs, due_day=20, reminder_day=17)
    made = {}
    for county in (county_qx, county_bs):
        officer = UserFactory(username=f"officer_{county.code}", roles=[roles.LIAISON])
        made[county.code] = (member_unit(UnitFactory(code=f"{county.code}-JW", name="纪委监委", parent=county),
                                         officers=[officer]), officer)
    return made


def _notes(kind):
    return {(note.recipient.username, note.due_date) for note in Notification.objects.filter(kind=kind)}


def test_each_member_unit_reports_by_its_countys_days(members):
    (qx_member, _), (bs_member, _) = members["QX"], members["BS"]
    assert services.report_due_date(PERIOD, services.schedule_of(qx_member)) == datetime.date(2026, 10, 15)
    assert services.report_due_date(PERIOD, services.schedule_of(bs_member)) == datetime.date(2026, 10, 20)
    report = services.create_report(bs_member, PERIOD, actor=members["BS"][1])
    assert report.due_date == datetime.date(2026, 10, 20)


def test_the_scan_reminds_and_reports_missing_by_each_countys_days(members):
    deadlines.scan(datetime.date(2026, 10, 12))  # the city's reminder window; 白石县's opens on the 17th
    assert _notes("liaison.report_reminder") == {("officer_QX", datetime.date(2026, 10, 15))}
    deadlines.scan(datetime.date(2026, 10, 16))  # 青溪县's units are late; 白石县's are not due yet
    assert _notes("liaison.report_missing") == {("qx_staff", datetime.date(2026, 10, 15))}
    deadlines.scan(datetime.date(2026, 10, 18))
    assert ("officer_BS", datetime.date(2026, 10, 20)) in _notes("liaison.report_reminder")
    deadlines.scan(datetime.date(2026, 10, 21))
    assert _notes("liaison.report_missing") == {("qx_staff", datetime.date(2026, 10, 15)),
                                                ("bs_staff", datetime.date(2026, 10, 20))}

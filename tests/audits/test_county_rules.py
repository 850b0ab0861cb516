"""Issue 20: a county's own audit rules (AuditRules row keyed by its jurisdiction) drive its findings' deadlines and
the scan's escalation; the other county keeps the city's."""

import datetime

import pytest

from audits.models import AuditRules, Finding
from core import deadlines, roles
from core.models import Notification
from tests.audits import factories
from tests.factories import UserFactory


@pytest.fixture
def audits(county_qx, county_bs, qx_staff, bs_staff):
    AuditRules.objects.create(jurisdiction=county_bs, rectification_days=30, escalation_overdue_days=10)
    made = {}
    for county, staff in ((county_qx, qx_staff), (county_bs, bs_staff)):
        factories.classify(county)
        leader = factories.principal(county)
        made[county.code] = factories.reported_audit(leader, staff, report_date=datetime.date(2026, 3, 1))
    return made


def test_a_countys_rectification_period_is_its_own(audits, qx_staff, bs_staff):
    assert factories.finding(audits["QX"], qx_staff).rectification_deadline == datetime.date(2026, 4, 30)  # 60 days
    assert factories.finding(audits["BS"], bs_staff).rectification_deadline == datetime.date(2026, 3, 31)  # 30 days


def test_the_scan_escalates_by_each_countys_threshold(audits, county_qx, county_bs, qx_staff, bs_staff):
    for county in (county_qx, county_bs):
        UserFactory(username=f"head_{county.code}", roles=[roles.SECTION_HEAD], unit=county, jurisdiction=county)
    deadline = datetime.date(2026, 4, 30)
    for code, staff in (("QX", qx_staff), ("BS", bs_staff)):
        factories.finding(audits[code], staff, deadline=deadline)
    deadlines.scan(deadline + datetime.timedelta(days=15))  # 15 days overdue: past 白石县's 10, short of the city's 30
    escalated = Notification.objects.filter(kind="audits.rectification_escalated")
    assert [note.recipient.username for note in escalated] == ["head_BS"]
    assert Finding.objects.get(pk=escalated.get().target_id).audit == audits["BS"]
    assert Notification.objects.filter(kind="audits.rectification", level="overdue").count() == 2

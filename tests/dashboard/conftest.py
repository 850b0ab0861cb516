"""A month of supervision work (October 2026) built with the owning apps' services, scalable by `n`, so that the
dashboard's figures and the workbook can be checked against the database."""

import datetime

import pytest

import core.security  # noqa: F401  (connects the login-time receiver before force_login)
from audits.models import FindingCategory
from cadres import services as cadre_services
from cadres.models import MeasureKind, Rank, SourceChannel
from liaison.models import Aspect
from petitions import services as petition_services
from petitions.models import Channel, Conclusion, ProblemCategory, Status
from tests.audits.factories import finding, principal, reported_audit
from tests.factories import CadreFactory
from tests.liaison.factories import ItemFactory, ReportFactory, member_unit, submitted
from tests.petitions.factories import force_status, make_petition
from vetting.models import MoveKind
from vetting.services import lifecycle

D = datetime.date
OCTOBER = D(2026, 10, 1)
TODAY = D(2026, 11, 20)  # the date figures are computed at in these tests
CHANNELS = [Channel.PHONE_12380, Channel.LETTER, Channel.WEB_12380]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Month:
    """What was built, for the assertions."""

    def __init__(self):
        self.petitions, self.concluded, self.cadres, self.cases, self.audits, self.items = [], [], [], [], [], []


def build_month(*, staff, head, units, n=1, month=None):
    """In each of n rounds, in a unit taken in turn: two petitions received in the month (one named and later
    concluded with a 诫勉, one anonymous and still open), a vetting case opened, an audit of the year with an
    overdue finding, a 提醒谈话, and a member unit's report with one item."""
    made = Month()
    for i in range(n):
        unit = units[i % len(units)]
        day = D(2026, 10, 3 + i % 20)
        cadre = CadreFactory(unit=unit, name=f"被反映干部{i}")
        named = make_petition(staff, cadre=cadre, received_on=day, channel=CHANNELS[i % 3],
                              categories=(ProblemCategory.SELECTION, ProblemCategory.INTEGRITY))
        anonymous = make_petition(staff, cadre=cadre, received_on=day, named=False, channel=Channel.LETTER,
                                  categories=(ProblemCategory.CONDUCT,))
        force_status(named, Status.REVIEWING, accepted_on=day + datetime.timedelta(days=2))
        petition_services.conclude(named, actor=head, conclusion=Conclusion.TRUE, note="反映问题属实",
                                   measures=[(cadre, MeasureKind.ADMONISHMENT)],
                                   concluded_on=D(2026, 10, 25))
        made.petitions += [named, anonymous]
        made.concluded.append(named)
        candidate = CadreFactory(unit=unit, name=f"拟任人选{i}", rank=Rank.SECTION_DEPUTY)
        made.cases.append(lifecycle.open_case(
            cadre=candidate, proposed_unit=unit, proposed_title="局长", proposed_rank=Rank.SECTION_CHIEF,
            move_kind=MoveKind.PROMOTION, handler=staff, actor=staff, opened_on=day))
        leader = principal(unit, name=f"一把手{i}")
        audit = reported_audit(leader, staff, year=2026, report_date=D(2026, 6, 1))
        finding(audit, staff, amount="1000.50", category=FindingCategory.FISCAL, start_date=D(2026, 6, 1),
                deadline=D(2026, 8, 1))
        made.audits.append(audit)
        cadre_services.record_measure(candidate, MeasureKind.REMINDER_TALK, day, "提醒谈话", actor=head,
                                      source_channel=SourceChannel.OTHER)
        made.cadres += [cadre, candidate, leader]
    return made


def file_reports(members, month=OCTOBER, items=1):
    """The first member unit reports on time with `items` items; the others do not report."""
    report = ReportFactory(member_unit=members[0], period=month)
    for i in range(items):
        made = ItemFactory(report=report, aspect=list(Aspect)[i % 5], cadre_name=f"通报干部{i}")
        made.save()
    submitted(report, D(2026, 11, 10))
    return report


@pytest.fixture
def members(unit_a, unit_b, liaison_a, liaison_b):
    return [member_unit(unit_a, [liaison_a]), member_unit(unit_b, [liaison_b])]


@pytest.fixture
def october(staff, section_head, unit_a, unit_b, members):
    made = build_month(staff=staff, head=section_head, units=[unit_a, unit_b], n=2)
    made.report = file_reports(members, items=3)
    return made

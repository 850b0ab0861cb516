"""Vetting fixtures: an isolated cadres registry, a candidate, and helpers that drive a case through its stages
with the real services."""

import contextlib
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cadres import registry
from cadres.models import Rank
from core.refusals import Refused
from tests.factories import CadreFactory, UnitFactory
from vetting.models import (
    ArchiveResult,
    Department,
    DisciplineConclusion,
    MoveKind,
    PersonalMattersResult,
    PublicityOutcome,
    TalkBody,
)
from vetting.services import appointing, common, inspecting, lifecycle, publicizing

D = datetime.date
PUBLICITY_START = D(2026, 9, 28)


@pytest.fixture(autouse=True)
def isolated_registry():
    """Each vetting test starts with no warning rules, case sources or appointment checks, and leaves the registry
    as it was."""
    tables = (registry._warning_rules, registry._case_sources, registry._appointment_checks)
    saved = [dict(table) for table in tables]
    for table in tables:
        table.clear()
    yield registry
    for table, entries in zip(tables, saved, strict=True):
        table.clear()
        table.update(entries)


TODAY = D(2027, 12, 31)


@contextlib.contextmanager
def refused(code, match=None):
    """pytest.raises(Refused) that also checks why: its code ("state", "closed", "step", "incomplete", "denied",
    "required")."""
    with pytest.raises(Refused, match=match) as caught:
        yield caught
    assert caught.value.code == code, (caught.value.code, str(caught.value))


class Clock:
    """The services' today (vetting.services.common.today), set by a test: dates after it are refused as not yet
    happened. Every vetting test starts on TODAY, after the 2027 probation ends the stories below need."""

    def __init__(self, monkeypatch):
        self.today = TODAY
        monkeypatch.setattr(common, "today", lambda: self.today)

    def set(self, day):
        self.today = day


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def town(county):
    return UnitFactory(code="TOWN", name="青溪县东山镇", short_name="东山镇", parent=county)


@pytest.fixture
def cadre(town):
    return CadreFactory(name="陈立新", unit=town, post_title="副镇长", rank=Rank.SECTION_DEPUTY)


@pytest.fixture
def open_case(cadre, town, staff):
    def make(move_kind=MoveKind.PROMOTION, candidate=None, **extra):
        return lifecycle.open_case(
            cadre=candidate or cadre, proposed_unit=town, proposed_title="镇长", proposed_rank=Rank.SECTION_CHIEF,
            move_kind=move_kind, handler=staff, actor=staff, opened_on=D(2026, 9, 1), **extra)

    return make


@pytest.fixture
def case(open_case):
    return open_case()


def pledge_file():
    return SimpleUploadedFile("承诺书.pdf", b"%PDF-1.4 signed pledge", content_type="application/pdf")


class Driver:
    """Takes a case forward with the real services, one stage at a time."""

    def __init__(self, staff, leader):
        self.staff = staff
        self.leader = leader  # 确认任职 is the 部领导's

    def inspection(self, case):
        inspecting.record_recommendation(case, held_on=D(2026, 9, 2), votes_cast=60, votes_for=48, actor=self.staff)
        return inspecting.start_inspection(case, actor=self.staff)

    def checks(self, case):
        s = self.staff
        inspecting.record_archive_review(case, reviewed_on=D(2026, 9, 3), result=ArchiveResult.CLEAR, problems=[],
                                         findings="", actor=s)
        inspecting.record_personal_matters(case, checked_on=D(2026, 9, 4), result=PersonalMattersResult.CONSISTENT,
                                           actor=s)
        inspecting.request_discipline_opinion(case, requested_on=D(2026, 9, 3), actor=s)
        inspecting.record_discipline_reply(case, replied_on=D(2026, 9, 8), conclusion=DisciplineConclusion.NO_ISSUES,
                                           reply="未发现问题", actor=s)
        inspecting.complete_petition_check(case, checked_on=D(2026, 9, 8), conclusion="无信访举报", actor=s)
        item = inspecting.request_opinion(case, department=Department.POLICE, requested_on=D(2026, 9, 3), actor=s)
        inspecting.record_opinion_reply(case, item.code, replied_on=D(2026, 9, 7), reply="无违法犯罪记录", actor=s)
        inspecting.record_exam(case, exam_date=D(2026, 9, 10), score_party_rules=85, score_law=80, score_integrity=90,
                               actor=s)

    def publicity(self, case, start=PUBLICITY_START):
        self.inspection(case)
        self.checks(case)
        return publicizing.start_publicity(case, start_date=start, actor=self.staff)

    def talk(self, case):
        publicity = self.publicity(case)
        return publicizing.decide_publicity(case, outcome=PublicityOutcome.NO_OBJECTION,
                                            decided_on=publicity.end_date + datetime.timedelta(days=1),
                                            actor=self.staff)

    def record_talk(self, case):
        return appointing.record_talk(case, talk_date=D(2026, 10, 13), bodies=[TalkBody.ORGANIZATION],
                                      talkers="王建国（县委组织部副部长）", key_points="严守纪律", pledge=pledge_file(),
                                      actor=self.staff)

    def appointed(self, case):
        self.talk(case)
        self.record_talk(case)
        return appointing.appoint(case, appointed_on=D(2026, 10, 15), document_no="青组干〔2026〕12号",
                                  actor=self.leader)


@pytest.fixture
def drive(staff, leader):
    return Driver(staff, leader)


def fresh(case):
    return type(case).objects.get(pk=case.pk)

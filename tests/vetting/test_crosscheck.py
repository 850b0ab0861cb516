"""The automatic cross-check against the cadres hub, and the 部领导's logged override of blocking items."""

import datetime

import pytest

from cadres.registry import CaseRef, register_case_source, register_warning_rule
from core.models import AuditEvent
from core.refusals import Refused
from tests.vetting.conftest import fresh, refused
from vetting import stats, workflow
from vetting.models import CaseStatus, CrossCheck
from vetting.services import appointing

D = datetime.date
S = CaseStatus


@pytest.fixture
def impact_period_rule():
    """A fake blocking rule from 'another app': the candidate is inside an impact period."""
    flagged = set()

    @register_warning_rule("fake_impact_period", "处于影响期", blocking=True)
    def rule(cadres, on_date):
        return {c.pk: ["2026-03-01诫勉，影响期至2026-12-31"] for c in cadres if c.pk in flagged}

    return flagged


@pytest.fixture
def advisory_rule():
    @register_warning_rule("fake_same_post", "同一职位任职满10年", blocking=False)
    def rule(cadres, on_date):
        return {c.pk: ["任现职已满10年"] for c in cadres}


@pytest.mark.django_db
def test_opening_a_case_runs_the_crosscheck(cadre, open_case, impact_period_rule, advisory_rule):
    impact_period_rule.add(cadre.pk)
    case = open_case()
    check = case.crosschecks.get()
    assert check.occasion == CrossCheck.Occasion.OPENING
    items = {(i.label, i.blocking) for i in check.items.all()}
    assert items == {("处于影响期", True), ("同一职位任职满10年", False)}
    assert case.events.filter(step="crosscheck", detail__contains="【阻止】处于影响期").exists()


@pytest.mark.django_db
def test_crosscheck_runs_again_before_publicity(cadre, case, drive, impact_period_rule):
    assert not workflow.unresolved_blocking(case)
    impact_period_rule.add(cadre.pk)  # found between opening and publicity
    drive.publicity(case)
    checks = list(case.crosschecks.order_by("run_at", "id"))
    assert [c.occasion for c in checks] == [CrossCheck.Occasion.OPENING, CrossCheck.Occasion.BEFORE_PUBLICITY]
    assert [i.blocking for i in checks[1].items.all()] == [True]


@pytest.mark.django_db
def test_blocking_item_stops_the_appointment_until_a_leader_overrides_in_writing(
        cadre, case, drive, staff, section_head, leader, impact_period_rule):
    impact_period_rule.add(cadre.pk)
    drive.talk(case)
    drive.record_talk(case)
    with refused("incomplete", match="须部领导书面批准"):
        appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    assert fresh(case).status == S.TALK
    assert stats.blocked_count() == 1

    for not_a_leader in (staff, section_head):
        with refused("denied"):
            appointing.override_blocking(case, "同意任职", actor=not_a_leader)
    with pytest.raises(Refused, match="书面意见"):
        appointing.override_blocking(case, " ", actor=leader)

    reason = "诫勉事由为工作失误，经部务会研究，影响期满前不作提拔，本次为平级任职，不受影响"
    appointing.override_blocking(case, reason, actor=leader)
    event = AuditEvent.objects.get(name="vetting.crosscheck.overridden")
    assert event.actor == leader and event.target_id == case.number
    assert event.changes["override_reason"] == reason and event.changes["items"] == ["处于影响期"]
    assert case.events.filter(step="crosscheck", actor=leader, detail__contains=reason).exists()
    assert stats.blocked_count() == 0

    appointing.appoint(case, appointed_on=D(2026, 10, 15), actor=leader)
    assert fresh(case).status == S.PROBATION


@pytest.mark.django_db
def test_advisory_items_do_not_block(case, drive, staff, advisory_rule):
    drive.appointed(case)
    assert fresh(case).status == S.PROBATION


@pytest.mark.django_db
def test_open_cases_from_other_apps_are_listed_and_block_when_they_say_so(cadre, open_case):
    @register_case_source("audit_due")
    def audits(c):
        return [CaseRef("audit_due", "SJ-2026-0003", "任中经济责任审计（提拔前应审）", "/audits/a/", "待审计",
                        is_open=True, blocks_vetting=True)]

    case = open_case()
    item = case.crosschecks.get().items.get()
    assert item.blocking and "SJ-2026-0003" in item.label and item.url == "/audits/a/"


@pytest.mark.django_db
def test_a_failing_rule_is_reported_not_skipped(cadre, open_case):
    @register_warning_rule("broken", "损坏的规则", blocking=True)
    def broken(cadres, on_date):
        raise RuntimeError("boom")

    item = open_case().crosschecks.get().items.get()
    assert item.blocking and "运行失败" in item.reason

"""Audit projects: the transition table, joint audits, numbering; the year statistics; the demo data."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audits import demo, services, stats
from audits.models import (
    Audit,
    AuditKind,
    AuditPlan,
    AuditStatus,
    Category,
    Finding,
    Mode,
    PlanStatus,
    ResultKind,
    ResultUse,
)
from core import demo as core_demo
from core import rectification
from core.refusals import Refused
from tests.audits import factories
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

STEP_VALUES = {"start": {"entry_date": datetime.date(2026, 2, 1)},
               "report": {"report_date": datetime.date(2026, 3, 1), "assessment": "good",
                          "violation_amount": Decimal("1.00")},
               "results": {"result_report_date": datetime.date(2026, 3, 5)},
               "close": {}, "cancel": {"cancel_reason": "机构撤并"}}


@pytest.fixture
def leader(county):
    factories.classify(county)
    return factories.principal(county)


LEGAL = [(state, row.action, row.target[0]) for row in services.AUDIT_MACHINE.transitions for state in row.source]
ILLEGAL = services.AUDIT_MACHINE.illegal()


@pytest.mark.parametrize(("status", "action", "target"), LEGAL, ids=[f"{s}-{a}" for s, a, _t in LEGAL])
def test_every_audit_step_of_the_table_moves_the_audit(leader, staff, status, action, target):
    audit = factories.audit(leader, staff)
    Audit.objects.filter(pk=audit.pk).update(status=status)
    services.transition(audit, action, actor=staff, **STEP_VALUES[action])
    assert Audit.objects.get(pk=audit.pk).status == target


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_audit_step_is_refused(leader, staff, status, action):
    audit = factories.audit(leader, staff)
    Audit.objects.filter(pk=audit.pk).update(status=status)
    with pytest.raises(Refused, match="不能") as refused:
        services.transition(audit, action, actor=staff, **STEP_VALUES[action])
    assert refused.value.code == "state"
    assert Audit.objects.get(pk=audit.pk).status == status


def test_steps_need_their_facts_and_dates_in_order(leader, staff):
    audit = factories.audit(leader, staff)
    with pytest.raises(Refused, match="进点日期"):
        services.transition(audit, "start", actor=staff)
    services.transition(audit, "start", entry_date=datetime.date(2026, 3, 1), actor=staff)
    with pytest.raises(Refused, match="不能早于进点日期"):
        services.transition(audit, "report", report_date=datetime.date(2026, 2, 1), assessment="good",
                            actor=staff)


def test_joint_audit_names_several_cadres_and_numbers_run_per_year(county, staff):
    first, second = factories.principal(county), factories.principal(county)
    with pytest.raises(Refused, match="联审"):
        services.create_audit(year=2026, unit=county, cadres=[first, second], kind=AuditKind.IN_OFFICE,
                              mode=Mode.DIRECT, actor=staff)
    joint = services.create_audit(year=2026, unit=county, cadres=[first, second], kind=AuditKind.JOINT,
                                  mode=Mode.DIRECT, actor=staff)
    assert [s.cadre for s in joint.subjects.order_by("-is_primary", "id")] == [first, second]
    later = factories.audit(first, staff, year=2027)
    assert (joint.number, later.number) == ("JZSJ-2026-001", "JZSJ-2027-001")
    assert factories.audit(second, staff).number == "JZSJ-2026-002"


def test_year_summary(county, staff, section_head):
    town = UnitFactory(code="TOWN", name="城关镇", parent=county)
    factories.classify(county, Category.A)
    factories.classify(town, Category.C, mode=Mode.SAMPLED)
    a_leader, c_leader = factories.principal(county), factories.principal(town)
    done = factories.reported_audit(a_leader, staff, amount=Decimal("1000.10"))
    factories.reported_audit(c_leader, staff, amount=Decimal("0.20"), mode=Mode.SAMPLED)
    factories.audit(factories.principal(county), staff)  # planned, not done
    cancelled = factories.audit(factories.principal(county), staff)
    services.transition(cancelled, "cancel", cancel_reason="撤销", actor=staff)
    fixed = factories.finding(done, staff, amount="10.00", start_date=datetime.date(2026, 3, 1))
    rectification.attach_evidence(fixed, _pdf(), actor=staff)
    rectification.record_progress(fixed, date=datetime.date(2026, 3, 2), note="完成", status="done", actor=staff)
    factories.finding(done, staff, amount="5.05", start_date=datetime.date(2026, 3, 1))  # overdue on 2026-06-01
    services.record_result(done, a_leader, kind=ResultKind.ADMONISHMENT, date=datetime.date(2026, 3, 3),
                           reason="x", actor=staff)
    services.record_result(done, a_leader, kind=ResultKind.NO_HONOURS, date=datetime.date(2026, 3, 3),
                           reason="x", actor=staff)

    summary = stats.summary(2026, on_date=datetime.date(2026, 6, 1))
    assert summary.planned == 3 and summary.done == 2
    cells = {(r["category"], r["mode"]): (r["planned"], r["done"]) for r in summary.by_category_mode}
    assert cells == {("A", "direct"): (2, 1), ("C", "sampled"): (1, 1)}
    assert summary.total_violation_amount == Decimal("1000.30")
    assert summary.findings_by_category == [{"category": "fiscal", "label": "财政财务收支", "count": 2,
                                             "amount": Decimal("15.05")}]
    assert summary.rectification_rate == Decimal("50.0") and summary.overdue_rectifications == 1
    assert {m["label"]: m["count"] for m in summary.measures} == {"取消评优评先资格": 1, "诫勉": 1}

    town_only = stats.summary(2026, unit=town)
    assert town_only.planned == 1 and town_only.total_violation_amount == Decimal("0.20")
    assert stats.summary(2025).planned == 0
    assert stats.summary(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)).planned == 3


def test_summary_respects_the_users_scope(county, staff, other_county_staff):
    factories.reported_audit(factories.principal(county), staff)
    assert stats.summary(2026, user=staff).planned == 1
    assert stats.summary(2026, user=other_county_staff).planned == 0


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")


def test_demo_has_a_plan_with_audits_in_every_state_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = {}
    core_demo.seed(context)
    demo.seed(context)
    counts = (Audit.objects.count(), Finding.objects.count(), ResultUse.objects.count())
    demo.seed(context)
    assert (Audit.objects.count(), Finding.objects.count(), ResultUse.objects.count()) == counts

    year = timezone.localdate().year
    plan = AuditPlan.objects.get(year=year)
    assert plan.status == PlanStatus.APPROVED
    assert set(plan.audits.values_list("status", flat=True)) == set(AuditStatus.values)
    assert set(Finding.objects.values_list("rectification_status", flat=True)) == set(
        rectification.RectificationStatus.values)
    assert any(f.days_overdue() >= 30 for f in Finding.objects.all())
    assert ResultUse.objects.filter(measure__isnull=False).exists()
    assert not AuditPlan.objects.filter(year=year + 1).exists()  # left for the user to build

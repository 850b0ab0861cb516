"""The annual-plan suggestion, its reasons, and freezing an approved plan."""

import datetime

import pytest

from audits import planning, services
from audits.models import (
    Audit,
    AuditKind,
    AuditPlan,
    AuditRules,
    AuditStatus,
    Category,
    CategoryPolicy,
    EntryDecision,
    Mode,
    PlanStatus,
    UnitClassification,
)
from audits.registry import _flag_sources, register_plan_flag_source
from cadres.models import CadreStatus, PositionHistory
from core.concurrency import LATEST
from core.models import AuditEvent
from core.refusals import Refused
from tests.audits import factories
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(county):
    return {code: UnitFactory(code=code, name=name, parent=county) for code, name in
            [("CZ", "县财政局"), ("JT", "县交通局"), ("TJ", "县统计局"), ("JY", "县教育局")]}


@pytest.fixture
def scenario(units, staff):
    """A: due by cycle (audited 2024, cycle 3 → 2027); B: not due (audited 2025, cycle 4 → 2029);
    a leader who left JT in 2026 without a departure audit."""
    factories.classify(units["CZ"], Category.A)
    factories.classify(units["JY"], Category.B)
    factories.classify(units["JT"], Category.A)
    due = factories.principal(units["CZ"], name="程芳")
    factories.closed_audit(due, staff, 2024)
    not_due = factories.principal(units["JY"], name="陈志远")
    factories.closed_audit(not_due, staff, 2025)
    left = factories.principal(units["TJ"], name="冯德明", post_since=datetime.date(2026, 9, 1))
    left.is_principal = False
    left.status = CadreStatus.NON_LEADING
    left.save()
    PositionHistory.objects.create(cadre=left, unit=units["JT"], post_title="局长", is_principal=True,
                                   start_date=datetime.date(2018, 3, 1), end_date=datetime.date(2026, 8, 31))
    return {"due": due, "not_due": not_due, "left": left}


def _by_name(proposals):
    return {p.cadre.name: p for p in proposals}


def test_default_category_policies_are_the_local_practice():
    policies = {p.category: (p.cycle_years, p.default_mode) for p in CategoryPolicy.objects.all()}
    assert policies == {"A": (3, Mode.DIRECT), "B": (4, Mode.DIRECT), "C": (5, Mode.SAMPLED),
                        "D": (5, Mode.INTERNAL)}
    assert AuditRules.current().rectification_days == 60


def test_suggestion_gives_each_proposal_its_reason(scenario, county):
    proposals = _by_name(planning.suggest(2027, county))

    due = proposals["程芳"]
    assert due.due and due.kind == AuditKind.IN_OFFICE and due.mode == Mode.DIRECT and due.category == "A"
    assert due.reasons == ["A类单位（每3年审计一次），上次审计为2024年，2027年已到审计周期"]

    left = proposals["冯德明"]
    assert left.due and left.kind == AuditKind.DEPARTURE
    assert left.unit.code == "JT"  # the unit he left, not the one he is in now
    assert left.reasons == ["2026年8月离任县交通局局长，未进行离任审计"]

    not_due = proposals["陈志远"]
    assert not not_due.due
    assert not_due.reasons == ["B类单位（每4年审计一次），上次审计为2025年，2029年到期"]


def test_a_departure_audit_takes_the_leader_off_the_suggestion(scenario, staff, units, county):
    factories.audit(scenario["left"], staff, year=2026, kind=AuditKind.DEPARTURE, unit=units["JT"])
    assert "冯德明" not in _by_name(planning.suggest(2027, county))


def test_cycle_counts_from_taking_up_the_post_when_never_audited(units, county):
    factories.classify(units["CZ"], Category.A)
    factories.principal(units["CZ"], name="新任", post_since=datetime.date(2025, 6, 1))
    proposal = _by_name(planning.suggest(2027, county))["新任"]
    assert not proposal.due and proposal.reasons == ["A类单位（每3年审计一次），2025年任现职，2028年到期"]
    assert _by_name(planning.suggest(2028, county))["新任"].due


def test_leaders_who_will_leave_within_the_year_are_proposed(units, county):
    factories.principal(units["TJ"], name="将退休", birth_date=datetime.date(1967, 3, 10),
                        post_since=datetime.date(2024, 1, 1))
    factories.principal(units["JY"], name="满十年", post_since=datetime.date(2017, 5, 1))
    proposals = _by_name(planning.suggest(2027, county))
    assert proposals["将退休"].kind == AuditKind.DEPARTURE
    assert proposals["将退休"].reasons == ["2027年3月年满60周岁，将离任，应进行离任审计"]
    assert proposals["满十年"].reasons == ["2017年5月起任现职，将满10年须交流，应进行离任审计"]


def test_other_apps_flag_cadres_through_the_registry(units, county):
    flagged = factories.principal(units["TJ"], name="被反映")

    @register_plan_flag_source("test")
    def source(year, cadres):
        assert cadres.filter(pk=flagged.pk).exists()
        return {flagged.pk: [f"{year - 1}年收到反映其经济问题的信访举报2件"]}

    try:
        proposal = _by_name(planning.suggest(2027, county))["被反映"]
    finally:
        _flag_sources.pop("test")
    assert proposal.due and proposal.reasons == ["2026年收到反映其经济问题的信访举报2件"]


def test_suggestion_stays_inside_the_scope(scenario, other_county):
    factories.classify(other_county, Category.A)
    outside = factories.principal(other_county, name="邻县")
    names = {p.cadre.name for p in planning.suggest(2027, scenario["due"].unit.parent)}
    assert outside.name not in names and "程芳" in names


def test_create_plan_stores_due_proposals_with_reasons(scenario, staff, county):
    plan = services.create_plan(2027, county, actor=staff)
    entries = {e.cadre.name: e for e in plan.entries.all()}
    assert set(entries) == {"程芳", "冯德明"}
    assert all(e.decision == EntryDecision.PROPOSED for e in entries.values())
    assert entries["冯德明"].kind == AuditKind.DEPARTURE and entries["冯德明"].reasons
    assert AuditEvent.objects.filter(name="audits.plan.created").exists()
    with pytest.raises(Refused):
        services.create_plan(2027, county, actor=staff)


def _approved_plan(scenario, staff, section_head, county):
    plan = services.create_plan(2027, county, actor=staff)
    for entry in plan.entries.all():
        services.decide_entry(entry, EntryDecision.ACCEPTED, actor=staff)
    services.change_plan_status(plan, "submit", actor=staff)
    return services.change_plan_status(plan, "approve", approved_on=datetime.date(2027, 1, 15),
                                       approval_ref="青审委〔2027〕1号", actor=section_head)


def test_approval_freezes_the_plan_and_opens_audit_projects(scenario, staff, section_head, county):
    plan = _approved_plan(scenario, staff, section_head, county)
    assert plan.status == PlanStatus.APPROVED and plan.is_frozen
    audits = Audit.objects.filter(plan=plan)
    assert audits.count() == 2 and set(audits.values_list("status", flat=True)) == {AuditStatus.PLANNED}
    assert set(audits.values_list("handler", flat=True)) == {staff.pk}  # who drew up the plan, not the approver
    entry = plan.entries.first()
    frozen = "计划已冻结，不能修改"
    with pytest.raises(Refused, match=frozen):
        services.decide_entry(entry, EntryDecision.DROPPED, "改变主意", actor=staff)
    with pytest.raises(Refused, match=frozen):
        services.add_entry(plan, scenario["not_due"], kind=AuditKind.IN_OFFICE, mode=Mode.DIRECT, reason="补充",
                           actor=staff)
    with pytest.raises(Refused, match=frozen):
        services.refresh_suggestion(plan, actor=staff)
    with pytest.raises(Refused, match=frozen):
        services.change_plan_status(plan, "return", reason="再议", actor=section_head)
    entry.refresh_from_db()
    assert entry.decision == EntryDecision.ACCEPTED


def test_plan_cannot_be_submitted_with_undecided_names(scenario, staff, county):
    plan = services.create_plan(2027, county, actor=staff)
    with pytest.raises(Refused, match="未确定"):
        services.change_plan_status(plan, "submit", actor=staff)


def test_dropping_needs_a_reason_and_manual_names_need_one_too(scenario, staff, county):
    plan = services.create_plan(2027, county, actor=staff)
    entry = plan.entries.get(cadre=scenario["due"])
    with pytest.raises(Refused, match="理由"):
        services.decide_entry(entry, EntryDecision.DROPPED, "", actor=staff)
    services.decide_entry(entry, EntryDecision.DROPPED, "已安排巡察", actor=staff)
    with pytest.raises(Refused, match="理由"):
        services.add_entry(plan, scenario["not_due"], kind=AuditKind.IN_OFFICE, mode=Mode.DIRECT, reason=" ",
                           actor=staff)
    added = services.add_entry(plan, scenario["not_due"], kind=AuditKind.IN_OFFICE, mode=Mode.DIRECT,
                               reason="审计委员会点题", actor=staff)
    assert added.decision == EntryDecision.ACCEPTED and added.reasons == ["审计委员会点题"]


def test_plan_transitions_follow_the_table(scenario, staff, section_head, county):
    plan = services.create_plan(2027, county, actor=staff)
    for entry in plan.entries.all():
        services.decide_entry(entry, EntryDecision.ACCEPTED, actor=staff)
    with pytest.raises(Refused):
        services.change_plan_status(plan, "return", reason="x", actor=section_head)  # not submitted yet
    services.change_plan_status(plan, "submit", actor=staff)
    with pytest.raises(Refused):
        services.change_plan_status(plan, "submit", actor=staff)
    services.change_plan_status(plan, "return", reason="补充说明", actor=section_head)
    assert AuditPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


PLAN_VALUES = {"submit": {}, "return": {"reason": "补充说明"}, "approve": {"approved_on": datetime.date(2027, 1, 15)}}
PLAN_ILLEGAL = services.PLAN_MACHINE.illegal()


@pytest.mark.parametrize(("status", "action"), PLAN_ILLEGAL, ids=[f"{s}-{a}" for s, a in PLAN_ILLEGAL])
def test_every_illegal_plan_transition_is_refused(scenario, staff, section_head, county, status, action):
    """An approved plan answers that it is frozen; any other illegal move names the plan's state."""
    plan = services.create_plan(2027, county, actor=staff)
    for entry in plan.entries.all():
        services.decide_entry(entry, EntryDecision.ACCEPTED, actor=staff)
    AuditPlan.objects.filter(pk=plan.pk).update(status=status, approved_on=PLAN_VALUES["approve"]["approved_on"]
                                                if status == PlanStatus.APPROVED else None)
    with pytest.raises(Refused) as refused:
        services.change_plan_status(plan, action, actor=section_head, **PLAN_VALUES[action])
    assert refused.value.code == ("frozen" if status == PlanStatus.APPROVED else "state")
    assert AuditPlan.objects.get(pk=plan.pk).status == status


def test_classification_changes_are_kept(units, staff):
    unit = units["CZ"]
    factories.classify(unit, Category.B, actor=staff)
    with pytest.raises(Refused, match="理由"):
        services.classify_unit(unit, category=Category.A, actor=staff, version=LATEST)
    services.classify_unit(unit, category=Category.A, reason="承担重大项目", actor=staff, version=LATEST)
    classification = UnitClassification.objects.get(unit=unit)
    assert classification.category == "A" and classification.mode == Mode.DIRECT
    history = list(classification.changes.order_by("changed_at", "id").values_list(
        "old_category", "new_category", "reason"))
    assert history == [("", "B", "初次分类"), ("B", "A", "承担重大项目")]

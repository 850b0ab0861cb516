"""巡察整改联督: items tracked by core.rectification (no second copy), the overdue escalation from the same code,
the joint review, accountability creating a supervision measure, and personal events."""

import datetime
import pkgutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import matters
from cadres.models import MeasureKind, SourceChannel, SupervisionMeasure
from cadres.timeline import timeline
from core import deadlines as core_deadlines
from core import rectification, roles
from core.models import AuditEvent, Notification
from core.refusals import Refused
from matters import deadlines as matters_deadlines
from matters import services
from matters.models import (
    AccountabilitySituation,
    EventKind,
    InspectionEvidence,
    InspectionItem,
    InspectionKind,
    InspectionProgress,
    InspectionStatus,
    MattersRules,
    ReviewConclusion,
)
from tests.factories import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def town(county):
    from tests.factories import UnitFactory

    return UnitFactory(code="DSZ", name="东山镇", parent=county)


@pytest.fixture
def secretary(town):
    return CadreFactory(unit=town, name="孙永强", is_principal=True, post_title="党委书记")


@pytest.fixture
def inspection(town, secretary, staff):
    return services.create_inspection(town, kind=InspectionKind.INSPECTION, round_name="2026年县委第一轮巡察",
                                      team="县委第二巡察组", feedback_on=D(2026, 3, 2), feedback="整改不力",
                                      secretary=secretary, actor=staff)


def _item(inspection, staff, **kwargs):
    return services.add_item(inspection, problem="惠农资金管理不规范", rectification_required="清理追回",
                             owner_name="农业农村办", actor=staff, **kwargs)


# --- the rectification logic is core.rectification, not a copy -----------------------------------------------


def test_items_are_audits_rectifiables():
    assert issubclass(InspectionItem, rectification.Rectifiable)
    assert issubclass(InspectionProgress, rectification.ProgressEntryBase)
    assert issubclass(InspectionEvidence, rectification.EvidenceBase)
    field = InspectionItem._meta.get_field("rectification_status")
    assert field.choices == rectification.RectificationStatus.choices


def test_no_second_copy_of_the_rectification_logic():
    """No module of the matters app defines its own rectification status table or services."""
    own = {"MACHINE", "RectificationStatus", "record_progress", "change_deadline", "attach_evidence",
           "void_evidence", "dues", "status_counts", "allowed"}
    for module_info in pkgutil.walk_packages(matters.__path__, "matters."):
        if ".migrations" in module_info.name:
            continue
        module = __import__(module_info.name, fromlist=["_"])
        for name, value in vars(module).items():
            if name in own:
                assert value is getattr(rectification, name, None), f"{module_info.name}.{name} is a second copy"


def test_item_deadline_defaults_to_sixty_days_and_is_a_setting(inspection, staff):
    assert _item(inspection, staff).rectification_deadline == D(2026, 5, 1)
    rules = MattersRules.current()
    rules.inspection_rectification_days = 90
    rules.save()
    assert _item(inspection, staff).rectification_deadline == D(2026, 5, 31)
    assert _item(inspection, staff, deadline=D(2026, 4, 1)).rectification_deadline == D(2026, 4, 1)


def test_progress_and_evidence_go_through_the_shared_services(inspection, staff):
    item = _item(inspection, staff)
    with pytest.raises(Refused, match="佐证"):
        rectification.record_progress(item, date=D(2026, 3, 20), note="完成", status="done", actor=staff)
    rectification.attach_evidence(item, SimpleUploadedFile("整改报告.pdf", PDF), actor=staff)
    rectification.record_progress(item, date=D(2026, 3, 20), note="完成", status="done", actor=staff)
    assert (item.rectification_status, item.rectification_done_on) == ("done", D(2026, 3, 20))
    assert AuditEvent.objects.filter(name="matters.inspectionitem.progress_recorded").exists()
    services.close_inspection(inspection, closed_on=D(2026, 3, 25), actor=staff)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.CLOSED


def test_inspection_with_open_items_cannot_be_closed(inspection, staff):
    _item(inspection, staff)
    with pytest.raises(Refused, match="1个整改事项未完成"):
        services.close_inspection(inspection, closed_on=D(2026, 3, 25), actor=staff)


def test_overdue_escalation_comes_from_audits_rectification(inspection, staff, county, monkeypatch):
    head = UserFactory(username="head_x", roles=[roles.SECTION_HEAD], unit=county, jurisdiction=county)
    item = _item(inspection, staff)  # deadline 2026-05-01, escalated 30 days after
    calls = []
    real = rectification.dues

    def spy(query, **kwargs):
        calls.append(kwargs)
        return real(query, **kwargs)

    monkeypatch.setattr(rectification, "dues", spy)
    early = core_deadlines.evaluate(matters_deadlines.inspection_rectification, D(2026, 5, 30))
    assert [(d.kind, d.level) for d in early] == [("matters.inspection_rectification", Notification.Level.OVERDUE)]
    late = core_deadlines.evaluate(matters_deadlines.inspection_rectification, D(2026, 5, 31))
    escalated = [d for d in late if d.kind == "matters.inspection_rectification_escalated"]
    assert len(escalated) == 1 and escalated[0].recipients == (head,) and escalated[0].target == item
    assert "【逾期30天，请督办】" in escalated[0].title
    assert calls and calls[0]["kind"] == "matters.inspection_rectification"
    # the number of the inspected unit's jurisdiction (core.deadlines.Query.setting), the city's 30 here
    assert "matters_mattersrules" in calls[0]["escalate_after"] and "n.unit_id" in calls[0]["escalate_after"]


# --- joint review and accountability -------------------------------------------------------------------------


def test_joint_review_records_the_four_parties_and_the_secretary(inspection, staff):
    review = services.record_joint_review(
        inspection, held_on=D(2026, 4, 20), discipline_opinion="进度偏慢", organization_opinion="选人用人整改不到位",
        inspection_office_opinion="措施不够具体", inspection_team_opinion="整改滞后",
        secretary_answers="承诺一月内完成",
        conclusion=ReviewConclusion.SUPPLEMENT, actor=staff)
    assert review.get_conclusion_display() == "基本通过，限期补充整改"
    assert AuditEvent.objects.filter(name="matters.jointreview.created").exists()


def test_accountability_of_the_secretary_creates_a_supervision_measure(inspection, secretary, staff):
    situations = list(AccountabilitySituation.objects.filter(active=True).order_by("sort_order")[:2])
    assert situations[0].label == "未认真履行巡察整改第一责任人责任"
    accountability = services.hold_accountable(
        inspection, situations=situations, measure_kind=MeasureKind.ADMONISHMENT, decided_on=D(2026, 5, 10),
        reason="整改推进迟缓", actor=staff)
    measure = SupervisionMeasure.objects.get(cadre=secretary)
    assert accountability.measure == measure
    assert (measure.kind, measure.date, measure.source_channel) == (MeasureKind.ADMONISHMENT, D(2026, 5, 10),
                                                                    SourceChannel.INSPECTION)
    assert (measure.source_type, measure.source_code) == ("matters.inspection", str(inspection.code))
    assert situations[0].label in measure.reason and "整改推进迟缓" in measure.reason
    assert accountability.situations == [s.label for s in situations]
    titles = [(e.category, e.title) for e in timeline(secretary)]
    assert ("巡察整改问责", f"诫勉（{inspection}）") in titles
    assert ("监督措施", "诫勉") in titles


def test_accountability_needs_situations_and_a_secretary(town, inspection, staff):
    with pytest.raises(Refused, match="问责情形"):
        services.hold_accountable(inspection, situations=[], measure_kind=MeasureKind.REMINDER_TALK,
                                  decided_on=D(2026, 5, 10), reason="x", actor=staff)
    bare = services.create_inspection(town, kind=InspectionKind.WORK_STYLE, round_name="作风督查", team="督查室",
                                      feedback_on=D(2026, 3, 2), feedback="脱岗", actor=staff)
    with pytest.raises(Refused, match="党组织书记"):
        services.hold_accountable(bare, situations=["整改弄虚作假、虚假整改"], measure_kind=MeasureKind.REMINDER_TALK,
                                  decided_on=D(2026, 5, 10), reason="x", actor=staff)


def test_each_kind_of_inspection_names_its_own_channel():
    """作风督查 and 干部监督员 are sources of their own (issue 13, item 4)."""
    assert services.measure_channel(InspectionKind.WORK_STYLE) == SourceChannel.WORK_STYLE
    assert services.measure_channel(InspectionKind.SUPERVISOR) == SourceChannel.SUPERVISOR
    assert services.measure_channel(InspectionKind.INSPECTION) == SourceChannel.INSPECTION


# --- personal events -----------------------------------------------------------------------------------------


def _event(person, staff, reported_on, **kwargs):
    values = {"kind": EventKind.WEDDING, "party": "儿子", "event_date": D(2026, 5, 10), "venue": "青溪宾馆",
              "tables": 12, "guests": 120, "accepts_gifts": False, "reported_on": reported_on}
    values.update(kwargs)
    return services.report_personal_event(person, actor=staff, **values)


def test_personal_event_reported_after_the_deadline_is_late(county, staff):
    person = CadreFactory(unit=county)
    assert not _event(person, staff, D(2026, 5, 9)).late
    assert _event(person, staff, D(2026, 5, 10)).late
    assert _event(person, staff, D(2026, 5, 12), kind=EventKind.FUNERAL).late
    rules = MattersRules.current()
    rules.event_report_lead_days = 7
    rules.save()
    assert _event(person, staff, D(2026, 5, 4)).late
    assert not _event(person, staff, D(2026, 5, 3)).late


def test_personal_event_with_gifts_names_the_scope_and_is_on_the_timeline(county, staff):
    person = CadreFactory(unit=county)
    with pytest.raises(Refused, match="收受范围"):
        _event(person, staff, D(2026, 5, 1), accepts_gifts=True)
    event = _event(person, staff, D(2026, 5, 12), accepts_gifts=True, gift_scope="仅限直系亲属")
    entry = [e for e in timeline(person) if e.category == "个人重大事项报告"][0]
    assert entry.title == "婚嫁：儿子"
    assert "12桌120人" in entry.detail and "仅限直系亲属" in entry.detail and "（迟报）" in entry.detail
    assert entry.url == event.get_absolute_url()

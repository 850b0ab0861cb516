"""Use of results: measures reach the cadre's profile and warnings; unrectified findings raise a warning;
audits show on the timeline; an audit due comes before promotion."""

import datetime

import pytest
from django.utils import timezone

from audits import services
from audits.models import AuditKind, ResultKind
from audits.warnings import UNRECTIFIED_RULE
from cadres.models import MeasureKind, SourceChannel, SupervisionMeasure
from cadres.registry import cases_about, timeline_sources
from cadres.warnings import evaluate, warnings_for
from core import rectification
from core.refusals import Refused
from tests.audits import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(county):
    factories.classify(county)
    return factories.principal(county, name="陈志刚")


@pytest.fixture
def audit(leader, staff):
    today = timezone.localdate()
    return factories.reported_audit(leader, staff, year=today.year, report_date=today - datetime.timedelta(days=90))


def _timeline(cadre):
    return [entry for source in timeline_sources() for entry in source(cadre)]


@pytest.mark.parametrize(("kind", "measure_kind"), list(services.MEASURE_FOR_RESULT.items()))
def test_measure_kinds_create_the_supervision_measure(audit, leader, staff, kind, measure_kind):
    today = timezone.localdate()
    result = services.record_result(audit, leader, kind=kind, date=today, reason="超范围列支", actor=staff)
    measure = SupervisionMeasure.objects.get(cadre=leader)
    assert result.measure == measure and measure.kind == measure_kind
    assert measure.source_channel == SourceChannel.AUDIT
    assert measure.source_code == str(audit.code) and measure.source_url == audit.get_absolute_url()
    assert audit.number in measure.reason


@pytest.mark.parametrize("kind", [ResultKind.NO_HONOURS, ResultKind.ASSESSMENT])
def test_other_kinds_stay_in_the_audits_app(audit, leader, staff, kind):
    result = services.record_result(audit, leader, kind=kind, date=timezone.localdate(), reason="审计结果运用",
                                    actor=staff)
    assert result.measure is None and not SupervisionMeasure.objects.filter(cadre=leader).exists()
    assert any(entry.title == f"结果运用：{ResultKind(kind).label}" for entry in _timeline(leader))


def test_results_only_for_audited_cadres_after_the_report(audit, leader, staff, county):
    stranger = factories.principal(county, name="他人")
    with pytest.raises(Refused, match="审计对象"):
        services.record_result(audit, stranger, kind=ResultKind.CRITICISM, date=timezone.localdate(), reason="x",
                               actor=staff)
    planned = factories.audit(stranger, staff)
    with pytest.raises(Refused, match="出具审计报告后"):
        services.record_result(planned, stranger, kind=ResultKind.CRITICISM, date=timezone.localdate(),
                               reason="x", actor=staff)


def test_admonishment_appears_on_the_profile_and_in_warnings(audit, leader, staff, client_for):
    today = timezone.localdate()
    services.record_result(audit, leader, kind=ResultKind.ADMONISHMENT, date=today - datetime.timedelta(days=10),
                           reason="审计发现超范围列支问题", actor=staff)
    codes = {warning.code for warning in warnings_for(leader, today)}
    assert "impact_period" in codes  # the cadres app's rule sees the measure: 诫勉 bars promotion for 6 months

    page = client_for(staff).get(leader.get_absolute_url()).content.decode()
    assert "诫勉" in page and "经济责任审计" in page and "审计发现超范围列支问题" in page
    assert "结果运用：诫勉" in page  # our timeline entry
    assert "处于影响期" in page


def test_unrectified_findings_raise_a_warning_until_rectified(audit, leader, staff, client_for):
    today = timezone.localdate()
    finding = factories.finding(audit, staff, start_date=today - datetime.timedelta(days=90))
    warnings = [w for w in warnings_for(leader, today) if w.code == UNRECTIFIED_RULE]
    assert len(warnings) == 1 and "已逾期30天" in warnings[0].reason and audit.number in warnings[0].reason
    assert "审计发现问题未整改" in client_for(staff).get(leader.get_absolute_url()).content.decode()

    rectification.attach_evidence(finding, _pdf(), actor=staff)
    rectification.record_progress(finding, date=today, note="已整改", status="done", actor=staff)
    assert not [w for w in warnings_for(leader, today) if w.code == UNRECTIFIED_RULE]


def test_unrectified_rule_names_the_responsible_cadre_of_a_joint_audit(county, staff):
    factories.classify(county)
    first, second = factories.principal(county, name="甲"), factories.principal(county, name="乙")
    today = timezone.localdate()
    joint = factories.reported_audit(first, staff, year=today.year, kind=AuditKind.JOINT, cadres=[first, second],
                                     report_date=today - datetime.timedelta(days=5))
    factories.finding(joint, staff, responsible=second)
    flagged = evaluate([first, second], today, rules=[UNRECTIFIED_RULE])
    assert set(flagged) == {second.pk}
    factories.finding(joint, staff)  # no one named: both audited cadres answer for it
    assert set(evaluate([first, second], today, rules=[UNRECTIFIED_RULE])) == {first.pk, second.pk}


def test_timeline_shows_the_audit_with_its_assessment_and_amount(audit, leader, staff):
    factories.finding(audit, staff, amount="12.30")
    entries = [e for e in _timeline(leader) if e.category == "经济责任审计"]
    assert len(entries) == 1
    assert entries[0].title.endswith("任中审计（直审）：" + leader.unit.display_name)
    assert "总体评价一般" in entries[0].detail and "违规金额1,000.00元" in entries[0].detail
    assert "发现问题1个，未整改1个" in entries[0].detail


def test_audit_due_is_a_case_before_promotion(leader, staff):
    refs = cases_about(leader, "audit_due")
    assert len(refs) == 1 and refs[0].blocks_vetting and "A类单位" in refs[0].label  # due by cycle, never audited
    planned = factories.audit(leader, staff, year=timezone.localdate().year)
    refs = cases_about(leader, "audit_due")
    assert [ref.code for ref in refs] == [planned.number] and refs[0].is_open and refs[0].blocks_vetting


def test_a_recent_audit_means_no_audit_is_due(audit, leader, staff):
    services.transition(audit, "close", actor=staff)
    assert cases_about(leader, "audit_due") == []


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")


def test_measure_kind_map_only_uses_cadres_kinds():
    assert set(services.MEASURE_FOR_RESULT.values()) <= set(MeasureKind.values)
    assert set(services.MEASURE_FOR_RESULT) | {ResultKind.NO_HONOURS, ResultKind.ASSESSMENT} == set(ResultKind)

"""因私出国（境）: the handover, expiry and return deadlines on fixed dates, the block by an open case, the joint
review and approval order, the transition table, the late-return warning, registration and the timeline."""

import datetime

import pytest

from cadres import registry
from cadres.timeline import timeline
from cadres.warnings import warnings_for
from core import deadlines
from core.models import AuditEvent, Notification
from core.refusals import Refused
from matters import deadlines as matters_deadlines
from matters import services
from matters.models import (
    ApplicationStatus,
    Certificate,
    CertificateStatus,
    InvestigationKind,
    MattersRules,
    OpinionResult,
    ReviewDepartment,
    TravelApplication,
)
from matters.services import ApplicationBlocked
from matters.warnings import INVESTIGATION_RULE, LATE_RETURN_RULE
from tests.factories import CadreFactory
from tests.matters import factories

pytestmark = pytest.mark.django_db
D = datetime.date
Level = Notification.Level


@pytest.fixture
def person(county):
    return CadreFactory(unit=county, name="陈志刚")


def _levels(provider, on_date, target=None):
    return [(due.kind, due.level) for due in deadlines.evaluate(provider, on_date)
            if target is None or due.target == target]


def _rules(**values):
    rules = MattersRules.current()
    for name, value in values.items():
        setattr(rules, name, value)
    rules.save()
    return rules


# --- handover within 10 days of issue ------------------------------------------------------------------------


def test_handover_is_due_ten_days_after_issue_and_reported_by_the_scan(person, staff):
    cert = factories.certificate(person, staff, issued_on=D(2026, 3, 2), handed_over_on=None)
    assert cert.status == CertificateStatus.AWAITING
    assert cert.handover_due == D(2026, 3, 12)
    kind = "matters.certificate_handover"
    assert _levels(matters_deadlines.certificate_handovers, D(2026, 3, 6), cert) == []  # 6 days away
    assert _levels(matters_deadlines.certificate_handovers, D(2026, 3, 7), cert) == [(kind, Level.NOTICE)]
    assert _levels(matters_deadlines.certificate_handovers, D(2026, 3, 12), cert) == [(kind, Level.WARNING)]
    assert _levels(matters_deadlines.certificate_handovers, D(2026, 3, 13), cert) == [(kind, Level.OVERDUE)]
    services.hand_over(cert, D(2026, 3, 13), actor=staff)
    cert.refresh_from_db()
    assert cert.status == CertificateStatus.IN_CUSTODY and cert.handed_over_on == D(2026, 3, 13)
    assert _levels(matters_deadlines.certificate_handovers, D(2026, 3, 20), cert) == []
    assert "逾期1天" in AuditEvent.objects.get(name="matters.certificate.handed_over").summary


def test_handover_days_are_a_setting(person, staff):
    _rules(handover_days=15)
    cert = factories.certificate(person, staff, issued_on=D(2026, 3, 2), handed_over_on=None)
    assert cert.handover_due == D(2026, 3, 17)


# --- expiry within 6 months ----------------------------------------------------------------------------------


def test_expiry_is_flagged_from_six_months_before(person, staff):
    cert = factories.certificate(person, staff, issued_on=D(2016, 10, 1), expires_on=D(2026, 9, 30))
    kind = "matters.certificate_expiry"
    assert not services.expiring_soon(cert, D(2026, 3, 29))
    assert services.expiring_soon(cert, D(2026, 3, 30))
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 3, 29), cert) == []
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 3, 30), cert) == [(kind, Level.NOTICE)]
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 9, 30), cert) == [(kind, Level.WARNING)]
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 10, 1), cert) == [(kind, Level.OVERDUE)]
    services.cancel_certificate(cert, D(2026, 10, 8), "过期注销", actor=staff)
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 10, 9), cert) == []


def test_expiry_window_is_a_setting(person, staff):
    _rules(expiry_notice_months=3)
    cert = factories.certificate(person, staff, issued_on=D(2016, 10, 1), expires_on=D(2026, 9, 30))
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 6, 29), cert) == []
    assert _levels(matters_deadlines.certificate_expiries, D(2026, 6, 30), cert) == [
        ("matters.certificate_expiry", Level.NOTICE)]


# --- return within 7 days after coming back ------------------------------------------------------------------


def test_return_is_due_seven_days_after_the_trip_and_reported_by_the_scan(person, staff):
    app, loan = factories.travelling(person, staff)
    assert loan.return_due == D(2026, 4, 17)
    kind = "matters.certificate_return"
    assert _levels(matters_deadlines.certificate_returns, D(2026, 4, 11), loan) == []
    assert _levels(matters_deadlines.certificate_returns, D(2026, 4, 12), loan) == [(kind, Level.NOTICE)]
    assert _levels(matters_deadlines.certificate_returns, D(2026, 4, 17), loan) == [(kind, Level.WARNING)]
    assert _levels(matters_deadlines.certificate_returns, D(2026, 4, 18), loan) == [(kind, Level.OVERDUE)]
    # the core scan turns it into one notification, once
    assert deadlines.scan(D(2026, 4, 18))[kind] == 1
    assert deadlines.scan(D(2026, 4, 18))[kind] == 0
    assert Notification.objects.get(kind=kind).recipient == staff
    services.return_certificate(app, returned_on=D(2026, 4, 16), report="按批准行程往返", actor=staff)
    assert _levels(matters_deadlines.certificate_returns, D(2026, 4, 20), loan) == []


def test_return_days_are_a_setting(person, staff):
    _rules(return_days=10)
    _app, loan = factories.travelling(person, staff)
    assert loan.return_due == D(2026, 4, 20)


# --- blocked by an open case ---------------------------------------------------------------------------------


def test_application_blocked_while_under_investigation(person, staff):
    record = services.record_investigation(person, kind=InvestigationKind.REVIEW, started_on=D(2026, 2, 1),
                                           actor=staff)
    with pytest.raises(ApplicationBlocked) as caught:
        factories.application(person, staff)
    assert caught.value.reasons == ["正在接受县纪委监委立案审查（2026-02-01立案）"]
    assert not TravelApplication.objects.exists()
    event = AuditEvent.objects.get(name="matters.application.blocked")  # the refusal survives the rollback
    assert event.changes["reasons"] == caught.value.reasons
    services.close_investigation(record, ended_on=D(2026, 3, 1), outcome="予以了结", actor=staff)
    assert factories.application(person, staff, applied_on=D(2026, 3, 2)).status == ApplicationStatus.REVIEWING


def test_application_blocked_by_an_open_petition_with_specific_clues_through_the_registry(person, staff,
                                                                                          monkeypatch):
    refs = {"value": [registry.CaseRef(topic="petition", code="XF-2026-00042", label="信访举报件 XF-2026-00042",
                                       url="/petitions/x/", status="初步核实中", is_open=True,
                                       blocks_vetting=True)]}
    monkeypatch.setitem(registry._case_sources, "petition", lambda cadre: refs["value"])
    with pytest.raises(ApplicationBlocked, match="线索具体的信访举报尚未办结：信访举报件 XF-2026-00042（初步核实中）"):
        factories.application(person, staff)
    refs["value"] = [registry.CaseRef(topic="petition", code="XF-2026-00043", label="信访举报件", url="",
                                      status="已办结", is_open=False, blocks_vetting=False)]
    assert factories.application(person, staff).pk


def test_application_blocked_by_a_real_petition(person, staff):
    from tests.petitions.factories import make_petition

    make_petition(staff, cadre=person, received_on=D(2026, 2, 20), clues_specific=True)
    assert services.travel_blockers(person, D(2026, 3, 2))
    with pytest.raises(ApplicationBlocked):
        factories.application(person, staff)


def test_approval_is_refused_when_a_block_arises_during_the_review(person, staff):
    app = factories.review(factories.application(person, staff), staff)
    services.record_investigation(person, kind=InvestigationKind.INVESTIGATION, started_on=D(2026, 3, 6),
                                  actor=staff)
    with pytest.raises(ApplicationBlocked, match="立案调查"):
        services.approve(app, decided_on=D(2026, 3, 10), actor=staff)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED


# --- joint review and approval order -------------------------------------------------------------------------


def test_four_opinions_due_in_five_working_days_then_approval(person, staff):
    app = factories.application(person, staff, applied_on=D(2026, 3, 2))  # a Monday
    opinions = list(app.opinions.order_by("department"))
    assert sorted(o.department for o in opinions) == sorted(ReviewDepartment.values)
    assert {o.reply_due for o in opinions} == {D(2026, 3, 9)}
    assert app.approval_authority == "县委组织部"
    with pytest.raises(Refused, match="联审中"):
        services.approve(app, decided_on=D(2026, 3, 10), actor=staff)
    departments = list(ReviewDepartment.values)
    for department in departments[:3]:
        services.record_opinion(app, department, replied_on=D(2026, 3, 5), result=OpinionResult.AGREE, actor=staff)
        app.refresh_from_db()
        assert app.status == ApplicationStatus.REVIEWING
    with pytest.raises(Refused, match="已记录"):
        services.record_opinion(app, departments[0], replied_on=D(2026, 3, 5), result=OpinionResult.AGREE,
                                actor=staff)
    services.record_opinion(app, departments[3], replied_on=D(2026, 3, 6), result=OpinionResult.AGREE, actor=staff)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REVIEWED
    services.approve(app, decided_on=D(2026, 3, 10), decision_ref="青组干审〔2026〕1号", actor=staff)
    app.refresh_from_db()
    assert (app.status, app.decided_on) == (ApplicationStatus.APPROVED, D(2026, 3, 10))
    names = list(AuditEvent.objects.filter(name__startswith="matters.application").order_by("id")
                 .values_list("name", flat=True))
    assert names == ["matters.application.created", "matters.application.reviewed", "matters.application.approved"]


def test_a_disagreeing_department_prevents_approval(person, staff):
    app = factories.review(factories.application(person, staff), staff,
                           results={ReviewDepartment.SECRECY: OpinionResult.DISAGREE})
    with pytest.raises(Refused, match="保密部门不同意"):
        services.approve(app, decided_on=D(2026, 3, 10), actor=staff)
    services.reject(app, decided_on=D(2026, 3, 10), reason="保密部门不同意", actor=staff)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REJECTED


def test_disagreement_needs_an_explanation(person, staff):
    app = factories.application(person, staff)
    with pytest.raises(Refused, match="意见说明"):
        services.record_opinion(app, ReviewDepartment.SECRECY, replied_on=D(2026, 3, 5),
                                result=OpinionResult.DISAGREE, actor=staff)


def test_principal_leader_goes_to_the_committee_leader(county, staff):
    leader = CadreFactory(unit=county, is_principal=True)
    assert factories.application(leader, staff).approval_authority.startswith("县委主要领导")


ACTIONS = {
    "reviewed": lambda app, actor: services.record_opinion(app, ReviewDepartment.values[0], replied_on=D(2026, 3, 5),
                                                           result=OpinionResult.AGREE, actor=actor),
    "approve": lambda app, actor: services.approve(app, decided_on=D(2026, 3, 10), actor=actor),
    "reject": lambda app, actor: services.reject(app, decided_on=D(2026, 3, 10), reason="不同意", actor=actor),
    "withdraw": lambda app, actor: services.withdraw(app, reason="本人撤回", actor=actor),
    "lend": lambda app, actor: services.lend_certificate(app, lent_on=D(2026, 3, 30), actor=actor),
    "return": lambda app, actor: services.return_certificate(app, returned_on=D(2026, 4, 12), report="已返回",
                                                             actor=actor),
}
ILLEGAL = services.APPLICATION_MACHINE.illegal()


def test_every_application_action_has_its_service():
    assert set(ACTIONS) == set(services.APPLICATION_MACHINE.actions)


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
def test_every_illegal_transition_is_refused(person, staff, status, action):
    cert = factories.certificate(person, staff)
    app = factories.application(person, staff, certificate=cert)
    TravelApplication.objects.filter(pk=app.pk).update(status=status)
    with pytest.raises(Refused, match="不能"):
        ACTIONS[action](app, staff)
    app.refresh_from_db()
    assert app.status == status


def _in_status(cert, status):
    Certificate.objects.filter(pk=cert.pk).update(status=status)
    cert.refresh_from_db()
    return cert


def _hand_over(person, staff, status):
    cert = _in_status(factories.certificate(person, staff), status)
    services.hand_over(cert, D(2026, 1, 9), actor=staff)
    return cert


def _cancel(person, staff, status):
    cert = _in_status(factories.certificate(person, staff), status)
    services.cancel_certificate(cert, D(2026, 1, 9), "换发", actor=staff)
    return cert


def _lend(person, staff, status):
    cert = factories.certificate(person, staff)
    app = factories.approved(person, staff, certificate=cert)
    _in_status(cert, status)
    services.lend_certificate(app, lent_on=D(2026, 3, 30), actor=staff)


def _return(person, staff, status):
    app, loan = factories.travelling(person, staff)
    _in_status(loan.certificate, status)
    services.return_certificate(app, returned_on=D(2026, 4, 12), report="已返回", actor=staff)


# Each puts the certificate in `status` at the last moment, then tries the action.
CERTIFICATE_ACTIONS = {"hand_over": _hand_over, "cancel": _cancel, "lend": _lend, "return": _return}
CERTIFICATE_ILLEGAL = services.CERTIFICATE_MACHINE.illegal()


def test_every_certificate_action_has_its_service():
    assert set(CERTIFICATE_ACTIONS) == set(services.CERTIFICATE_MACHINE.actions)


@pytest.mark.parametrize(("status", "action"), CERTIFICATE_ILLEGAL, ids=[f"{s}-{a}" for s, a in CERTIFICATE_ILLEGAL])
def test_every_illegal_certificate_transition_is_refused(person, staff, status, action):
    with pytest.raises(Refused) as refused:
        CERTIFICATE_ACTIONS[action](person, staff, status)
    assert refused.value.code == "state"
    assert f"不能{services.CERTIFICATE_MACHINE.label(action)}" in str(refused.value)
    assert Certificate.objects.get(cadre=person).status == status


# --- lending and return --------------------------------------------------------------------------------------


def test_lend_and_return_move_the_certificate_and_are_logged(person, staff):
    app, loan = factories.travelling(person, staff)
    cert = loan.certificate
    cert.refresh_from_db()
    assert (app.status, cert.status) == (ApplicationStatus.TRAVELLING, CertificateStatus.LENT)
    assert AuditEvent.objects.filter(name="matters.certificate.lent", target_id=str(cert.code)).exists()
    with pytest.raises(Refused, match="回国（境）报告"):
        services.return_certificate(app, returned_on=D(2026, 4, 12), report=" ", actor=staff)
    services.return_certificate(app, returned_on=D(2026, 4, 12), report="按批准行程往返，无其他情况", actor=staff)
    app.refresh_from_db()
    cert.refresh_from_db()
    assert (app.status, cert.status) == (ApplicationStatus.COMPLETED, CertificateStatus.IN_CUSTODY)
    event = AuditEvent.objects.get(name="matters.certificate.returned")
    assert event.changes["days_late"] == 0 and cert.number not in event.summary


def test_a_certificate_expiring_before_the_return_cannot_be_lent(person, staff):
    cert = factories.certificate(person, staff, issued_on=D(2016, 4, 5), expires_on=D(2026, 4, 5))
    app = factories.approved(person, staff)
    with pytest.raises(Refused, match="有效期"):
        services.lend_certificate(app, lent_on=D(2026, 3, 30), certificate=cert, actor=staff)


# --- warning rules -------------------------------------------------------------------------------------------


def _warning_reasons(cadre, on_date, code):
    return [w.reason for w in warnings_for(cadre, on_date) if w.code == code]


def test_a_late_return_raises_a_warning(person, staff):
    app, _loan = factories.travelling(person, staff)
    assert _warning_reasons(person, D(2026, 4, 17), LATE_RETURN_RULE) == []
    assert _warning_reasons(person, D(2026, 4, 20), LATE_RETURN_RULE) == [
        f"因私护照应于2026-04-17交回（{app.number}），已逾期3天未交回"]
    services.return_certificate(app, returned_on=D(2026, 4, 22), report="返程后出差，延误交回", actor=staff)
    assert _warning_reasons(person, D(2026, 5, 1), LATE_RETURN_RULE) == [
        f"因私护照于2026-04-22交回（{app.number}），逾期5天"]
    assert _warning_reasons(person, D(2027, 4, 23), LATE_RETURN_RULE) == []  # after the 12-month window


def test_a_return_on_time_raises_no_warning(person, staff):
    app, _loan = factories.travelling(person, staff)
    services.return_certificate(app, returned_on=D(2026, 4, 17), report="按期交回", actor=staff)
    assert _warning_reasons(person, D(2026, 5, 1), LATE_RETURN_RULE) == []


def test_an_investigation_is_a_blocking_warning(person, staff):
    services.record_investigation(person, kind=InvestigationKind.REVIEW, started_on=D(2026, 2, 1), actor=staff)
    warning = [w for w in warnings_for(person, D(2026, 3, 1)) if w.code == INVESTIGATION_RULE][0]
    assert warning.blocking and "立案审查" in warning.reason


# --- opinions deadline, registration, timeline -----------------------------------------------------------------


def test_unanswered_opinions_are_reported_until_the_review_ends(person, staff):
    app = factories.application(person, staff, applied_on=D(2026, 3, 2))
    dues = deadlines.evaluate(matters_deadlines.opinion_replies, D(2026, 3, 10))
    assert len(dues) == 4 and {d.level for d in dues} == {Level.OVERDUE}
    assert all(app.number in d.title for d in dues)
    factories.review(app, staff, replied_on=D(2026, 3, 10))
    assert deadlines.evaluate(matters_deadlines.opinion_replies, D(2026, 3, 11)) == []


def test_one_active_registration_and_removal_needs_a_reason(person, staff):
    registration = services.register_cadre(person, D(2025, 1, 2), actor=staff)
    with pytest.raises(Refused, match="已登记备案"):
        services.register_cadre(person, D(2025, 2, 2), actor=staff)
    with pytest.raises(Refused, match="原因"):
        services.remove_registration(registration, D(2026, 3, 1), "", actor=staff)
    services.remove_registration(registration, D(2026, 3, 1), "调离县管干部范围", actor=staff)
    assert services.register_cadre(person, D(2026, 5, 1), actor=staff).is_active


def test_travel_appears_on_the_profile_timeline(person, staff):
    app, _loan = factories.travelling(person, staff)
    services.return_certificate(app, returned_on=D(2026, 4, 20), report="延误交回", actor=staff)
    titles = [(e.category, e.title) for e in timeline(person)]
    assert ("因私出国（境）", f"申请赴日本（{app.number}）") in titles
    assert ("因私出国（境）", "借出因私护照") in titles
    assert ("因私出国（境）", "交回因私护照（逾期3天）") in titles
    assert ("因私出国（境）", "交存因私护照") in titles

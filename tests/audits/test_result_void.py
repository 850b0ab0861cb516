"""Voiding a recorded use of results (结果运用): with a reason, never deleted, the supervision measure it created
voided with it (as cadres.services.void_measure does from the profile), permission-checked and in the audit log."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audits import services, stats
from audits.models import ResultKind, ResultUse
from audits.timeline import audit_entries
from cadres import services as cadre_services
from cadres.models import MeasureKind
from core.models import AuditEvent
from core.refusals import Refused
from tests.audits import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(county):
    """The audited principal leader (not the `leader` persona, a department leader)."""
    factories.classify(county)
    return factories.principal(county, name="陈志刚")


@pytest.fixture
def audit(audited, staff):
    today = timezone.localdate()
    return factories.reported_audit(audited, staff, year=today.year, report_date=today - datetime.timedelta(days=90))


@pytest.fixture
def admonishment(audit, audited, staff):
    return services.record_result(audit, audited, kind=ResultKind.ADMONISHMENT,
                                  date=timezone.localdate() - datetime.timedelta(days=10),
                                  reason="超范围列支，负直接责任", actor=staff)


def _url(audit, result):
    return reverse("audits:result_void", args=[audit.code, result.code])


# --- the service ------------------------------------------------------------------------------------------------


def test_voiding_keeps_the_result_and_voids_its_measure(admonishment, audited, staff):
    assert cadre_services.promotion_barred_until(audited) is not None  # 诫勉: six months

    services.void_result(admonishment, "决定已撤销", actor=staff)

    result = ResultUse.objects.get(pk=admonishment.pk)  # still there
    assert result.is_void and result.void_reason == "决定已撤销" and result.voided_by == staff
    measure = result.measure
    assert measure.is_void and "决定已撤销" in measure.void_reason and result.audit.number in measure.void_reason
    assert cadre_services.promotion_barred_until(audited) is None  # no impact period runs on a voided result
    event = AuditEvent.objects.get(name="audits.result.voided")
    assert event.target_id == str(result.code) and event.actor == staff
    assert event.changes["void_reason"] == [None, "决定已撤销"] and event.changes["measure_voided"] is True
    assert AuditEvent.objects.filter(name="cadres.measure.voided", target_id=str(measure.code)).exists()


def test_a_reason_is_required_and_nothing_changes_without_one(admonishment, staff):
    with pytest.raises(Refused, match="作废原因"):
        services.void_result(admonishment, "   ", actor=staff)
    admonishment.refresh_from_db()
    assert not admonishment.is_void and not admonishment.measure.is_void
    assert not AuditEvent.objects.filter(name="audits.result.voided").exists()


def test_a_void_result_cannot_be_voided_again(admonishment, staff):
    services.void_result(admonishment, "登记错误", actor=staff)
    with pytest.raises(Refused, match="已作废"):
        services.void_result(admonishment, "再次作废", actor=staff)
    assert ResultUse.objects.get(pk=admonishment.pk).void_reason == "登记错误"


def test_a_result_without_a_measure_is_voided_alone(audit, audited, staff):
    result = services.record_result(audit, audited, kind=ResultKind.NO_HONOURS, date=timezone.localdate(),
                                    reason="取消评优", actor=staff)
    services.void_result(result, "重复登记", actor=staff)
    result.refresh_from_db()
    assert result.is_void and result.measure is None
    assert AuditEvent.objects.get(name="audits.result.voided").changes["measure_voided"] is False


def test_a_measure_already_voided_from_the_profile_is_left_as_it_is(admonishment, staff, section_head):
    cadre_services.void_measure(admonishment.measure, "在干部档案中作废", actor=section_head)
    services.void_result(admonishment, "随之作废", actor=staff)
    admonishment.refresh_from_db()
    assert admonishment.is_void and admonishment.measure.void_reason == "在干部档案中作废"
    assert AuditEvent.objects.filter(name="cadres.measure.voided").count() == 1


def test_void_results_leave_the_statistics_and_are_marked_on_the_timeline(admonishment, audit, audited, staff):
    year = audit.year
    assert [m["kind"] for m in stats.summary(year, user=staff).measures] == [ResultKind.ADMONISHMENT]
    services.void_result(admonishment, "决定已撤销", actor=staff)
    assert stats.summary(year, user=staff).measures == []
    entry = next(e for e in audit_entries(audited) if e.title.startswith("结果运用"))
    assert "已作废：决定已撤销" in entry.detail


# --- the view ---------------------------------------------------------------------------------------------------


def test_staff_voids_a_result_from_the_audit_page(admonishment, audit, staff, client_for):
    client = client_for(staff)
    page = client.get(audit.get_absolute_url()).content.decode()
    assert _url(audit, admonishment) in page

    form = client.get(_url(audit, admonishment))
    assert form.status_code == 200
    assert "同时作废" in form.content.decode() and MeasureKind.ADMONISHMENT.label in form.content.decode()

    response = client.post(_url(audit, admonishment), {"reason": "决定已撤销"}, follow=True)
    assert response.redirect_chain[-1][0] == audit.get_absolute_url()
    page = response.content.decode()
    assert "已作废结果运用" in page and "作废：决定已撤销" in page and "（已作废）" in page
    assert _url(audit, admonishment) not in page  # no second void link
    history = page[page.index("变更记录"):]
    assert "作废结果运用" in history and "作废原因" in history
    assert ResultUse.objects.get(pk=admonishment.pk).is_void


def test_a_missing_reason_shows_the_form_again(admonishment, audit, staff, client_for):
    response = client_for(staff).post(_url(audit, admonishment), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ResultUse.objects.get(pk=admonishment.pk).is_void


@pytest.mark.parametrize("persona", ["leader", "liaison_a", "system_admin", "security_auditor", "outsider"])
def test_others_may_not_void(persona, request, admonishment, audit, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(_url(audit, admonishment), {"reason": "试图作废"})
    assert response.status_code == 403
    assert not ResultUse.objects.get(pk=admonishment.pk).is_void
    assert AuditEvent.objects.filter(name="core.access.denied", actor=user).exists()


def test_leader_sees_no_void_link(admonishment, audit, leader, client_for):
    assert _url(audit, admonishment) not in client_for(leader).get(audit.get_absolute_url()).content.decode()


def test_unknown_or_foreign_results_are_not_found(admonishment, audit, staff, other_county_staff, county,
                                                  client_for):
    client = client_for(staff)
    assert client.get(reverse("audits:result_void", args=[audit.code, uuid.uuid4()])).status_code == 404
    other = factories.reported_audit(factories.principal(county), staff)
    # a result is reached only through its own audit
    assert client.get(reverse("audits:result_void", args=[other.code, admonishment.code])).status_code == 404
    # and not at all from another county
    assert client_for(other_county_staff).post(_url(audit, admonishment), {"reason": "x"}).status_code == 404
    assert not ResultUse.objects.get(pk=admonishment.pk).is_void

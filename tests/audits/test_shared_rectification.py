"""One rectification web layer for audits and matters (core.rectification_views) and one declaration of the
companion models (core.rectification.companion_models): the contract the services rely on, unchanged schema,
and the same behaviour in both apps."""

import datetime

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import resolve, reverse

from audits.models import Finding, FindingEvidence, FindingProgress
from core import rectification
from core.rectification_views import ItemViews
from core.refusals import Refused
from matters import services as matters_services
from matters.models import InspectionEvidence, InspectionItem, InspectionKind, InspectionProgress
from tests.audits import factories
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _inspection_item(county, staff):
    town = UnitFactory(code="DSZ", name="东山镇", parent=county)
    inspection = matters_services.create_inspection(
        town, kind=InspectionKind.INSPECTION, round_name="2026年第一轮巡察", team="第二巡察组",
        feedback_on=datetime.date(2026, 3, 2), feedback="整改不力", secretary=None, actor=staff)
    return inspection, matters_services.add_item(inspection, problem="问题", rectification_required="要求",
                                                 owner_name="办公室", actor=staff)


@pytest.mark.parametrize(("item", "progress", "evidence", "subdir"), [
    (Finding, FindingProgress, FindingEvidence, "audits/evidence"),
    (InspectionItem, InspectionProgress, InspectionEvidence, "matters/evidence"),
])
def test_companion_models_keep_the_contract(item, progress, evidence, subdir):
    assert issubclass(item, rectification.RectificationItem)
    for model, base, related in ((progress, rectification.ProgressEntryBase, "progress_entries"),
                                 (evidence, rectification.EvidenceBase, "evidence_files")):
        assert issubclass(model, base) and model.__module__ == item.__module__
        assert apps.get_model(model._meta.label) is model
        field = model._meta.get_field("item")
        assert field.related_model is item and field.remote_field.related_name == related
        assert model._meta.ordering == base._meta.ordering
    assert evidence.upload_subdir == subdir


def test_the_shared_declarations_change_no_schema():
    call_command("makemigrations", "audits", "matters", check=True, dry_run=True, verbosity=0)


def test_both_apps_route_item_actions_to_the_shared_views(county, staff):
    audit = factories.reported_audit(factories.principal(county), staff)
    finding = factories.finding(audit, staff)
    inspection, item = _inspection_item(county, staff)
    for url in (reverse("audits:finding_progress", args=[audit.code, finding.code]),
                reverse("matters:item_void", args=[inspection.code, item.code])):
        assert isinstance(resolve(url).func.__self__, ItemViews)


def test_both_apps_report_an_invalid_form_the_same_way(county, staff, client_for):
    """One helper (core.refusals.show_form_errors): the field's label, then its error."""
    audit = factories.reported_audit(factories.principal(county), staff)
    finding = factories.finding(audit, staff)
    inspection, item = _inspection_item(county, staff)
    client = client_for(staff)
    response = client.post(reverse("audits:finding_void", args=[audit.code, finding.code]), {"reason": ""})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["作废理由 该字段是必填项。"]
    client.get(finding.get_absolute_url())  # shows (and so clears) the message
    response = client.post(reverse("matters:item_void", args=[inspection.code, item.code]), {"reason": ""})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["作废理由 该字段是必填项。"]
    assert Finding.objects.get(pk=finding.pk).voided_at is None
    assert InspectionItem.objects.get(pk=item.pk).voided_at is None


def test_voiding_an_item_is_one_service_for_both_apps(county, staff):
    from audits import services as audit_services
    from core.models import AuditEvent

    audit = factories.reported_audit(factories.principal(county), staff)
    finding = factories.finding(audit, staff)
    with pytest.raises(Refused, match="作废须说明理由"):
        audit_services.void_finding(finding, " ", actor=staff)
    audit_services.void_finding(finding, "重复登记", actor=staff)
    with pytest.raises(Refused, match="该问题已作废"):
        audit_services.void_finding(finding, "再次", actor=staff)
    event = AuditEvent.objects.get(name="audits.finding.voided")
    assert event.summary.startswith("作废审计发现问题") and event.changes == {"reason": "重复登记"}

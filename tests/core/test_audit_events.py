"""The registry of audit event names (issue 17 item 6, issue 20): every name is `app.model.verb_ed`, past tense,
with a Chinese label; `record` refuses any other; the audit-log page shows labels, old names included.

No test here reads the source for names: the rest of the suite runs the apps' code paths through `record`, which
fails on a name nobody registered."""

import re

import pytest
from django.urls import reverse

from audits import services as audit_services
from audits.audit_events import AUDIT_EVENTS, PLAN_EVENTS
from core import audit, audit_events
from core.models import AuditEvent
from core.office_settings import AUDITED_BY_THEIR_ADMIN, OFFICE_SETTINGS
from petitions import workflow as petition_workflow
from petitions.audit_events import STEP_EVENTS
from scripts.bench.scale import names as scale_names
from vetting.audit_events import STATUS_EVENTS
from vetting.models import CaseStatus

NAME = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+$")
# Past participles that do not end in -ed, and the particles of phrasal verbs (logged_in, handed_over).
IRREGULAR = {"drawn", "redrawn", "lent", "found", "overridden", "withdrawn"}
PARTICLES = {"in", "out", "over", "off", "up"}


def is_past_tense(name):
    words = name.rsplit(".", 1)[1].split("_")
    if len(words) > 1 and words[-1] in PARTICLES:
        words = words[:-1]
    return words[-1].endswith("ed") or words[-1] in IRREGULAR


def test_the_tense_check_can_fail():
    assert not is_past_tense("petitions.petition.approve")
    assert not is_past_tense("vetting.case.inspection")
    assert not is_past_tense("liaison.item.sent_urgent")
    assert is_past_tense("core.user.logged_in") and is_past_tense("cadres.draw.drawn")


def test_every_registered_name_is_app_model_verb_past_tense_with_a_chinese_label():
    registered = audit_events.registered()
    assert len(registered) > 150  # every app's declarations were loaded
    assert [name for name in registered if not NAME.match(name)] == []
    assert [name for name in registered if not is_past_tense(name)] == []
    assert [name for name, text in registered.items() if not re.search(r"[\u4e00-\u9fff]", text)] == []


def test_each_name_starts_with_its_app():
    from django.apps import apps

    labels = {config.label for config in apps.get_app_configs()}
    assert {name.split(".")[0] for name in audit_events.registered()} <= labels


def test_legacy_names_read_as_their_new_names():
    legacy = audit_events.legacy_names()
    assert legacy["petitions.petition.approve"] == "petitions.petition.approved"
    assert legacy["vetting.case.inspection"] == "vetting.case.inspection_entered"
    assert legacy["core.user.login"] == "core.user.logged_in"
    for old, new in legacy.items():
        assert not audit_events.is_registered(old), f"{old} 已改名，不能再写入"
        assert audit_events.is_registered(new), f"{old} 指向未登记的 {new}"
        assert audit_events.label(old) == audit_events.label(new)


def test_an_unknown_stored_name_reads_unregistered():
    assert audit_events.label("core.test.old") == "未登记的事件"


def test_a_name_claimed_twice_with_another_label_is_refused():
    before = audit_events.registered()
    with pytest.raises(ValueError, match="重复登记"):
        audit_events.register({"core.user.logged_in": "另一个名称"})
    assert audit_events.registered() == before


@pytest.mark.django_db
def test_record_refuses_an_unregistered_or_legacy_name(staff):
    for name in ("core.test.viewed", "petitions.petition.approve", "cadres.cadre.profile_viewd"):
        with pytest.raises(ValueError, match="未登记"):
            audit.record(staff, audit.Action.VIEW, name)
    assert not AuditEvent.objects.exists()
    assert audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed").name == "cadres.cadre.profile_viewed"


def test_each_workflow_action_has_its_event():
    """The names built from a state table: a new action or status without an event fails here, not in production."""
    assert set(STEP_EVENTS) == set(petition_workflow.MACHINE.actions)
    assert set(STATUS_EVENTS) == set(CaseStatus.values)
    assert set(PLAN_EVENTS) == set(audit_services.PLAN_MACHINE.actions)
    assert set(AUDIT_EVENTS) == set(audit_services.AUDIT_MACHINE.actions)
    for name in [*STEP_EVENTS.values(), *STATUS_EVENTS.values(), *PLAN_EVENTS.values(), *AUDIT_EVENTS.values()]:
        assert audit_events.is_registered(name), name


def test_each_office_settings_table_has_its_event():
    for app_label, model, _actions in OFFICE_SETTINGS:
        if f"{app_label}.{model}" not in AUDITED_BY_THEIR_ADMIN:
            assert audit_events.is_registered(f"{app_label}.{model}.settings_changed")
    assert audit_events.label("petitions.timelimit.settings_changed") == "修改信访举报办理时限"


def test_the_scale_generator_writes_registered_names():
    assert [name for _action, name, _type, _summary in scale_names.AUDIT_ACTIONS
            if not audit_events.is_registered(name)] == []


@pytest.mark.django_db
class TestAuditLogPage:
    def test_shows_labels_and_keeps_the_name_as_a_tooltip(self, client_for, security_auditor, staff):
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary="查看")
        audit._append(AuditEvent(action="update", name="petitions.petition.approve", summary="旧名称"))
        html = client_for(security_auditor).get(reverse("core:audit_log")).content.decode()
        assert '<td title="cadres.cadre.profile_viewed">查看廉政档案</td>' in html
        assert '<td title="petitions.petition.approve">审批同意拟办</td>' in html

    def test_filter_by_event_offers_labels_and_finds_old_names(self, client_for, security_auditor, staff):
        audit.record(staff, audit.Action.UPDATE, "petitions.petition.approved", summary="新名称")
        audit._append(AuditEvent(action="update", name="petitions.petition.approve", summary="旧名称"))
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary="别的事件")
        client = client_for(security_auditor)
        page = client.get(reverse("core:audit_log")).content.decode()
        assert '<option value="petitions.petition.approved" >审批同意拟办</option>' in page
        response = client.get(reverse("core:audit_log"), {"event": "petitions.petition.approved"})
        assert sorted(e.summary for e in response.context["page"].object_list) == ["新名称", "旧名称"]
        assert 'value="petitions.petition.approved" selected' in response.content.decode()

    def test_an_unknown_event_in_the_filter_is_ignored(self, client_for, security_auditor, staff):
        audit.record(staff, audit.Action.VIEW, "cadres.cadre.profile_viewed", summary="查看")
        response = client_for(security_auditor).get(reverse("core:audit_log"), {"event": "core.test.viewed"})
        assert len(response.context["page"].object_list) == AuditEvent.objects.count() == 2  # with the login

    def test_the_export_logs_its_conditions_in_words(self, client_for, security_auditor):
        client_for(security_auditor).post(reverse("core:export_request", args=["audit-log"]),
                                          {"query": "action=view&event=cadres.cadre.profile_viewed"})
        event = AuditEvent.objects.get(name="core.auditlog.exported")
        assert event.summary == "导出审计日志（条件：查看，查看廉政档案）"

"""转信访举报件: the office's disposal of a liaison item registers a petition case through the hand-off that the
petitions app registers itself (petitions.apps → liaison.hooks); disposals made before it existed are forwarded."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.refusals import Refused
from liaison import hooks, services
from liaison.models import Disposal
from petitions import services as petition_services
from petitions.apps import forward_waiting_handoffs
from petitions.models import Channel, Petition, ProblemCategory
from tests.factories import CadreFactory
from tests.liaison.factories import ItemFactory, ReportFactory, submitted


@pytest.fixture
def cadre(county):
    return CadreFactory(name="陈志刚", unit=county, post_title="县交通运输局局长")


@pytest.fixture
def signed_item(member_b, staff):
    report = ReportFactory(member_unit=member_b)
    item = ItemFactory(report=report, cadre_name="陈志刚", aspect="conduct", description="违规接受管理服务对象宴请",
                       occurred_on=datetime.date(2026, 10, 8))
    submitted(report, datetime.date(2026, 11, 10), signed=True, actor=staff)
    return item


@pytest.fixture
def before_the_fix():
    """As the product was before issue 17: no hand-off registered; put the app's own back afterwards."""
    handler = hooks.disposal_handler(Disposal.Action.TO_PETITION)
    hooks.unregister_disposal_handler(Disposal.Action.TO_PETITION)
    yield
    hooks.register_disposal_handler(Disposal.Action.TO_PETITION, handler)


def test_the_petitions_app_registers_the_handoff_itself():
    """No test registers it: the running product has it from PetitionsConfig.ready() (issue 17)."""
    assert hooks.disposal_handler(Disposal.Action.TO_PETITION) is petition_services.register_from_liaison


@pytest.mark.django_db
def test_to_petition_registers_a_case_about_the_cadre(client_for, staff, liaison_b, cadre, signed_item):
    url = reverse("liaison:item_handle", args=[signed_item.report.code, signed_item.code])
    client = client_for(staff)
    client.post(url, {"op": "match", "cadre": str(cadre.code)})
    response = client.post(url, {"op": "dispose", "d-action": "to_petition", "d-decided_on": "2026-11-20",
                                 "d-feedback": "已转信访举报件办理", "d-note": ""})
    assert response.status_code == 302
    disposal = signed_item.disposals.get()
    petition = Petition.objects.get(code=disposal.handoff_code)
    assert disposal.handoff_status == Disposal.Handoff.DONE and disposal.handoff_url == petition.get_absolute_url()
    assert petition.channel == Channel.LIAISON and not petition.is_named
    assert "违规接受管理服务对象宴请" in petition.summary and "违规接受管理服务对象宴请" in petition.full_text
    assert petition.categories == [ProblemCategory.CONDUCT] and petition.unit == cadre.unit
    assert [s.cadre for s in petition.subjects.all()] == [cadre]
    assert petition.created_by == staff and petition.received_on == timezone.localdate()
    office_page = client.get(reverse("liaison:report_detail", args=[signed_item.report.code])).content.decode()
    assert f'<a href="{petition.get_absolute_url()}">{petition.code}</a>' in office_page
    assert client.get(petition.get_absolute_url()).status_code == 200
    # the reporting unit learns that it was passed on, not the case number nor a link it may not follow
    unit_page = client_for(liaison_b).get(reverse("liaison:report_detail", args=[signed_item.report.code]))
    assert "已转信访举报件" in unit_page.content.decode() and petition.code not in unit_page.content.decode()


@pytest.mark.django_db
def test_to_petition_needs_a_matched_cadre(staff, signed_item):
    """A petition case names its 被反映人 and his unit (petitions.services.register): match the item first."""
    with pytest.raises(Refused, match="匹配"):
        services.dispose(signed_item, Disposal.Action.TO_PETITION, actor=staff)
    assert not Disposal.objects.exists() and not Petition.objects.exists()


@pytest.mark.django_db
def test_a_refused_handoff_leaves_no_disposal(staff, cadre, signed_item, before_the_fix):
    def refuse(item, actor):
        raise Refused("信访举报模块拒绝受理")

    hooks.register_disposal_handler(Disposal.Action.TO_PETITION, refuse)
    services.match_item(signed_item, cadre, actor=staff)
    with pytest.raises(Refused, match="拒绝受理"):
        services.dispose(signed_item, Disposal.Action.TO_PETITION, actor=staff)
    assert not Disposal.objects.exists()


@pytest.fixture
def waiting(staff, cadre, member_b, signed_item, before_the_fix):
    """Two disposals made before the fix: one matched, one whose item was never matched (allowed back then)."""
    services.match_item(signed_item, cadre, actor=staff)
    matched = services.dispose(signed_item, Disposal.Action.TO_PETITION, actor=staff)
    other = ItemFactory(report=signed_item.report, cadre_name="查无此人")
    unmatched = Disposal.objects.create(item=other, action=Disposal.Action.TO_PETITION, decided_on=matched.decided_on,
                                        created_by=staff, handoff_status=Disposal.Handoff.PENDING)
    assert matched.handoff_status == Disposal.Handoff.PENDING
    return matched, unmatched


@pytest.mark.django_db
def test_waiting_disposals_are_forwarded_by_the_command(staff, cadre, waiting, capsys, caplog):
    matched, unmatched = waiting
    hooks.register_disposal_handler(Disposal.Action.TO_PETITION, petition_services.register_from_liaison)
    with caplog.at_level(logging.WARNING, logger="liaison.services"):
        call_command("forward_liaison_handoffs")
    assert "已移交 1 件；仍待受理 1 件" in capsys.readouterr().out
    matched.refresh_from_db()
    petition = Petition.objects.get()
    assert matched.handoff_status == Disposal.Handoff.DONE and matched.handoff_code == petition.code
    assert petition.created_by == staff  # no --actor: whoever made the disposal registers the case
    unmatched.refresh_from_db()
    assert unmatched.handoff_status == Disposal.Handoff.PENDING and "匹配" in caplog.text
    call_command("forward_liaison_handoffs")  # rerun: nothing twice
    assert Petition.objects.count() == 1


@pytest.mark.django_db
def test_migrate_forwards_the_waiting_ones(waiting):
    """After migrate (post_migrate), not in ready() nor a data migration: see petitions.apps."""
    matched, _ = waiting
    hooks.register_disposal_handler(Disposal.Action.TO_PETITION, petition_services.register_from_liaison)
    forward_waiting_handoffs()
    matched.refresh_from_db()
    assert matched.handoff_status == Disposal.Handoff.DONE
    assert Petition.objects.filter(code=matched.handoff_code).exists()

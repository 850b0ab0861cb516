"""The office matches items to cadres and disposes of them; the unit sees what was done; items reach the cadre
profile (timeline, warnings, cases for vetting)."""

import datetime
import uuid

import pytest
from django.urls import reverse

from cadres import registry
from cadres.models import MeasureKind, SourceChannel, SupervisionMeasure
from core.refusals import Refused
from liaison import services
from liaison.models import Disposal
from tests.factories import CadreFactory
from tests.liaison.factories import ItemFactory, ReportFactory, submitted


@pytest.fixture
def cadre(county):
    return CadreFactory(name="陈志刚", unit=county, post_title="县交通运输局局长")


@pytest.fixture
def signed_item(member_b, staff):
    report = ReportFactory(member_unit=member_b)
    item = ItemFactory(report=report, cadre_name="陈志刚", severity="severe", occurred_on=datetime.date(2026, 10, 8))
    submitted(report, datetime.date(2026, 11, 10), signed=True, actor=staff)
    return item


@pytest.mark.django_db
def test_match_then_reminder_talk_records_a_measure_and_is_shared_back(client_for, staff, liaison_b, cadre,
                                                                      signed_item):
    report = signed_item.report
    url = reverse("liaison:item_handle", args=[report.code, signed_item.code])
    client = client_for(staff)
    page = client.get(url)
    assert page.status_code == 200 and str(cadre.code) in page.content.decode()  # candidate by name
    assert client.post(url, {"op": "match", "cadre": str(cadre.code)}).status_code == 302
    signed_item.refresh_from_db()
    assert signed_item.cadre == cadre and signed_item.matched_by == staff
    response = client.post(url, {"op": "dispose", "d-action": "reminder_talk", "d-decided_on": "2026-11-20",
                                 "d-feedback": "已由分管部领导提醒谈话", "d-note": "内部：关注后续"})
    assert response.status_code == 302
    disposal = signed_item.disposals.get()
    measure = SupervisionMeasure.objects.get(code=disposal.measure_code)
    assert measure.cadre == cadre and measure.kind == MeasureKind.REMINDER_TALK
    assert measure.source_channel == SourceChannel.LIAISON and measure.source_code == str(signed_item.code)
    # the reporting unit sees the action and the feedback, not the internal note
    seen = client_for(liaison_b).get(reverse("liaison:report_detail", args=[report.code])).content.decode()
    assert "提醒谈话" in seen and "已由分管部领导提醒谈话" in seen and "内部：关注后续" not in seen


@pytest.mark.django_db
def test_measures_need_a_matched_cadre_and_a_signed_report(staff, member_b, signed_item):
    with pytest.raises(Refused, match="匹配"):
        services.dispose(signed_item, Disposal.Action.INQUIRY, actor=staff)
    unsigned = ReportFactory(member_unit=member_b, period=datetime.date(2026, 9, 1))
    item = ItemFactory(report=unsigned)
    submitted(unsigned, datetime.date(2026, 10, 10))
    with pytest.raises(Refused):
        services.dispose(item, Disposal.Action.ARCHIVE, actor=staff)
    assert not SupervisionMeasure.objects.exists()


@pytest.mark.django_db
def test_the_same_action_twice_is_refused(staff, cadre, signed_item):
    services.match_item(signed_item, cadre, actor=staff)
    services.dispose(signed_item, Disposal.Action.ADMONISHMENT, actor=staff)
    with pytest.raises(Refused):
        services.dispose(signed_item, Disposal.Action.ADMONISHMENT, actor=staff)
    assert SupervisionMeasure.objects.count() == 1


@pytest.mark.django_db
def test_items_reach_the_cadre_timeline_warnings_and_vetting(staff, cadre, signed_item):
    services.match_item(signed_item, cadre, actor=staff)
    services.dispose(signed_item, Disposal.Action.FOR_VETTING, actor=staff)
    entries = [e for source in registry.timeline_sources() for e in source(cadre)]
    assert any(e.category == "联席会议通报" and e.date == datetime.date(2026, 10, 8) for e in entries)
    rule = registry.warning_rules()["liaison_severe_item"]
    assert list(rule.evaluate([cadre], datetime.date(2026, 11, 23))) == [cadre.pk]
    assert rule.evaluate([cadre], datetime.date(2027, 11, 23)) == {}  # older than 12 months
    refs = registry.cases_about(cadre, topic="liaison_for_vetting")
    assert [r.code for r in refs] == [str(signed_item.code)] and refs[0].is_open


@pytest.mark.django_db
def test_draft_items_are_not_on_the_profile(staff, cadre, member_b):
    ItemFactory(report=ReportFactory(member_unit=member_b), cadre=cadre, severity="severe")
    assert not [e for source in registry.timeline_sources() for e in source(cadre) if e.category == "联席会议通报"]
    assert registry.warning_rules()["liaison_severe_item"].evaluate([cadre], datetime.date(2026, 11, 23)) == {}


@pytest.mark.django_db
def test_the_handle_page_allowed_denied_not_found(client_for, staff, liaison_b, signed_item):
    url = reverse("liaison:item_handle", args=[signed_item.report.code, signed_item.code])
    assert client_for(staff).get(url).status_code == 200
    assert client_for(liaison_b).get(url).status_code == 403
    other = reverse("liaison:item_handle", args=[signed_item.report.code, uuid.uuid4()])
    assert client_for(staff).get(other).status_code == 404


@pytest.mark.django_db
def test_only_visible_cadres_can_be_matched(client_for, staff, other_county, signed_item):
    stranger = CadreFactory(name="陈志刚", unit=other_county)
    url = reverse("liaison:item_handle", args=[signed_item.report.code, signed_item.code])
    client_for(staff).post(url, {"op": "match", "cadre": str(stranger.code)})
    signed_item.refresh_from_db()
    assert signed_item.cadre is None

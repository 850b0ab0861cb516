"""Liaison over the API: the same services as the page (nil report, items, 一把手 items sent urgently, correction
after a return with optimistic locking), another unit's report is 404, writes are idempotent."""

import datetime

import pytest
from django.utils import timezone

from core.models import Notification
from liaison import services as liaison_services
from liaison.models import Disposal, Report, ReportItem
from tests.liaison.factories import ReportFactory

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/liaison/reports/"


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


def item(**extra):
    return {"cadre_name": "张某某", "cadre_post": "县交通运输局副局长", "aspect": "discipline",
            "description": "酒后驾驶被交警查处。", "source_kind": "work", "source": "县公安局交警大队",
            "occurred_on": str(timezone.localdate() - datetime.timedelta(days=3)), "severity": "serious", **extra}


def test_a_nil_report_is_submitted_as_on_the_page(call_as, unit_client, member_a):
    response = call_as(unit_client).post(REPORTS, {"period": last_month(), "nil": True})
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(code=body["code"])
    assert (report.member_unit, report.status, report.is_nil) == (member_a, Report.Status.SUBMITTED, True)
    assert body["status"] == "submitted" and body["is_nil"] is True and body["items"] == []
    assert report.nil_statement == "本月无应报告事项"


def test_a_report_with_two_items(call_as, unit_client):
    response = call_as(unit_client).post(REPORTS, {"period": last_month(), "items": [item(), item(cadre_name="李某")]})
    assert response.status_code == 201, response.content
    report = Report.objects.get(code=response.json()["code"])
    assert report.status == Report.Status.SUBMITTED and not report.is_nil
    assert sorted(report.items.values_list("cadre_name", flat=True)) == ["张某某", "李某"]
    assert [entry["cadre_name"] for entry in response.json()["items"]] == ["张某某", "李某"]


def test_a_principal_item_starts_the_urgent_path(call_as, unit_client, section_head):
    response = call_as(unit_client).post(REPORTS, {"period": last_month(),
                                                   "items": [item(), item(cadre_name="王书记", is_principal=True)]})
    assert response.status_code == 201, response.content
    urgent_codes = response.json()["urgent_reports"]
    assert len(urgent_codes) == 1
    urgent = Report.objects.get(code=urgent_codes[0])
    assert urgent.kind == Report.Kind.URGENT and urgent.status == Report.Status.SUBMITTED
    assert list(urgent.items.values_list("cadre_name", flat=True)) == ["王书记"]
    # the task queued through the outbox, run here by hand: the section head hears of it, as from the page
    assert liaison_services.notify_urgent_report(urgent.pk) >= 1
    assert Notification.objects.filter(recipient=section_head, kind=liaison_services.URGENT_NOTIFICATION_KIND).exists()


def test_the_rules_refuse_a_nil_report_with_items(call_as, unit_client):
    response = call_as(unit_client).post(REPORTS, {"period": last_month(), "nil": True, "items": [item()]})
    assert response.status_code == 400
    assert response.json()["code"] and "零报告" in response.json()["message"]
    assert not Report.objects.exists()


def test_a_second_report_for_the_month_is_a_conflict(call_as, unit_client):
    caller = call_as(unit_client)
    assert caller.post(REPORTS, {"period": last_month(), "nil": True}).status_code == 201
    response = caller.post(REPORTS, {"period": last_month(), "nil": True})
    assert response.status_code == 409 and response.json()["fields"] == {"period": [response.json()["message"]]}


def test_status_and_disposals_are_read_back(call_as, unit_client, staff, liaison_a):
    caller = call_as(unit_client)
    code = caller.post(REPORTS, {"period": last_month(), "items": [item()]}).json()["code"]
    report = Report.objects.get(code=code)
    liaison_services.sign(report, actor=staff)
    liaison_services.dispose(report.items.get(), Disposal.Action.FEEDBACK, actor=staff, feedback="已转交相关部门",
                             note="内部备注不外传")
    body = caller.get(f"{REPORTS}{code}/").json()
    assert body["status"] == "signed"
    disposal = body["items"][0]["disposals"][0]
    assert (disposal["action"], disposal["feedback"]) == ("feedback", "已转交相关部门")
    assert "内部备注不外传" not in str(body)
    assert [row["code"] for row in caller.get(REPORTS).json()["results"]] == [code]


def test_another_units_report_is_not_found(call_as, unit_client, other_unit_client):
    code = call_as(unit_client).post(REPORTS, {"period": last_month(), "nil": True}).json()["code"]
    other = call_as(other_unit_client)
    hidden = other.get(f"{REPORTS}{code}/")
    missing = other.get(f"{REPORTS}3f0c6f5e-8d7b-4c55-9a0e-2b1d7c1e9a10/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert other.put(f"{REPORTS}{code}/", {"version": 1, "nil": True}).status_code == 404
    assert other.get(REPORTS).json()["results"] == []


def returned_report(caller, staff):
    code = caller.post(REPORTS, {"period": last_month(), "items": [item(), item(cadre_name="李某")]}).json()["code"]
    report = Report.objects.get(code=code)
    liaison_services.return_report(report, actor=staff, reason="请补充处理结果")
    return caller.get(f"{REPORTS}{code}/").json()


def test_a_returned_report_is_corrected_and_submitted_again(call_as, unit_client, staff):
    caller = call_as(unit_client)
    before = returned_report(caller, staff)
    kept = before["items"][0]
    body = {"version": before["version"], "remarks": "已补充",
            "items": [{**item(description="已补充处理结果。"), "code": kept["code"], "version": kept["version"]},
                      item(cadre_name="赵某")]}
    response = caller.put(f"{REPORTS}{before['code']}/", body)
    assert response.status_code == 200, response.content
    report = Report.objects.get(code=before["code"])
    assert report.status == Report.Status.SUBMITTED and report.remarks == "已补充"
    live = report.items.filter(voided_at__isnull=True)
    assert sorted(live.values_list("cadre_name", flat=True)) == ["张某某", "赵某"]
    assert live.get(code=kept["code"]).description == "已补充处理结果。"
    assert ReportItem.objects.get(report=report, cadre_name="李某").voided_at is not None


def test_a_stale_version_is_a_conflict_naming_what_changed(call_as, unit_client, staff):
    caller = call_as(unit_client)
    before = returned_report(caller, staff)
    first = caller.put(f"{REPORTS}{before['code']}/", {"version": before["version"], "remarks": "第一次更正",
                                                      "items": [item()]})
    assert first.status_code == 200, first.content
    liaison_services.return_report(Report.objects.get(code=before["code"]), actor=staff, reason="再补充")
    stale = caller.put(f"{REPORTS}{before['code']}/", {"version": before["version"], "remarks": "我的更正",
                                                      "items": [item()]})
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert {"field": "备注", "current": "第一次更正", "submitted": "我的更正"} in stale.json()["changed"]
    assert Report.objects.get(code=before["code"]).remarks == "第一次更正"


def test_a_submitted_report_cannot_be_corrected(call_as, unit_client):
    caller = call_as(unit_client)
    body = caller.post(REPORTS, {"period": last_month(), "nil": True}).json()
    response = caller.put(f"{REPORTS}{body['code']}/", {"version": body["version"], "nil": True})
    assert response.status_code == 409 and response.json()["code"] == "state"


# --- the list's pages --------------------------------------------------------------------------------------------

def test_the_list_pages_in_a_fixed_order_each_report_once(call_as, unit_client, member_a):
    caller = call_as(unit_client)
    for month in (3, 1, 2):
        ReportFactory(member_unit=member_a, period=datetime.date(2026, month, 1))
    urgent = [ReportFactory(member_unit=member_a, kind=Report.Kind.URGENT, period=datetime.date(2026, 2, 1),
                            due_date=None) for _ in range(2)]
    everything = caller.get(REPORTS).json()
    assert everything["count"] == 5 and everything["next"] is None
    codes = [row["code"] for row in everything["results"]]
    assert [row["period"] for row in everything["results"]] == ["2026-03", "2026-02", "2026-02", "2026-02", "2026-01"]
    assert codes[1:3] == [str(report.code) for report in reversed(urgent)]  # the same month: the newest first
    paged, page = [], caller.get(REPORTS, page_size=2).json()
    while True:
        paged += [row["code"] for row in page["results"]]
        if page["next"] is None:
            break
        page = caller.http.get(page["next"], **caller.headers(write=False)).json()
    assert paged == codes


def test_the_page_size_is_capped_and_bad_pages_are_named(call_as, unit_client, member_a, monkeypatch):
    from api.base import Pages

    monkeypatch.setattr(Pages, "max_page_size", 2)
    caller = call_as(unit_client)
    for month in (1, 2, 3):
        ReportFactory(member_unit=member_a, period=datetime.date(2026, month, 1))
    assert len(caller.get(REPORTS, page_size=1000).json()["results"]) == 2
    for params, field in (({"page": 0}, "page"), ({"page": "x"}, "page"), ({"page": 9}, "page"),
                          ({"page_size": 0}, "page_size"), ({"page_size": "-1"}, "page_size")):
        response = caller.get(REPORTS, **params)
        assert response.status_code == 400 and field in response.json()["fields"], params

"""A member unit's monthly report: filed and submitted by its liaison officer, who cannot open another unit's
report; signed, matched and disposed of by the office; the disposal shared back with the officer."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from liaison.models import Report
from tests.e2e.helpers import make_cadre


def test_monthly_report_filed_signed_disposed_and_shared_back(page, live_server, login, logout, demo):
    make_cadre("韩立群", "QX-JT", "副局长", sequence=2)
    other_unit_report = Report.objects.exclude(member_unit__unit__code="QX-JW").order_by("pk").first()
    page.on("dialog", lambda dialog: dialog.accept())

    # the 县纪委监委 liaison officer files this month's report with one item and submits it
    login("liaison_jw")
    page.click("nav.sidenav >> text=月度通报")
    page.click("text=填报月度通报")
    period = page.locator("#id_period option").first.get_attribute("value")
    page.select_option("#id_period", period)
    page.click("text=新建通报")
    expect(page.locator("[data-testid=report-status]")).to_have_text("草稿")
    page.click("a.button:has-text('添加事项')")
    page.fill("#id_cadre_name", "韩立群")
    page.fill("#id_cadre_post", "县交通运输局副局长")
    page.select_option("#id_aspect", label="作风形象")
    page.fill("#id_description", "工作日中午在单位食堂饮酒，被群众拍照反映。")
    page.fill("#id_source", "群众来信")
    page.fill("#id_occurred_on", min(datetime.date.fromisoformat(f"{period}-05"), timezone.localdate()).isoformat())
    page.click("button[name=save]")
    expect(page.locator("[data-testid=item]")).to_have_count(1)
    page.click("button:has-text('报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    report_url = page.url

    # editing the address to another unit's report: the not-found page, nothing of that report
    response = page.goto(f"{live_server.url}/liaison/reports/{other_unit_report.code}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("body")).not_to_contain_text(other_unit_report.member_unit.unit.name)
    page.goto(report_url)
    logout()

    # office staff sign it, match the item to the cadre and dispose of it with a 提醒谈话
    login("staff01")
    page.goto(report_url)
    page.click("button:has-text('签收')")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已签收")
    page.locator("[data-testid=item]").first.locator("text=匹配与处置").click()
    page.check("label:has-text('韩立群') >> input[name=cadre]")
    page.click("text=确认匹配")
    expect(page.locator("[data-testid=matched-cadre]")).to_have_text("韩立群")
    page.select_option("#id_d-action", label="提醒谈话")
    page.fill("#id_d-feedback", "已由分管部领导对韩立群进行提醒谈话。")
    page.fill("#id_d-note", "内部备注：下次考察时关注")
    page.click("text=登记处置")
    expect(page.locator("[data-testid=disposal]")).to_contain_text("提醒谈话")
    logout()

    # the officer sees the disposal and its feedback, not the office's internal note
    login("liaison_jw")
    page.goto(report_url)
    disposal = page.locator("[data-testid=disposal]")
    expect(disposal).to_contain_text("提醒谈话")
    expect(disposal).to_contain_text("已由分管部领导对韩立群进行提醒谈话。")
    expect(page.locator("body")).not_to_contain_text("下次考察时关注")
    assert page.console_errors == [] or all("404" in error for error in page.console_errors)

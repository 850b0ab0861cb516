"""A member unit's monthly report: filed and submitted by its liaison officer, who cannot open another unit's
report; signed, matched and disposed of by the office; the disposal shared back with the officer."""

from playwright.sync_api import expect

from liaison.models import Report
from tests.e2e.helpers import file_item, new_report, sign_match_and_dispose, submit_report, transport_deputy


def test_monthly_report_filed_signed_disposed_and_shared_back(page, live_server, login, logout, demo):
    transport_deputy("韩立群")
    other_unit_report = Report.objects.exclude(member_unit__unit__code="QX-JW").order_by("pk").first()
    page.on("dialog", lambda dialog: dialog.accept())

    # the 县纪委监委 liaison officer files this month's report with two items and submits it
    login("liaison_jw")
    period = new_report(page)
    file_item(page, period, "韩立群", "工作日中午在单位食堂饮酒，被群众拍照反映。")
    file_item(page, period, "冯磊兰", "窗口服务态度生硬，群众多次投诉。", aspect="履职担当")
    expect(page.locator("[data-testid=item]")).to_have_count(2)
    report_url = submit_report(page)

    # editing the address to another unit's report: the not-found page, nothing of that report
    response = page.goto(f"{live_server.url}/liaison/reports/{other_unit_report.code}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator("body")).not_to_contain_text(other_unit_report.member_unit.unit.name)
    page.goto(report_url)
    logout()

    # office staff sign it, match the item to the cadre and dispose of it with a 提醒谈话
    login("staff01")
    sign_match_and_dispose(page, report_url, "韩立群", "提醒谈话", "已由分管部领导对韩立群进行提醒谈话。",
                           note="内部备注：下次考察时关注")
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

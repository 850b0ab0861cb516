"""A liaison officer's months: one with nothing to report is a 零报告 in two clicks (button, confirmation page —
no script needed); another with two items is filed and submitted. Seed 003 (联席会议制度): each member unit reports
monthly by the 15th of the following month, and a unit with nothing to report says so explicitly."""

from playwright.sync_api import expect

from liaison import services
from liaison.models import Report
from tests.e2e.helpers import file_item, new_report, snapshot, submit_report, transport_deputy

SUBMITTED = Report.Status.SUBMITTED.label


def test_a_nil_month_and_a_month_with_two_items(page, live_server, login, demo):
    transport_deputy("韩立群")
    login("liaison_jw")

    # this month: nothing to report — 零报告, confirm, submitted
    this_month = new_report(page)
    expect(page.locator("button:has-text('报送')")).to_have_count(0)  # an empty draft offers 零报告, not 报送
    snapshot(page, "liaison_month_1_empty_draft")
    page.click("[data-testid=nil-button]")
    expect(page.locator("[data-testid=nil-confirm]")).to_contain_text("无应报告的干部监督信息")
    snapshot(page, "liaison_month_2_nil_confirm")
    page.click("button:has-text('确认零报告并报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text(SUBMITTED)
    expect(page.locator("[data-testid=nil-report]")).to_contain_text("零报告")
    snapshot(page, "liaison_month_3_nil_submitted")
    report = Report.objects.get(member_unit__unit__code="QX-JW", period=f"{this_month}-01", kind="monthly")
    assert (report.status, report.is_nil) == (Report.Status.SUBMITTED, True)

    # another month: two items, then submit
    page.on("dialog", lambda dialog: dialog.accept())  # the 报送 button's confirm()
    other = new_report(page)
    assert other != this_month
    file_item(page, other, "韩立群", "工作日中午在单位食堂饮酒，被群众拍照反映。")
    file_item(page, other, "韩立群", "公车私用，周末驾驶公车外出。", aspect="遵规守纪")
    expect(page.locator("[data-testid=item]")).to_have_count(2)
    expect(page.locator("[data-testid=nil-button]")).to_have_count(0)
    submit_report(page)
    snapshot(page, "liaison_month_4_items_submitted")
    assert page.console_errors == [], page.console_errors


def test_the_month_owed_is_a_nil_report_from_the_list(page, live_server, login, demo):
    """Issue 20: an officer with nothing to report finds 零报告 where he lands, on the month he owes; confirmed, the
    month is submitted and the list stops asking."""
    login("liaison_jw")
    officer_unit = Report.objects.filter(member_unit__unit__code="QX-JW").first().member_unit
    due = services.month_due(officer_unit)
    assert due is not None and due.report is None  # the demo leaves last month to report
    page.click("nav.sidenav >> text=月度通报")
    card = page.get_by_test_id("month-due")
    expect(card).to_contain_text(f"{due.period.year}年{due.period.month}月月度通报")
    expect(card).to_contain_text(f"应于{due.due_date.month}月{due.due_date.day}日前报送")
    snapshot(page, "liaison_month_due_card")
    card.get_by_test_id("month-due-nil").click()
    expect(page.locator("[data-testid=nil-confirm]")).to_contain_text("无应报告的干部监督信息")
    page.click("button:has-text('确认零报告并报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text(SUBMITTED)
    page.click("nav.sidenav >> text=月度通报")
    expect(page.get_by_test_id("month-due")).to_have_count(0)
    report = Report.objects.get(member_unit=officer_unit, period=due.period, kind="monthly")
    assert (report.status, report.is_nil) == (Report.Status.SUBMITTED, True)
    assert page.console_errors == [], page.console_errors

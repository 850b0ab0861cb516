"""转信访举报件 in the running product (issue 17): an item of a liaison officer's monthly report, disposed of by the
office as 转信访举报件, becomes a petition case about the matched cadre; the item links to the case, the officer
learns it was passed on without seeing the case number."""

import re

from playwright.sync_api import expect

from petitions.models import Petition
from tests.e2e.helpers import file_item, new_report, sign_match_and_dispose, snapshot, submit_report, transport_deputy


def test_an_item_disposed_as_a_petition_becomes_a_petition_case(page, live_server, login, logout, demo):
    transport_deputy("邵明远")
    page.on("dialog", lambda dialog: dialog.accept())

    # the 县纪委监委 liaison officer reports an item about the cadre and submits the month's report
    login("liaison_jw")
    period = new_report(page)
    file_item(page, period, "邵明远", "多次在工程验收后接受施工单位宴请，群众实名反映。")
    report_url = submit_report(page)
    logout()

    # the office signs, matches the item to the cadre and disposes of it: 转信访举报件
    login("staff01")
    sign_match_and_dispose(page, report_url, "邵明远", "转信访举报件", "已转信访举报件办理。")
    disposal = page.locator("[data-testid=disposal]")
    expect(disposal).to_contain_text("转信访举报件")
    expect(disposal).not_to_contain_text("待信访举报模块受理")
    petition = Petition.objects.get(subjects__cadre__name="邵明远")
    expect(disposal.locator("a")).to_have_text(f"信访举报件 {petition.code}")

    # the report page shows the case number as a link; it opens the petition case
    page.goto(report_url)
    link = page.locator("[data-testid=disposal] a", has_text=petition.code)
    snapshot(page, "handoff_report_with_case_link")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(petition.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_contain_text(petition.code)
    expect(page.locator("body")).to_contain_text("联席会议成员单位")
    expect(page.locator("body")).to_contain_text("多次在工程验收后接受施工单位宴请")
    expect(page.locator("body")).to_contain_text("邵明远")
    snapshot(page, "handoff_petition_case")
    logout()

    # the officer sees that it was passed on, not the case number
    login("liaison_jw")
    page.goto(report_url)
    expect(page.locator("[data-testid=disposal]")).to_contain_text("已转信访举报件")
    expect(page.locator("body")).not_to_contain_text(petition.code)
    assert page.console_errors == [] or all("404" in error for error in page.console_errors)

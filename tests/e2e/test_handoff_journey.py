"""转信访举报件 in the running product (issue 17): an item of a liaison officer's monthly report, disposed of by the
office as 转信访举报件, becomes a petition case about the matched cadre; the item links to the case, the officer
learns it was passed on without seeing the case number."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from petitions.models import Petition
from tests.e2e.helpers import make_cadre, snapshot


def test_an_item_disposed_as_a_petition_becomes_a_petition_case(page, live_server, login, logout, demo):
    make_cadre("邵明远", "QX-JT", "副局长", sequence=7)
    page.on("dialog", lambda dialog: dialog.accept())

    # the 县纪委监委 liaison officer reports an item about the cadre and submits the month's report
    login("liaison_jw")
    page.click("nav.sidenav >> text=月度通报")
    page.click("text=填报月度通报")
    period = page.locator("#id_period option").first.get_attribute("value")
    page.select_option("#id_period", period)
    page.click("text=新建通报")
    page.click("a.button:has-text('添加事项')")
    page.fill("#id_cadre_name", "邵明远")
    page.fill("#id_cadre_post", "县交通运输局副局长")
    page.select_option("#id_aspect", label="作风形象")
    page.fill("#id_description", "多次在工程验收后接受施工单位宴请，群众实名反映。")
    page.fill("#id_source", "群众来信")
    page.fill("#id_occurred_on", min(datetime.date.fromisoformat(f"{period}-05"), timezone.localdate()).isoformat())
    page.click("button[name=save]")
    page.click("button:has-text('报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    report_url = page.url
    logout()

    # the office signs, matches the item to the cadre and disposes of it: 转信访举报件
    login("staff01")
    page.goto(report_url)
    page.click("button:has-text('签收')")
    page.locator("[data-testid=item]").first.locator("text=匹配与处置").click()
    page.check("label:has-text('邵明远') >> input[name=cadre]")
    page.click("text=确认匹配")
    expect(page.locator("[data-testid=matched-cadre]")).to_have_text("邵明远")
    page.select_option("#id_d-action", label="转信访举报件")
    page.fill("#id_d-feedback", "已转信访举报件办理。")
    page.click("text=登记处置")
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

"""In a browser: an officer files the month's report with two items and submits; office staff sign it, match an
item to a cadre and dispose of it with a 提醒谈话; the officer sees the disposal; another unit's report is 404."""

import datetime
import os

import pytest
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from tests.e2e.conftest import browser_context_args, browser_type_launch_args  # noqa: F401  (Debian Chromium)

pytestmark = pytest.mark.e2e
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def county_demo(transactional_db):
    from core import demo as core_demo
    from liaison import demo as liaison_demo
    from liaison.models import Report
    from tests.factories import CadreFactory

    context = {}
    core_demo.seed(context)
    CadreFactory(name="程红晓", unit=context["units"]["QX-JT"], post_title="党组书记、局长", is_principal=True)
    liaison_demo.seed(context)
    return {"other_report": Report.objects.filter(member_unit__unit__code="QX-SJ").first()}


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_file_sign_match_dispose_and_share_back(page, live_server, county_demo):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()

    login(page, base, "liaison_jw")
    page.click("nav.sidenav >> text=月度通报")
    page.click("text=填报月度通报")
    page.select_option("#id_period", index=0)  # this month
    page.click("text=新建通报")
    for name, aspect in (("程红晓", "conduct"), ("冯磊兰", "performance")):
        page.click("a.button:has-text('添加事项')")
        page.fill("#id_cadre_name", name)
        page.fill("#id_cadre_post", "县交通运输局")
        page.select_option("#id_aspect", aspect)
        page.fill("#id_description", "工作日中午饮酒，被群众拍照反映。")
        page.fill("#id_source", "群众来信")
        page.fill("#id_occurred_on", yesterday)
        page.click("button[name=save]")
    expect(page.locator("[data-testid=item]")).to_have_count(2)
    page.click("button:has-text('报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已报送")
    report_url = page.url
    page.click("text=退出")

    login(page, base, "staff01")
    page.goto(report_url)
    page.click("button:has-text('签收')")
    expect(page.locator("[data-testid=report-status]")).to_have_text("已签收")
    page.locator("[data-testid=item]").first.locator("text=匹配与处置").click()
    page.check("input[name=cadre] >> nth=0")
    page.click("text=确认匹配")
    expect(page.locator("[data-testid=matched-cadre]")).to_have_text("程红晓")
    page.select_option("#id_d-action", "reminder_talk")
    page.fill("#id_d-feedback", "已由分管部领导提醒谈话。")
    page.fill("#id_d-note", "内部备注不外发")
    page.click("text=登记处置")
    expect(page.locator("[data-testid=disposal]")).to_contain_text("提醒谈话")
    page.click("text=退出")

    login(page, base, "liaison_jw")
    page.goto(report_url)
    expect(page.locator("[data-testid=disposal]")).to_contain_text("提醒谈话")
    expect(page.locator("body")).to_contain_text("已由分管部领导提醒谈话。")
    expect(page.locator("body")).not_to_contain_text("内部备注不外发")
    response = page.goto(f"{base}/liaison/reports/{county_demo['other_report'].code}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")

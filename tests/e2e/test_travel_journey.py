"""In a browser: a staff user records a travel application, the four departments' opinions and the approval,
lends the passport and records its return; a cadre under investigation is refused with the reason shown."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import pick_cadre, transport_deputy

D = datetime.date


@pytest.fixture
def travel_demo(transactional_db):
    """The demo county's units and users, a cadre with a passport in the cabinet and one under investigation."""
    from core import demo as core_demo
    from matters import services
    from tests.matters import factories

    context = {}
    core_demo.seed(context)
    staff = context["users"]["staff01"]
    traveller = transport_deputy("林海涛")
    cert = factories.certificate(traveller, staff)
    suspect = transport_deputy("黄文斌")
    services.record_investigation(suspect, kind="review", started_on=D(2026, 2, 1), actor=staff)
    return {"traveller": traveller, "cert": cert, "suspect": suspect}


def _fill_application(page, cadre):
    pick_cadre(page, "#id_cadre", cadre.name)
    page.fill("#id_destination", "新加坡")
    page.fill("#id_departs_on", "2026-04-01")
    page.fill("#id_returns_on", "2026-04-08")
    page.fill("#id_purpose", "旅游（年休假）")
    page.select_option("#id_funding", "self")
    page.fill("#id_applied_on", "2026-03-02")
    page.click("button:has-text('提交联审')")
    page.wait_for_load_state()


def test_application_through_approval_lend_and_return(page, live_server, login, travel_demo):
    page.on("dialog", lambda dialog: dialog.accept())
    login("staff01")
    page.click("nav.sidenav >> text=重要事项联审")
    page.click("text=因私出国（境）")
    page.click("[data-testid=new-application]")
    _fill_application(page, travel_demo["traveller"])
    expect(page.locator("[data-testid=app-status]")).to_have_text("联审中")
    for department in ("discipline", "organization", "secrecy", "public_security"):
        form = page.locator(f"[data-testid=opinion-{department}]")
        form.locator(f"#id_{department}-replied_on").fill("2026-03-05")
        form.locator(f"#id_{department}-result").select_option("agree")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    expect(page.locator("[data-testid=app-status]")).to_have_text("联审完毕待审批")
    approve = page.locator("[data-testid=approve-form]")
    approve.locator("#id_decided_on").fill("2026-03-10")
    approve.locator("#id_decision_ref").fill("青组干审〔2026〕9号")
    approve.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=app-status]")).to_have_text("已批准")
    lend = page.locator("[data-testid=lend-form]")
    lend.locator("#id_lent_on").fill("2026-03-30")
    lend.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已借出因私护照，应于2026-04-15前交回")
    expect(page.locator("[data-testid=app-status]")).to_have_text("已领证出行")
    back = page.locator("[data-testid=return-form]")
    back.locator("#id_returned_on").fill("2026-04-10")
    back.locator("#id_report").fill("按批准的国家和日期往返，无其他情况。")
    back.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=app-status]")).to_have_text("证照已交回")
    expect(page.locator("[data-testid=returned-on]")).to_have_text("2026-04-10")
    page.click(f"text={travel_demo['cert'].number}")
    expect(page.locator("[data-testid=cert-status]")).to_contain_text("在库保管")


def test_a_cadre_under_investigation_is_refused_with_the_reason(page, live_server, login, travel_demo):
    login("staff01")
    page.goto(f"{live_server.url}/matters/travel/new/")
    _fill_application(page, travel_demo["suspect"])
    expect(page.locator("[data-testid=blockers]")).to_contain_text("正在接受县纪委监委立案审查（2026-02-01立案）")

"""staff01 opens the platform on his workbench (工作台, issue 20): his open cases of every app, nearest deadline
first with the days left, and clicks one to land on its case page; a long case page's outline stays beside the
page, its links scroll to their section, and the one to the folded history unfolds it."""

import re

from playwright.sync_api import expect

from core import workbench
from core.models import User
from tests.e2e.helpers import snapshot


def days_text(row):
    left = row.days_left()
    if left is None:
        return "—"
    return f"逾期 {-left} 天" if left < 0 else ("今天到期" if left == 0 else f"剩 {left} 天")


def test_staff_sees_his_cases_with_days_left_and_opens_one(page, live_server, login, demo):
    expected = [row for row in workbench.open_cases(User.objects.get(username="staff01")) if row.handled_by_me]
    assert expected, "the demo county gives staff01 open cases"
    login("staff01")

    expect(page.locator("h1")).to_have_text("首页")  # the heading other journeys know
    rows = page.locator("[data-testid=my-cases] tbody tr")
    expect(rows).to_have_count(len(expected))
    first = rows.first
    expect(first).to_contain_text(expected[0].code)
    expect(first.locator("td.days-left")).to_have_text(days_text(expected[0]))
    expect(first).to_have_class(re.compile(f"due-{expected[0].urgency() or 'none'}"))
    expect(page.locator("[data-testid=quick-actions] a")).to_have_text(["登记信访件", "启动任前考察", "录入监督措施"])
    snapshot(page, "workbench_staff01")

    first.locator("a").first.click()
    expect(page).to_have_url(re.compile(re.escape(expected[0].url) + "$"))

    # a petition: the outline stays in view at the bottom of a long page (position: sticky), the history is
    # folded, and the outline's link to it unfolds it
    petition = next(row for row in expected if row.label == "信访件")
    page.goto(live_server.url + petition.url)
    outline = page.locator("[data-testid=outline]")
    expect(outline).to_be_visible()
    page.mouse.wheel(0, 20_000)
    page.wait_for_timeout(200)
    expect(outline).to_be_in_viewport()
    history = page.locator("details#history")
    expect(history).not_to_have_attribute("open", re.compile(".*"))
    outline.get_by_role("link", name="变更记录").click()
    expect(history).to_have_attribute("open", re.compile(".*"))
    expect(history.locator("summary")).to_be_in_viewport()
    expect(outline).to_be_in_viewport()

    # a vetting case: its current step comes before the checklist
    vetting = next(row for row in expected if row.label == "任前考察")
    page.goto(live_server.url + vetting.url)
    current = page.locator(".case-main > .is-current").first
    expect(current).to_be_visible()
    assert current.bounding_box()["y"] < page.locator("#checklist").bounding_box()["y"]
    # an outline link scrolls its section into view while the outline stays put
    page.locator("[data-testid=outline] a", has_text="试用期").click()
    expect(page.locator("#step-probation h2")).to_be_in_viewport()
    expect(page.locator("[data-testid=outline]")).to_be_in_viewport()
    page.locator("[data-testid=outline] a", has_text="全程纪实").click()
    expect(page.locator("details#record")).to_have_attribute("open", re.compile(".*"))
    snapshot(page, "workbench_vetting_case")
    assert not page.console_errors

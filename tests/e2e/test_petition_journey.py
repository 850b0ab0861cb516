"""A 12380 phone report, from registration to the 诫勉 on the cadre's integrity profile."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import open_action, pick_cadre, transport_deputy


def test_phone_report_to_admonishment_on_the_profile(page, live_server, login, logout, demo):
    cadre = transport_deputy("林振东")
    page.on("dialog", lambda dialog: dialog.accept())

    # 监督科工作人员 registers the call
    login("staff01")
    page.click("nav.sidenav >> text=信访举报")
    page.click("text=登记信访举报件")
    page.select_option("#id_channel", label="12380电话")
    page.select_option("#id_case_type", label="检举控告")
    page.check("input[name=is_named][value='1']")
    page.fill("#id_reporter_name", "王建")
    page.fill("#id_reporter_phone", "13900001111")
    pick_cadre(page, "#id_cadres", "林振东")
    expect(page.locator(".picker-chosen")).to_contain_text(f"林振东（{cadre.unit.display_name} 副局长）")
    page.check("label:has-text('作风问题') >> input")
    page.fill("#id_summary", "反映林振东工作日中午多次在饭店饮酒，下午迟到。")
    page.fill("#id_full_text", "来电称：10月以来，林振东多次在工作日中午饮酒，下午上班迟到。")
    page.check("#id_clues_specific")
    page.click("button:has-text('登记')")
    expect(page.locator(".messages")).to_contain_text("已登记 XF-")
    expect(page.locator("[data-testid=status]")).to_have_text("已登记")
    expect(page.locator("[data-testid=reporter-display]")).not_to_contain_text("王建")
    code = re.search(r"XF-(?:[A-Z0-9]+-)?\d{4}-\d{5}", page.locator("h1").inner_text()).group(0)
    case_url = page.url

    # the handler proposes 初步核实
    form = open_action(page, "propose")
    form.locator("select[name=propose-disposal]").select_option(label="初步核实")
    form.locator("textarea[name=propose-reason]").fill("线索具体，拟由监督科初步核实。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("拟办待审批")
    logout()

    # the 科室负责人 approves
    login("head01")
    page.goto(case_url)
    form = open_action(page, "approve")
    form.locator("textarea[name=approve-note]").fill("同意初步核实。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("审批同意已完成")
    expect(page.locator("[data-testid=status]")).to_have_text("查核中")
    logout()

    # the handler records the interview and the findings
    login("staff01")
    page.goto(case_url)
    form = open_action(page, "add_interview")
    form.locator("input[name=add_interview-interviewee]").fill("林振东")
    form.locator("input[name=add_interview-place]").fill("县委组织部谈话室")
    form.locator("textarea[name=add_interview-content]").fill("本人承认两次中午饮酒，否认迟到。")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("谈话记录已完成")
    form = open_action(page, "submit_findings")
    form.locator("textarea[name=submit_findings-findings]").fill(
        "经调取考勤、走访同事：工作日中午饮酒两次属实；下午迟到无法查实。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("待审核办结")
    logout()

    # the 科室负责人 concludes: 部分属实, 诫勉
    login("head01")
    page.goto(case_url)
    form = open_action(page, "conclude")
    form.locator("select[name=conclude-conclusion]").select_option(label="部分属实")
    form.locator("textarea[name=conclude-note]").fill("工作日中午饮酒属实，对林振东予以诫勉。")
    form.locator("select[name^=conclude-measure_]").select_option(label="诫勉")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("已办结")
    conclusion = page.locator("[data-testid=conclusion]")
    expect(conclusion).to_contain_text("部分属实")
    expect(conclusion).to_contain_text("林振东：诫勉")
    logout()

    # the handler tells the reporter the result
    login("staff01")
    page.goto(case_url)
    form = open_action(page, "record_feedback")
    form.locator("select[name=record_feedback-method]").select_option(label="电话")
    form.locator("textarea[name=record_feedback-content]").fill("已电话告知举报人：反映的饮酒问题部分属实，已作处理。")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=status]")).to_have_text("已反馈")
    expect(page.locator("#feedback")).to_contain_text("已电话告知举报人")  # folded: a finished stage

    # the cadre's integrity profile shows the 诫勉, its source and the impact period
    page.locator("[data-testid=conclusion] a:has-text('林振东')").click()
    expect(page.locator("h1")).to_contain_text("林振东 · 廉政档案")
    row = page.locator("[data-testid=measures] tbody tr", has_text=code)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text("诫勉")
    expect(row).to_contain_text("部分属实")
    expect(page.locator("[data-testid=barred-until]")).to_contain_text("诫勉")
    expect(page.locator("body")).not_to_contain_text("王建")  # the informant is never on the cadre's page
    assert page.console_errors == []

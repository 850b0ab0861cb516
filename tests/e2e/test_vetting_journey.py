"""A candidate through 任前把关 to appointment: recommendation, the four mandatory checks, opinions, the exam, a
publicity over the National Day holiday, the integrity talk, and the appointment confirmed by a 部领导; then the
printable sheet, which keeps the post held when the case was opened."""

from playwright.sync_api import expect

from core.models import Unit
from tests.e2e.helpers import pick_cadre, transport_deputy

PLEDGE = {"name": "廉政承诺书.pdf", "mimeType": "application/pdf",
          "buffer": b"%PDF-1.4\n% signed pledge\n1 0 obj<<>>endobj\n%%EOF\n"}


def step_form(page, name):
    return page.locator(f"[data-testid=form-{name}]").first


def submit(page, name, **fields):
    """Fill the named step form (field name without the prefix → value) and send it; the page says 已保存."""
    form = step_form(page, name)
    for field, value in fields.items():
        control = form.locator(f"[name='{name}-{field}']")
        if control.first.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    form.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("已保存")


def test_candidate_through_vetting_to_appointment(page, live_server, login, logout, demo, media_root):
    cadre = transport_deputy("郑文博", reports_personal_matters=False)
    unit = Unit.objects.get(code="QX-JT")
    page.on("dialog", lambda dialog: dialog.accept())
    login("staff01")

    page.click("nav.sidenav >> text=任前把关")
    page.click("text=启动任前把关")
    pick_cadre(page, "#id_cadre", cadre.name)
    page.select_option("#id_proposed_unit", str(unit.pk))
    page.fill("#id_proposed_title", "党组书记、局长")
    page.select_option("#id_proposed_rank", label="正科")
    page.select_option("#id_move_kind", label="提拔")
    page.check("#id_is_principal_post")
    page.click("button:has-text('启动并进行预警核对')")
    expect(page.locator(".messages")).to_contain_text("已启动任前把关 RQ-")
    expect(page.locator("[data-testid=case-status]")).to_have_text("民主推荐")
    expect(page.locator("[data-testid=crosscheck]")).not_to_contain_text("阻止任职")

    # 民主推荐, then 考察 with 凡提四必
    submit(page, "recommendation", held_on="2026-09-01", votes_cast="36", votes_for="31")
    step_form(page, "start_inspection").locator("button").click()
    expect(page.locator("[data-testid=case-status]")).to_have_text("考察（凡提四必）")
    submit(page, "archive", reviewed_on="2026-09-08", result="审核无问题")
    submit(page, "personal_matters", checked_on="2026-09-10", result="一致", verification_ref="HC-2026-031")
    submit(page, "discipline_request", requested_on="2026-09-08")
    submit(page, "discipline_reply", replied_on="2026-09-14", conclusion="未发现问题（廉洁情况良好）",
           reply="未发现违纪违法问题。")
    submit(page, "petition_check", checked_on="2026-09-15", conclusion="经查，近五年无反映该同志的信访举报。")
    submit(page, "opinion_request", department="公安", requested_on="2026-09-08")
    submit(page, "opinion_reply", replied_on="2026-09-11", reply="无违法犯罪记录。")
    submit(page, "exam", exam_date="2026-09-18", score_party_rules="86", score_law="78", score_integrity="91")
    expect(page.locator("[data-testid=exam]")).to_contain_text("通过")
    expect(page.locator("[data-testid=gaps]")).to_have_count(0)

    # 任前公示 over National Day: 5 working days from Monday 28 September end on Saturday 10 October (a working
    # day in the 2026 schedule), never earlier
    form = step_form(page, "start_publicity")
    form.locator("[name=start_publicity-start_date]").fill("2026-09-28")
    form.locator("[name=start_publicity-end_date]").fill("2026-10-09")
    form.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("结束日期不能早于2026-10-10")
    expect(page.locator("[data-testid=case-status]")).to_have_text("考察（凡提四必）")
    page.console_errors.clear()  # the refused form came back as 400 Bad Request, which the console reports
    form = step_form(page, "start_publicity")
    form.locator("[name=start_publicity-start_date]").fill("2026-09-28")
    form.locator("[name=start_publicity-end_date]").fill("")
    form.locator("[name=start_publicity-scope]").fill("县交通运输局机关公示栏、青溪先锋网")
    form.locator("button").click()
    expect(page.locator("[data-testid=case-status]")).to_have_text("任前公示")
    expect(page.locator("#step-publicity")).to_contain_text("公示期：2026-09-28 至 2026-10-10")
    submit(page, "feedback", received_on="2026-09-30", channel="来电", content="反映该同志驾驶公车接送子女。")
    submit(page, "feedback_verify", conclusion="不属实", verification="经查车辆使用登记和行车记录，反映不属实。",
           verified_on="2026-10-09")
    submit(page, "decide_publicity", outcome="有异议经核查不影响任职", decided_on="2026-10-12")
    expect(page.locator("[data-testid=case-status]")).to_have_text("任前廉政谈话")

    # 任前廉政谈话 with the signed pledge, then 任职 (a promotion: one year on probation)
    form = step_form(page, "talk")
    form.locator("[name=talk-talk_date]").fill("2026-10-15")
    form.locator("label:has-text('组织部') >> input").check()
    form.locator("label:has-text('纪委监委') >> input").check()
    form.locator("[name=talk-talkers]").fill("县委组织部副部长 陈立")
    form.locator("[name=talk-key_points]").fill("严守政治纪律和廉洁纪律，管好身边人。")
    form.locator("[name=talk-pledge]").set_input_files(PLEDGE)
    form.locator("button").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    # 确认任职 is the 部领导's: staff see no button, only who does it
    expect(step_form(page, "appoint")).to_have_count(0)
    expect(page.locator("[data-testid=appoint-by-leader]")).to_contain_text("由部领导确认任职")
    case_url = page.url.split("#")[0]
    logout()
    login("leader01")
    page.goto(case_url)
    expect(step_form(page, "talk")).to_have_count(0)  # a leader reads the steps, does not enter them
    submit(page, "appoint", appointed_on="2026-10-16", document_no="青委干〔2026〕58号")
    expect(page.locator("[data-testid=case-status]")).to_have_text("试用期")
    expect(page.locator("[data-testid=appointment]")).to_contain_text(
        "2026-10-16任县交通运输局党组书记、局长（青委干〔2026〕58号），试用期至 2027-10-16")

    # the printable 任前审查意见表 shows every step with what was done
    page.click("text=任前审查意见表")
    sheet = page.locator("[data-testid=sheet]")
    expect(sheet.locator("h1")).to_have_text("任前审查意见表")
    steps = sheet.locator("[data-testid=sheet-steps] tbody tr[data-step]")
    expect(steps).to_have_count(11)
    expected = {
        "recommendation": ("已完成", "得票率"),
        "archive": ("已完成", "审核无问题"),
        "personal_matters": ("已完成", "一致"),
        "discipline": ("已完成", "未发现问题"),
        "petition": ("已完成", "无反映该同志的信访举报"),
        "opinions": ("已完成", "公安"),
        "exam": ("已完成", "86"),
        "publicity": ("已完成", "2026-10-10"),
        "talk": ("已完成", "陈立"),
        "appointment": ("已完成", "青委干〔2026〕58号"),
        "probation": ("进行中", "2027-10-16"),
    }
    for step, (state, text) in expected.items():
        row = sheet.locator(f"tr[data-step={step}]")
        expect(row.locator("td.state")).to_have_text(state)
        expect(row).to_contain_text(text)
    expect(sheet).to_contain_text("郑文博")
    expect(sheet.locator("th:has-text('现任职务') + td")).to_have_text("县交通运输局副局长")
    expect(sheet).to_contain_text("县交通运输局党组书记、局长（正科）")
    assert page.console_errors == []

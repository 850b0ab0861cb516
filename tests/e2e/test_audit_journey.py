"""In a browser: staff build next year's plan from the suggestion (accept, drop with a reason, add a name) and
export it for the 审计委员会 (opened with openpyxl); then record a finding on an audit and its rectification
with an evidence file."""

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from audits.models import AuditPlan
from cadres.models import Cadre
from tests.e2e.helpers import pick_cadre

PDF = b"%PDF-1.4\n% rectification report\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def audit_demo(transactional_db, media_root):
    """The demo county's units and users and the audits demo (no cadres demo: it makes its own principal leaders)."""
    from audits import demo as audits_demo
    from core import demo as core_demo

    context = {}
    core_demo.seed(context)
    audits_demo.seed(context)
    return context


def test_staff_builds_next_years_plan_and_exports_it(page, live_server, login, audit_demo, tmp_path):
    year = timezone.localdate().year + 1
    login("staff01")
    page.click("nav.sidenav >> text=经济责任审计")
    page.click("text=年度计划")
    page.fill("[data-testid=plan-create] input[name=year]", str(year))
    page.click("[data-testid=plan-create] button[type=submit]")
    expect(page.locator("[data-testid=plan-status]")).to_have_text("编制中")
    proposed = page.locator("[data-testid=entries-proposed] tbody tr")
    expect(page.locator("[data-testid=entries-proposed]")).to_contain_text("已到审计周期")
    expect(page.locator("[data-testid=entries-proposed]")).to_contain_text("未进行离任审计")  # 冯德明 left post
    count = proposed.count()
    assert count >= 3

    first = proposed.first
    dropped_name = first.locator("td").nth(2).inner_text()
    first.locator("input[name=note]").fill("已列入本年度巡察，暂缓审计")
    first.locator("button:has-text('不列入')").click()
    page.wait_for_load_state()
    while page.locator("[data-testid=entries-proposed] tbody tr button.primary").count():
        page.locator("[data-testid=entries-proposed] tbody tr button.primary").first.click()
        page.wait_for_load_state()
    plan = AuditPlan.objects.get(year=year)
    extra = (Cadre.objects.filter(unit__path__startswith=plan.unit.path)
             .exclude(pk__in=plan.entries.values("cadre_id")).order_by("name").first())
    pick_cadre(page, "[data-testid=entry-add] input[type=search]", extra.name)
    page.select_option("[data-testid=entry-add] select[name=mode]", "sampled")
    page.fill("[data-testid=entry-add] input[name=reason]", "审计委员会点题：专项资金使用情况")
    page.click("[data-testid=entry-add] button[type=submit]")
    expect(page.locator("[data-testid=entries-accepted] tbody tr")).to_have_count(count)  # count-1 + 1 added
    expect(page.locator("[data-testid=entries-dropped]")).to_contain_text("已列入本年度巡察")

    with page.expect_download() as info:
        page.click("[data-testid=plan-export]")
    path = tmp_path / "plan.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename == f"{year}年度经济责任审计计划.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["审计计划"]
    assert sheet["A1"].value == f"{year}年度经济责任审计计划"
    names = [sheet.cell(row, 4).value for row in range(4, 4 + count)]
    assert dropped_name not in names and len(names) == count
    assert any("审计委员会点题" in (sheet.cell(row, 8).value or "") for row in range(4, 4 + count))
    assert sheet.cell(4 + count, 1).value.startswith(f"合计：{count}个审计对象")
    assert sheet.page_setup.orientation == "landscape"
    assert "未列入对象" in workbook.sheetnames


def test_staff_records_a_finding_and_its_rectification(page, live_server, login, audit_demo, tmp_path):
    evidence = tmp_path / "资金退回凭证.pdf"
    evidence.write_bytes(PDF)
    login("staff01")
    page.goto(f"{live_server.url}/audits/list/?status=reported")
    page.locator("[data-testid=audit-list] tbody tr a").first.click()
    page.click("[data-testid=add-finding]")
    page.select_option("#id_category", "fiscal")
    page.fill("#id_amount", "1286500.35")
    page.fill("#id_description", "超范围列支会议费、培训费")
    page.select_option("#id_responsibility", "direct")
    page.select_option("#id_responsible_cadre", index=1)
    page.fill("#id_rectification_required", "追回违规列支资金，完善经费报销制度")
    page.click("button:has-text('保存')")
    expect(page.locator("[data-testid=finding-amount]")).to_have_text("1,286,500.35 元")
    expect(page.locator("[data-testid=rect-status]")).to_have_text("未整改")

    page.set_input_files("[data-testid=evidence-form] input[type=file]", str(evidence))
    page.click("[data-testid=evidence-form] button[type=submit]")
    expect(page.locator("[data-testid=evidence]")).to_contain_text("资金退回凭证.pdf")
    page.select_option("[data-testid=progress-form] select[name=status]", "done")
    page.fill("[data-testid=progress-form] textarea[name=note]", "违规资金已全部追回，报销制度已修订")
    page.click("[data-testid=progress-form] button[type=submit]")
    expect(page.locator("[data-testid=rect-status]")).to_have_text("已整改")
    expect(page.locator("[data-testid=progress]")).to_contain_text("违规资金已全部追回")
    with page.expect_download() as info:
        page.locator("[data-testid=evidence] a").first.click()
    assert info.value.suggested_filename == "资金退回凭证.pdf"

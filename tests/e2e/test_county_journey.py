"""One deployment for a city and its counties (issue 20): county A's staff registers a petition and finds it; county
B's staff finds it nowhere — not in his list, not by the top-bar search, not by its URL, not in his export; the
city's 部领导 sees both counties, row by row, on the dashboard."""

import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from core import exports
from core.exports import ListExport
from core.models import Unit
from petitions.models import Petition
from tests.e2e.helpers import pick_cadre, snapshot, transport_deputy


def test_a_county_never_sees_the_other_countys_petition(page, live_server, login, logout, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    transport_deputy("邵景川")  # 青溪县交通运输局 (county A)

    # county A's staff registers a report about one of its cadres and sees it in his list
    login("staff01")
    page.click("nav.sidenav >> text=信访举报")
    page.click("text=登记信访举报件")
    page.select_option("#id_channel", label="12380电话")
    page.select_option("#id_case_type", label="检举控告")
    page.check("input[name=is_named][value='1']")
    page.fill("#id_reporter_name", "冯建")
    page.fill("#id_reporter_phone", "13900002222")
    pick_cadre(page, "#id_cadres", "邵景川")
    page.check("label:has-text('作风问题') >> input")
    page.fill("#id_summary", "反映邵景川违规使用公务用车接送子女。")
    page.check("#id_clues_specific")
    page.click("button:has-text('登记')")
    expect(page.locator(".messages")).to_contain_text("已登记 XF-")
    code = re.search(r"XF-(?:[A-Z0-9]+-)?\d{4}-\d{5}", page.locator("h1").inner_text()).group(0)
    case_url = page.url
    page.click("nav.sidenav >> text=信访举报")
    expect(page.locator("table").first).to_contain_text(code)
    logout()

    # county B's staff: not in his list, not found by the search box, a 404 by its URL
    login("bs_staff01")
    page.click("nav.sidenav >> text=信访举报")
    own = Petition.objects.filter(unit__path__startswith=Unit.objects.get(code="BS").path).first()
    expect(page.locator("table").first).to_contain_text(own.code)  # his own county's cases are there
    expect(page.locator("body")).not_to_contain_text(code)
    for query in (code, "邵景川"):
        page.fill(".topbar-search input[name=q]", query)
        page.click(".topbar-search button")
        expect(page.locator(".empty")).to_contain_text("未找到")
        expect(page.locator("[data-testid=search-group]")).to_have_count(0)
    assert page.goto(case_url).status == 404

    # ... nor in the export of his list (built here as the worker would, then downloaded from its page)
    page.goto(f"{live_server.url}/petitions/")
    page.click("[data-testid=export-list]")
    job = ListExport.objects.filter(kind="petitions", requested_by__username="bs_staff01").latest("created_at")
    exports.build(ListExport, job.pk)
    page.goto(live_server.url + job.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_test_id("export-download").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    cells = {
        str(cell)
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }
    assert own.code in cells and code not in cells
    logout()

    # the city's 部领导: both counties on the dashboard; a county's row is that county's own board
    login("leader01")
    page.click("nav.sidenav >> text=监督态势")
    table = page.get_by_test_id("by-region")
    expect(table.locator("tr[data-region]")).to_have_count(2)
    expect(table.locator("tr[data-region=BS]")).to_contain_text("白石县委")
    row = table.locator("tr[data-region=QX]")
    in_row = int(row.locator("[data-figure=region_0]").inner_text())
    assert in_row > 0
    snapshot(page, "dashboard_by_county")
    row.locator("th a").click()
    expect(page.get_by_test_id("by-region")).to_have_count(0)  # a county chosen: its own figures, no rows
    expect(page.locator(".filters select[name=unit]")).to_have_value("QX")
    expect(page.get_by_test_id("figure-petitions_received")).to_have_text(str(in_row))

"""A 部领导 on the dashboard: the charts draw without console errors, a bar leads to the list behind it (the
year's findings of a category, the petitions of a unit), and the monthly joint-meeting workbook is built by a real
Celery worker, downloaded and opened."""

import json

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from dashboard import workbook
from tests.e2e.helpers import snapshot

pytestmark = pytest.mark.integration  # a real worker on the Redis broker
CHARTS = 5  # dashboard/templates/dashboard/index.html


@pytest.fixture
def export_worker(celery_workers, media_root, monkeypatch):
    """A real worker (its own process, the test database, the test's media folder); the export task is routed to
    its private queue, as the live server publishes it."""
    from core.tasks import build_export

    workers = celery_workers(extra_env={"MEDIA_ROOT": str(media_root)})
    workers.start()
    monkeypatch.setattr(build_export, "_exec_options",
                        {**build_export._get_exec_options(), "queue": workers.queue})
    return workers.queue


def chart_data(page, chart):
    return json.loads(page.locator(f"#chart-{chart}").text_content())


def click_bar(page, chart, series, index):
    """Click the middle of one bar, found through the chart's own layout, as a user's pointer would."""
    page.locator(f'[data-chart="{chart}"]').scroll_into_view_if_needed()
    point = page.evaluate("""([name, series, index]) => {
        const element = document.querySelector(`[data-chart="${name}"]`);
        const layout = echarts.getInstanceByDom(element).getModel().getSeriesByIndex(series).getData()
            .getItemLayout(index);
        const box = element.getBoundingClientRect();
        return {x: box.left + layout.x + layout.width / 2, y: box.top + layout.y + layout.height / 2};
    }""", [chart, series, index])
    page.mouse.move(point["x"], point["y"])
    page.mouse.click(point["x"], point["y"])


def test_leader_reads_the_dashboard_and_downloads_the_monthly_workbook(page, live_server, login, demo,
                                                                        export_worker, tmp_path):
    login("leader01")
    page.click("nav.sidenav >> text=监督态势")
    expect(page.locator("h1")).to_have_text("监督态势")
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(CHARTS)
    assert page.locator("[data-chart] canvas").count() == CHARTS
    assert page.console_errors == []
    snapshot(page, "dashboard_charts")

    # a bar of the year's audit findings chart → the findings list of that year and category, as many rows as
    # counted
    page.goto(f"{live_server.url}/dashboard/?period=2026")
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(CHARTS)
    data = chart_data(page, "findings")
    index = next(i for i, item in enumerate(data["series"][0]["data"]) if item["count"])
    bar = data["series"][0]["data"][index]
    click_bar(page, "findings", 0, index)
    page.wait_for_url(f"{live_server.url}{bar['url']}")
    assert "/audits/findings/" in page.url and "year=2026" in page.url
    expect(page.locator("h1")).to_contain_text("经济责任审计")
    expect(page.locator("table tbody tr")).to_have_count(bar["count"])
    for row in page.locator("table tbody tr").all():
        expect(row).to_contain_text(data["categories"][index])

    # a bar of the petitions-by-unit chart → the petitions list filtered by that unit
    page.goto(f"{live_server.url}/dashboard/?period=2026")
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(CHARTS)
    data = chart_data(page, "petitions_by_unit")
    click_bar(page, "petitions_by_unit", 0, 0)
    page.wait_for_url(f"{live_server.url}{data['series'][0]['data'][0]['url']}")
    assert "/petitions/?unit=" in page.url

    # the monthly workbook: requested, built in the background by the worker, downloaded, opened
    page.click("nav.sidenav >> text=监督态势")
    month = page.locator("select[name=month]").input_value()
    page.click("[data-testid=export-monthly]")
    expect(page.locator("[data-testid=export-card]")).to_be_visible()
    expect(page.locator("[data-testid=export-download]")).to_be_visible(timeout=90_000)
    # finished: the bar gives way to the state and the link (polling stops)
    expect(page.locator("[data-testid=export-progress]")).to_have_count(0)
    expect(page.locator("[data-testid=export-state]")).to_contain_text("已完成")
    with page.expect_download() as info:
        page.click("[data-testid=export-download]")
    path = tmp_path / "monthly.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename.startswith("月度联席会议汇总表_")
    book = load_workbook(path)
    assert book.sheetnames == list(workbook.SHEETS)
    year, number = month.split("-")
    cover = "\n".join(str(cell) for row in book[workbook.SHEETS[0]].iter_rows(values_only=True) for cell in row
                      if cell is not None)
    assert f"{year}年{int(number)}月" in cover
    assert page.console_errors == []

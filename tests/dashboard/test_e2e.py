"""In a browser, on the demo county: a section head opens the dashboard, the charts draw without console errors,
clicking a bar lands on the matching filtered list, and the monthly workbook is generated and downloaded."""

import json
import os

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.demo import DEMO_PASSWORD
from dashboard import workbook
from tests.e2e.conftest import ARTIFACTS, browser_context_args, browser_type_launch_args  # noqa: F401

pytestmark = pytest.mark.e2e
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def chromium_page(page):
    """pytest-playwright's page on Debian's Chromium (one Playwright loop per session for every browser test)."""
    return page


@pytest.fixture
def demo(transactional_db):
    import importlib

    from django.apps import apps
    from django.core.management import call_command

    from petitions.models import TimeLimit

    # An earlier transactional test's flush removes the rows petitions' data migration made (unlike cadres,
    # audits and matters, petitions does not restore its defaults after a flush); the demo needs them.
    if not TimeLimit.objects.exists():
        importlib.import_module("petitions.migrations.0002_seed_time_limits").seed(apps, None)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def click_bar(page, chart, series, index):
    """Click the middle of one bar, found through the chart's own layout."""
    page.locator(f'[data-chart="{chart}"]').scroll_into_view_if_needed()
    point = page.evaluate("""([name, series, index]) => {
        const element = document.querySelector(`[data-chart="${name}"]`);
        const layout = echarts.getInstanceByDom(element).getModel().getSeriesByIndex(series).getData()
            .getItemLayout(index);
        const box = element.getBoundingClientRect();
        return {x: box.left + layout.x + layout.width / 2, y: box.top + layout.y + layout.height / 2};
    }""", [chart, series, index])
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(200)
    page.mouse.click(point["x"], point["y"])


def chart_data(page, chart):
    return json.loads(page.locator(f"#chart-{chart}").text_content())


def test_dashboard_drill_down_and_monthly_workbook(chromium_page, live_server, demo, tmp_path):
    page = chromium_page
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = live_server.url
    login(page, base, "head01")
    page.goto(f"{base}/dashboard/?period=2026")
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(5)
    assert page.locator("[data-chart] canvas").count() == 5
    assert errors == []

    # a finding-amount bar → the findings list of that year and category, with as many rows as the bar counts
    data = chart_data(page, "findings")
    index = next(i for i, item in enumerate(data["series"][0]["data"]) if item["count"])
    bar = data["series"][0]["data"][index]
    click_bar(page, "findings", 0, index)
    page.wait_for_url(f"{base}{bar['url']}")
    assert "/audits/findings/" in page.url and "year=2026" in page.url
    expect(page.locator("table tbody tr")).to_have_count(bar["count"])

    # a unit bar → the petitions list filtered by that unit
    page.goto(f"{base}/dashboard/?period=2026")
    expect(page.locator("[data-chart][data-drawn=true]")).to_have_count(5)
    data = chart_data(page, "petitions_by_unit")
    click_bar(page, "petitions_by_unit", 0, 0)
    page.wait_for_url(f"{base}{data['series'][0]['data'][0]['url']}")
    assert "/petitions/?unit=" in page.url

    # the monthly workbook: generated in the background, then downloaded and opened
    page.goto(f"{base}/dashboard/")
    page.select_option("select[name=month]", index=1)
    page.click("[data-testid=export-monthly]")
    expect(page.locator("[data-testid=export-download]")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid=export-progress]")).to_have_attribute("value", "100")
    with page.expect_download() as info:
        page.click("[data-testid=export-download]")
    path = tmp_path / "monthly.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename.startswith("月度联席会议汇总表_")
    assert load_workbook(path).sheetnames == list(workbook.SHEETS)
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard_export.png"), full_page=True)

"""The one search box (issue 21): staff01 types a name into the top bar, sees every app's records about him, opens
each hit, and none of the namesake in the demo city's other county (白石县); that county's officer searching the same
name finds only his own county's namesake, and the demo cadre's page is a 404 for him."""

from playwright.sync_api import expect

from cadres.models import Cadre
from core.models import AuditEvent, Unit
from tests.e2e.helpers import snapshot
from tests.factories import CadreFactory

NAME = "陈志远"  # the demo's 县教育局 principal: a measure, petitions and a liaison item name him


def test_search_opens_each_apps_hit_and_another_county_finds_only_its_own(page, live_server, login, logout, demo):
    demo_cadre = Cadre.objects.get(name=NAME)
    namesake = CadreFactory(name=NAME, unit=Unit.objects.get(code="BS-JY"), post_title="副局长")

    login("staff01")
    page.fill(".topbar-search input[name=q]", NAME)
    page.click(".topbar-search button")
    groups = page.locator("[data-testid=search-group]")
    expect(groups.first).to_be_visible()
    labels = [text.split(" ")[0] for text in groups.locator("h2").all_inner_texts()]
    assert {"干部", "监督措施", "信访举报"} <= set(labels), labels
    snapshot(page, "search_results")
    results_url = page.url

    # staff01 works in county A (青溪县): the namesake in county B is not among his hits
    cadre_hits = groups.filter(has_text="干部").first.locator("tbody a")
    expect(cadre_hits.filter(has_text=NAME)).to_have_count(1)
    expect(cadre_hits.first).to_have_attribute("href", demo_cadre.get_absolute_url())
    for index, label in enumerate(labels):
        group = page.locator("[data-testid=search-group]").nth(index)
        link = group.locator("tbody a").first
        href = link.get_attribute("href")
        link.click()
        page.wait_for_load_state()
        assert page.url.split("#")[0].endswith(href.split("#")[0]), (label, page.url, href)
        expect(page.locator("h1")).not_to_have_text("页面不存在")
        page.goto(results_url)
    assert AuditEvent.objects.filter(name="core.search.performed", actor_username="staff01").exists()

    logout()
    login("bs_staff01")
    page.fill(".topbar-search input[name=q]", NAME)
    page.click(".topbar-search button")
    groups = page.locator("[data-testid=search-group]")
    expect(groups).to_have_count(1)
    expect(groups.first.locator("tbody a")).to_have_count(1)
    expect(groups.first.locator("tbody a")).to_have_attribute("href", namesake.get_absolute_url())
    response = page.goto(f"{live_server.url}{demo_cadre.get_absolute_url()}")
    assert response.status == 404

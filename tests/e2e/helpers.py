"""Small helpers shared by the journeys."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from cadres.models import Rank
from core.models import Unit
from liaison.models import Report
from tests.factories import CadreFactory


def transport_deputy(name, **extra):
    """A 副局长 of the demo county's 交通运输局, with an ID number from a region the demo never uses, so the
    journey's assertions cannot meet a demo record by chance."""
    return CadreFactory(name=name, unit=Unit.objects.get(code="QX-JT"), post_title="副局长",
                        rank=Rank.SECTION_DEPUTY, region="110101", **extra)


def pick_cadre(page, field, name):
    """Choose a cadre in a cadre picker (cadres.widgets.CadrePicker) as a user does: type the name into its search
    box (`field`, a selector) and click the match."""
    page.fill(field, name)
    page.locator(f"{field} ~ .picker-results button", has_text=name).first.click()


def open_action(page, action):
    """Open the folded form of one action on a petition page and return it."""
    details = page.locator(f"details[data-action={action}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    return details


def snapshot(page, name):
    """An extra screenshot of a page in the middle of a journey (the fixture saves the last one)."""
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# --- the monthly report of a member unit (liaison) ----------------------------------------------------------------

def new_report(page, period=None):
    """The liaison officer opens a new monthly report, for `period` ("YYYY-MM") or the first month offered (this
    month's, until it is reported); returns the period."""
    page.click("nav.sidenav >> text=月度通报")
    page.click("text=填报月度通报")
    period = period or page.locator("#id_period option").first.get_attribute("value")
    page.select_option("#id_period", period)
    page.click("text=新建通报")
    expect(page.locator("[data-testid=report-status]")).to_have_text(Report.Status.DRAFT.label)
    return period


def file_item(page, period, name, description, *, aspect="作风形象", post="县交通运输局副局长"):
    """Add one item to the open draft report: a cadre's name and post, the aspect (its label), what happened and
    when (the 5th of the report's month, or today if that is still ahead)."""
    page.click("a.button:has-text('添加事项')")
    page.fill("#id_cadre_name", name)
    page.fill("#id_cadre_post", post)
    page.select_option("#id_aspect", label=aspect)
    page.fill("#id_description", description)
    page.fill("#id_source", "群众来信")
    page.fill("#id_occurred_on", min(datetime.date.fromisoformat(f"{period}-05"), timezone.localdate()).isoformat())
    page.click("button[name=save]")


def sign_match_and_dispose(page, report_url, name, action, feedback, note=""):
    """Office staff sign the submitted report, match its first item to the cadre `name` and dispose of it with
    `action` (its label)."""
    page.goto(report_url)
    page.click("button:has-text('签收')")
    expect(page.locator("[data-testid=report-status]")).to_have_text(Report.Status.SIGNED.label)
    page.locator("[data-testid=item]").first.locator("text=匹配与处置").click()
    page.check(f"label:has-text('{name}') >> input[name=cadre]")
    page.click("text=确认匹配")
    expect(page.locator("[data-testid=matched-cadre]")).to_have_text(name)
    page.select_option("#id_d-action", label=action)
    page.fill("#id_d-feedback", feedback)
    if note:
        page.fill("#id_d-note", note)
    page.click("text=登记处置")


def submit_report(page):
    """报送 the open report (its confirm() dialog must be accepted by the test); returns the report's address."""
    page.click("button:has-text('报送')")
    expect(page.locator("[data-testid=report-status]")).to_have_text(Report.Status.SUBMITTED.label)
    return page.url

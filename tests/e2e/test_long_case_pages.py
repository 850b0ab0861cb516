"""Long case pages in a late state (issue 20): the current step's form is in the first screen, the finished steps
are folded into one line, an outline link unfolds its section, the page is at most 2.5 screens tall, a folded
step opens from the keyboard, and printing shows everything unfolded."""

import re

import pytest
from playwright.sync_api import expect

from audits.models import Audit, AuditStatus
from core.models import User
from petitions.models import Petition, Status
from tests.e2e.helpers import snapshot
from vetting.models import CaseStatus, VettingCase

OPEN = re.compile(".*")
MAX_SCREENS = 2.5


def height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def assert_short(page):
    screen = page.viewport_size["height"]
    assert height(page) <= MAX_SCREENS * screen, f"{height(page)} px: more than {MAX_SCREENS} screens"


def assert_folded(section):
    expect(section).not_to_have_attribute("open", OPEN)
    expect(section.locator("summary")).to_be_visible()
    expect(section.locator(".fold-body")).to_be_hidden()


def unfold_from_outline(page, name, section_id):
    """Follow the outline's link to a folded section: it unfolds, its heading in view, the outline still beside it."""
    section = page.locator(f"details#{section_id}")
    assert_folded(section)
    page.locator("[data-testid=outline] a", has_text=re.compile(f"^{name}$")).last.click()
    expect(section).to_have_attribute("open", OPEN)
    expect(section.locator("summary")).to_be_in_viewport()
    expect(section.locator(".fold-body")).to_be_visible()
    expect(page.locator("[data-testid=outline]")).to_be_in_viewport()


@pytest.fixture
def county_a(demo):
    return User.objects.get(username="staff01")


def test_vetting_case_in_talk_stage(page, live_server, login, county_a):
    # the demo's case waiting for its integrity talk: eight steps done, no blocking warning waiting
    case = VettingCase.objects.visible_to(county_a).filter(status=CaseStatus.TALK).order_by("number").first()
    login("head01")
    page.goto(live_server.url + case.get_absolute_url())

    expect(page.locator("[data-testid=form-talk]")).to_be_in_viewport()  # no scrolling to the work
    expect(page.locator("details#step-talk")).to_have_class(re.compile("is-current"))
    for step in ("recommendation", "archive", "personal_matters", "discipline", "petition", "opinions", "exam",
                 "publicity"):
        section = page.locator(f"details#step-{step}")
        assert_folded(section)
        expect(section.locator("summary .fold-state")).to_have_text("已完成")
        expect(section.locator("summary .fold-date")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d$"))
    assert_folded(page.locator("details#record"))
    assert_folded(page.locator("details#history"))
    assert_short(page)
    snapshot(page, "long_vetting_case")

    unfold_from_outline(page, "任前公示", "step-publicity")
    expect(page.locator("#step-publicity")).to_contain_text("公示期")

    # a folded step opens from the keyboard: its summary takes the focus and Enter unfolds it
    exam = page.locator("details#step-exam")
    exam.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(exam).to_have_attribute("open", OPEN)

    # the office prints the page: everything unfolded, the outline left out
    page.emulate_media(media="print")
    expect(page.locator("#step-archive .fold-body")).to_be_visible()
    expect(page.locator("#record-list")).to_be_visible()
    expect(page.locator("[data-testid=outline]")).to_be_hidden()
    assert not page.console_errors


def test_petition_concluded_waiting_for_feedback(page, live_server, login, county_a):
    petition = (Petition.objects.visible_to(county_a).filter(status=Status.CONCLUDED, subjects__isnull=False)
                .order_by("code").first())
    login("head01")
    page.goto(live_server.url + petition.get_absolute_url())

    actions = page.locator("[data-testid=actions]")
    expect(actions.locator("details.action[open] form")).to_be_in_viewport()
    expect(page.locator("details#conclusion")).to_have_attribute("open", OPEN)  # the stage it is at
    assert_folded(page.locator("details#proposals"))
    assert_folded(page.locator("details#investigation"))
    assert_folded(page.locator("details#timeline"))
    assert_short(page)
    unfold_from_outline(page, "查核", "investigation")
    snapshot(page, "long_petition")
    assert not page.console_errors


def test_audit_in_results_stage(page, live_server, login, county_a):
    audit = Audit.objects.visible_to(county_a).filter(status=AuditStatus.RESULTS).order_by("number").first()
    login("head01")
    page.goto(live_server.url + audit.get_absolute_url())

    expect(page.locator("form.result-form")).to_be_in_viewport()
    expect(page.locator("details#results")).to_have_class(re.compile("is-current"))
    section = page.locator("details#findings")
    assert_folded(section)
    expect(section.locator(".fold-result")).to_contain_text("问题")
    assert_short(page)
    unfold_from_outline(page, "审计发现问题", "findings")
    expect(page.locator("[data-testid=findings] tbody tr").first).to_be_visible()
    snapshot(page, "long_audit")
    assert not page.console_errors

"""Small helpers shared by the journeys."""

import datetime

from cadres import idcard
from cadres.models import Rank
from core.models import Unit
from tests.factories import CadreFactory


def make_cadre(name, unit_code, post_title, *, rank=Rank.SECTION_DEPUTY, birth_date=datetime.date(1980, 6, 15),
               gender="M", sequence=1, **extra):
    """A cadre of the demo county with a name and ID number of its own (a region code the demo never uses), so the
    journey's assertions cannot meet a demo record by chance."""
    return CadreFactory(name=name, unit=Unit.objects.get(code=unit_code), post_title=post_title, rank=rank,
                        birth_date=birth_date, gender=gender,
                        id_number=idcard.make(birth_date, gender, region="110101", sequence=sequence), **extra)


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

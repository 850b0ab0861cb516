"""The sections of a long case page (templates/includes/fold.html) as its HTML gives them."""

import re


def fold(page, section_id):
    """The section `section_id` of the page: whether it is unfolded (`open`) and marked as the current step."""
    match = re.search(rf'<details class="([^"]*)" id="{re.escape(section_id)}"([^>]*)>', page)
    assert match, f"no folded section {section_id}"
    return {"open": " open" in match.group(2), "current": "is-current" in match.group(1).split()}

"""Who may do what in vetting: the one place for the app's checks. Scope (which cases a user sees at all) is
VettingCase.objects.visible_to."""

from core import roles


def can_view(user):
    return user.has_role(*roles.OFFICE_ROLES)


def can_handle(user):
    """Enter step records and move a case on: the office staff and the section head."""
    return user.has_role(roles.STAFF, roles.SECTION_HEAD)


def can_override_recommendation(user):
    """Let a candidate below the recommendation threshold go on (with a recorded reason)."""
    return user.has_role(roles.SECTION_HEAD, roles.LEADER)


def can_appoint(user):
    """确认任职 (records the appointment, closes the steps and changes the cadre's post): the 部领导's sign-off
    (docs/permissions.md: "vetting: override a blocking warning, appoint" — 部领导 only)."""
    return user.has_role(roles.LEADER)


def can_assess_probation(user):
    """试用期考核 and its consequence (正式任职, or 免去试任职务 with the work arranged): entered by the office."""
    return can_handle(user)


def can_override_block(user):
    """Let the appointment go ahead despite blocking warnings (written reason, logged)."""
    return user.has_role(roles.LEADER)


def can_terminate(user):
    return user.has_role(roles.SECTION_HEAD, roles.LEADER)

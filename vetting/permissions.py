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


def can_override_block(user):
    """Let the appointment go ahead despite blocking warnings (written reason, logged)."""
    return user.has_role(roles.LEADER)


def can_terminate(user):
    return user.has_role(roles.SECTION_HEAD, roles.LEADER)

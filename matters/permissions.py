"""The one place for the matters app's permission checks. Scope (which rows a user sees) is decided by the
`visible_to` querysets; these decide what a user who sees a row may do with it."""

from core import roles
from core.scoping import can_read_cases

EDITORS = (roles.STAFF, roles.SECTION_HEAD)


def can_view(user):
    """Office roles read these records; liaison officers and the three administrators do not."""
    return can_read_cases(user)


def can_edit(user):
    """Staff and section heads record applications, opinions, decisions, loans, events and rectification."""
    return can_view(user) and user.has_role(*EDITORS)


def can_export_full_id(user):
    """The registration list for the public-security side carries full ID numbers only for users allowed to see
    them (cadres.view_full_id_number); others get masked numbers."""
    return can_view(user) and user.has_perm("cadres.view_full_id_number")

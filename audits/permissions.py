"""The one place for the audits app's permission checks. Scope (which objects a user sees) is decided by the
`visible_to` querysets; these decide what a user who sees an object may do with it."""

from core import roles
from core.scoping import can_read_cases

EDITORS = (roles.STAFF, roles.SECTION_HEAD)
APPROVERS = (roles.SECTION_HEAD, roles.LEADER)


def can_view(user):
    """Office roles read audits; liaison officers and the three administrators do not."""
    return can_read_cases(user)


def can_edit(user):
    """Staff and section heads record plans, audits, findings, rectification and results; leaders read."""
    return can_view(user) and user.has_role(*EDITORS)


def can_approve_plan(user):
    """Recording that the 审计委员会 approved the plan (which freezes it)."""
    return can_view(user) and user.has_role(*APPROVERS)


def can_classify(user):
    return can_edit(user)


def can_void_result(user):
    """Voiding a recorded use of results (with its supervision measure): the people who record them, as a measure
    is voided from the cadre's profile by those who may edit the cadre."""
    return can_edit(user)

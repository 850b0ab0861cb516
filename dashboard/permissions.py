"""Who sees what on the dashboard: the one place for this app's checks."""

from core import roles

# 部领导 and 科室负责人 see the whole picture of their jurisdiction; staff see the figures of their own cases.
OVERVIEW_ROLES = (roles.LEADER, roles.SECTION_HEAD)


def can_view_overview(user):
    return user.has_role(*OVERVIEW_ROLES)


def can_export(user):
    """The monthly joint-meeting workbook is the office's document for the meeting: heads and leaders make it."""
    return user.has_role(*OVERVIEW_ROLES)

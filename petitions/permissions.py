"""Who may do what with a petition: the one place for these checks (scope itself is Petition.objects.visible_to).

- 监督科工作人员 register cases; the assigned handlers (承办人) work them.
- 科室负责人 / 部领导 approve proposals, conclude, approve extensions; the 科室负责人 assigns handlers and voids.
- The informant's identity: only users granted `petitions.view_reporter_identity` on that case (the handlers) and
  科室负责人 — and only after asking with a reason (identity.reveal logs every view).
"""

from guardian.shortcuts import get_user_perms

from core import roles
from core.scoping import can_read_cases

IDENTITY_PERMISSION = "view_reporter_identity"
APPROVERS = (roles.SECTION_HEAD, roles.LEADER)

# action -> who besides the handlers may do it ("approvers" only: handlers may not)
_APPROVER_ONLY = {"approve", "reject", "return_for_more", "conclude", "extend", "answer_review"}
_HEAD_ONLY = {"assign_handlers", "void"}


def can_register(user):
    return user.has_role(roles.STAFF, roles.SECTION_HEAD)


def is_handler(user, petition):
    # Uses the prefetched handlers when the view loaded them.
    return any(handler.pk == user.pk for handler in petition.handlers.all())


def can(user, action, petition):
    """May `user` (who can already see the case) perform `action` on it? The status is checked by workflow."""
    if action in _HEAD_ONLY:
        return user.has_role(roles.SECTION_HEAD, roles.LEADER) if action == "assign_handlers" \
            else user.has_role(roles.SECTION_HEAD)
    if action in _APPROVER_ONLY:
        return user.has_role(*APPROVERS)
    if user.has_role(roles.SECTION_HEAD):
        return True
    return user.has_role(roles.STAFF, roles.LEADER) and is_handler(user, petition)


def can_view_identity(user, petition):
    """Object permission on this case (granted to handlers), or the 科室负责人 role. A superuser flag grants nothing
    here: get_user_perms reads only what was assigned to the user on the object."""
    if not (user.is_authenticated and user.is_active) or not petition.is_named or user.is_service_account:
        return False
    if user.has_role(roles.SECTION_HEAD):
        return True
    return user.has_role(*roles.OFFICE_ROLES) and IDENTITY_PERMISSION in get_user_perms(user, petition)


def can_export(user):
    return can_read_cases(user)

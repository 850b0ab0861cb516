"""Who may do what in the cadres app: the one place for its checks (scope itself is Cadre.objects.visible_to)."""

from core import roles
from core.scoping import can_read_cases

EDITORS = (roles.STAFF, roles.SECTION_HEAD)


def can_view(user):
    return can_read_cases(user)


def can_edit(user):
    """Staff and section heads enter records; leaders read."""
    return can_read_cases(user) and user.has_role(*EDITORS)


def can_view_full_id(user):
    """The full ID number: only with the permission (granted to 科室负责人 by migration 0003)."""
    return can_read_cases(user) and user.has_perm("cadres.view_full_id_number")


def can_import(user):
    return can_edit(user)


def can_draw(user):
    """随机抽查 draws: staff and section heads."""
    return can_edit(user)


def can_export(user):
    return can_read_cases(user)


def can_view_family(user):
    """家庭成员 on the 任免审批表: only with the permission (granted to 科室负责人 by cadres.defaults)."""
    return can_read_cases(user) and user.has_perm("cadres.view_family_members")

"""The roles of the office, as Django groups. The names are what users see in the admin."""

from core.office_settings import OFFICE_SETTINGS

STAFF = "监督科工作人员"
SECTION_HEAD = "科室负责人"
LEADER = "部领导"
LIAISON = "成员单位联络员"
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全保密管理员"
SECURITY_AUDITOR = "安全审计员"

ALL_ROLES = (STAFF, SECTION_HEAD, LEADER, LIAISON, SYSTEM_ADMIN, SECURITY_ADMIN, SECURITY_AUDITOR)
# Roles that read and handle case data of the office.
OFFICE_ROLES = (STAFF, SECTION_HEAD, LEADER)
# 三员分立: the three administrators run the system but read no case data.
ADMIN_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, SECURITY_AUDITOR)
# Not a role of a person: the mark of an API client's service account (api.services). Such an account holds none of
# the roles above, so no user picker offers it and no reminder reaches it; for one API call it acts with the role
# its client needs (User.act_for_client).
SERVICE_ACCOUNT = "接口服务账号"

# Model permissions the three administrators hold in the admin (三员分立). Office roles work through the app
# views; their object-level rights come from guardian.
ADMIN_PERMISSIONS = {
    SYSTEM_ADMIN: [("core", "user", ["add", "change", "view"]), ("core", "unit", ["add", "change", "view"]),
                   # the joint meeting's member units, never its reports
                   ("liaison", "memberunit", ["add", "change", "view"]),
                   # every settings table the office edits (time limits, impact periods, cycles, holidays...)
                   *OFFICE_SETTINGS],
    SECURITY_ADMIN: [("auth", "group", ["view", "change"]), ("core", "user", ["view", "change"]),
                     ("core", "securitypolicy", ["view", "change"]),
                     # who is a member unit's liaison officer is a permission matter (liaison/admin.py)
                     ("liaison", "memberunit", ["view", "change"])],
    SECURITY_AUDITOR: [("core", "auditevent", ["view"])],
}


def ensure_role_groups(group_model, permission_model):
    """Create the role groups and give the administrators their permissions. Idempotent; called by the data
    migration and after every migrate/flush, so the roles always exist. A permission that does not exist yet
    (its app's post_migrate has not run) is skipped; core.apps calls this again after each app's post_migrate."""
    for name in (*ALL_ROLES, SERVICE_ACCOUNT):
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, model, actions in ADMIN_PERMISSIONS.get(name, []):
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*permission_model.objects.filter(content_type__app_label=app_label,
                                                                   codename__in=codenames))

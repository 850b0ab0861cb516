"""The settings tables the office edits in the admin (issue 16 §4): the local numbers of domain.md — audit cycles,
the rectification and comment periods, petition time limits, impact periods, thresholds, the holiday schedule.

The numbers a county may set differently (time limits, periods, thresholds, the reporting due day) are rows per
jurisdiction, inherited from the city's (core.models.JurisdictionSettings, petitions.TimeLimit); a county's
administrator edits his county's rows only (core.admin.JurisdictionAdminMixin). Global by nature, one row for the
deployment: the holiday schedule (the State Council's), the impact periods and accountability situations (the
Party's regulations), the avoidance rules (a conflict pairs cadres of different counties), the audit categories'
cycles (one classification of units for the city's plan) and the security policy (one set of accounts).

One list, used three ways: the 系统管理员 holds the rights on each (core.roles), every admin change of one is
written to the audit log (below), and tests/core/test_office_settings.py checks the list against the admin
registrations, so a new settings table cannot be forgotten."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from core import audit
from core.models import AuditEvent

# (app label, model name, the admin actions the 系统管理员 holds; the ModelAdmin narrows add/delete further)
OFFICE_SETTINGS = (
    ("audits", "categorypolicy", ["change", "view"]),
    ("audits", "auditrules", ["add", "change", "delete", "view"]),
    ("cadres", "impactperiod", ["add", "change", "view"]),
    ("cadres", "cadresettings", ["add", "change", "delete", "view"]),
    ("cadres", "avoidancerules", ["add", "change", "view"]),
    ("matters", "mattersrules", ["add", "change", "delete", "view"]),
    ("matters", "accountabilitysituation", ["add", "change", "view"]),
    ("petitions", "timelimit", ["add", "change", "delete", "view"]),
    ("vetting", "vettingsettings", ["add", "change", "delete", "view"]),
    ("liaison", "reportingschedule", ["add", "change", "delete", "view"]),
    ("core", "workcalendaryear", ["add", "change", "view"]),
    ("core", "workcalendarday", ["add", "change", "delete", "view"]),
)
LABELS = {f"{app_label}.{model}" for app_label, model, _ in OFFICE_SETTINGS}
# Their ModelAdmin already writes its own event with the old and new values (liaison/admin.py).
AUDITED_BY_THEIR_ADMIN = {"liaison.reportingschedule"}

_ACTIONS = {ADDITION: AuditEvent.Action.CREATE, CHANGE: AuditEvent.Action.UPDATE, DELETION: AuditEvent.Action.DELETE}
_VERBS = {ADDITION: "新增", CHANGE: "修改", DELETION: "删除"}


@receiver(post_save, sender=LogEntry, dispatch_uid="core.office_settings.audited")
def _audit_admin_change(sender, instance, created, **kwargs):
    # The admin writes a LogEntry for every add, change and list edit: the one place that sees them all, with the user.
    label = f"{instance.content_type.app_label}.{instance.content_type.model}" if instance.content_type_id else ""
    if not created or label not in LABELS or label in AUDITED_BY_THEIR_ADMIN:
        return
    target = instance.get_edited_object() if instance.action_flag != DELETION else None
    model = instance.content_type.model_class()
    values = {} if target is None else {field.name: str(getattr(target, field.attname))
                                         for field in model._meta.concrete_fields}
    audit.record(instance.user, _ACTIONS[instance.action_flag], f"{label}.settings_changed", target,
                 summary=f"{_VERBS[instance.action_flag]}设置：{model._meta.verbose_name} {instance.object_repr}"
                         f"（{instance.get_change_message() or '无字段变化'}）",
                 changes={"fields": instance.get_change_message(), "values": values})

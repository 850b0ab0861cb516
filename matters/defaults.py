"""Defaults that must exist: the settings row, the accountability situations (an editable list), and the system
administrator's right to edit them. Run after every migrate (post_migrate); existing rows are never overwritten."""

from django.contrib.auth.models import Group, Permission

from core import roles
from matters.models import AccountabilitySituation, MattersRules

SITUATIONS = [
    ("未认真履行巡察整改第一责任人责任", "admonishment"),
    ("未召集班子集体研究部署整改", "reminder_talk"),
    ("整改弄虚作假、虚假整改", "admonishment"),
    ("整改敷衍应付、避重就轻", "ordered_review"),
    ("对反馈问题拒不整改或整改严重滞后", "admonishment"),
    ("整改不到位造成不良影响", "ordered_review"),
]
SETTINGS_MODELS = ["mattersrules", "accountabilitysituation"]


def ensure_defaults(sender=None, **kwargs):
    MattersRules.current()
    if not AccountabilitySituation.objects.exists():
        for order, (label, kind) in enumerate(SITUATIONS, start=1):
            AccountabilitySituation.objects.create(label=label, default_measure=kind, sort_order=order)
    admin = Group.objects.filter(name=roles.SYSTEM_ADMIN).first()
    if admin:
        codenames = [f"{action}_{model}" for model in SETTINGS_MODELS for action in ("view", "change")]
        codenames.append("add_accountabilitysituation")
        admin.permissions.add(*Permission.objects.filter(content_type__app_label="matters", codename__in=codenames))

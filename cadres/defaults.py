"""Defaults that must exist for the app to work: impact periods, the settings row, the full-ID permission of the
section head. The data migration 0003 creates them; `ensure_defaults` (post_migrate) restores them after a test
flush. Idempotent: existing rows (edited in the admin) are left alone."""

IMPACT_PERIODS = [
    ("reminder_talk", 0, ""),
    ("inquiry", 0, ""),
    ("admonishment", 6, "诫勉：6个月内不得提拔，当年不得评优"),
    ("criticism", 0, ""),
    ("ordered_review", 0, ""),
    ("suspension", 0, "停职检查期间不得提拔"),
    ("post_adjustment", 12, "调整职务：12个月内不得提拔"),
    ("ordered_resignation", 12, "责令辞职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务"),
    ("removal", 12, "免职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务"),
    ("demotion", 24, "降职：24个月内不得提拔"),
]


def ensure_defaults(sender=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from cadres.models import CadreSettings, ImpactPeriod
    from core import roles

    for kind, months, note in IMPACT_PERIODS:
        ImpactPeriod.objects.get_or_create(kind=kind, defaults={"months": months, "note": note})
    CadreSettings.current()
    head = Group.objects.filter(name=roles.SECTION_HEAD).first()
    if head:
        # 完整身份证号 and 家庭成员 (任免审批表): the section head only, unless granted to others by the 安全保密管理员.
        head.permissions.add(*Permission.objects.filter(content_type__app_label="cadres",
                                                        codename__in=["view_full_id_number", "view_family_members"]))
    admin = Group.objects.filter(name=roles.SYSTEM_ADMIN).first()
    if admin:
        admin.permissions.add(*Permission.objects.filter(
            content_type__app_label="cadres",
            codename__in=["view_impactperiod", "change_impactperiod", "view_cadresettings", "change_cadresettings"]))

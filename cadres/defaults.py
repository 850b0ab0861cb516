"""Defaults that must exist for the app to work: impact periods, the settings row, the full-ID permission of the
section head. The data migration 0003 creates them; `ensure_defaults` (post_migrate) restores them after a test
flush. Idempotent: existing rows (edited in the admin) are left alone."""

from django.contrib.auth.models import Group, Permission

from cadres.models import AvoidanceRules, CadreSettings, ImpactPeriod
from core import roles

# (kind, months, note, no_post, higher_post_months). Sources: 《中国共产党问责条例》(2019) 第十一条 and
# 《推进领导干部能上能下规定》(2022) (诫勉, 调整职务, 责令辞职, 免职, 降职); 《中国共产党纪律处分条例》(2023)
# 第十条 (警告 12 / 严重警告 18 months), 第十一条 (撤销党内职务: 24 months no equal or higher post), 第十二条
# (留党察看: the 察看期 plus 24 months after the rights are restored), 第十三条 (开除党籍: 5 years);
# 《公职人员政务处分法》(2020) 第八条 (警告 6, 记过 12, 记大过 18, 降级·撤职 24 months).
IMPACT_PERIODS = [
    ("reminder_talk", 0, "", False, 0),
    ("inquiry", 0, "", False, 0),
    ("admonishment", 6, "诫勉：6个月内不得提拔，当年不得评优", False, 0),
    ("criticism", 0, "", False, 0),
    ("ordered_review", 0, "", False, 0),
    ("suspension", 0, "停职检查期间不得提拔", False, 0),
    ("post_adjustment", 12, "调整职务：12个月内不得提拔", False, 0),
    ("ordered_resignation", 12, "责令辞职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务", True, 24),
    ("removal", 12, "免职：12个月内不得安排职务，24个月内不得担任高于原职务层次的职务", True, 24),
    ("demotion", 24, "降职：24个月内不得提拔", False, 0),
    ("party_warning", 12, "党纪警告：一年内不得在党内提拔职务或者进一步使用（纪律处分条例第十条）", False, 0),
    ("party_serious_warning", 18, "党纪严重警告：一年半内不得在党内提拔职务或者进一步使用（纪律处分条例第十条）",
     False, 0),
    ("party_post_revoked", 24, "撤销党内职务：二年内不得担任与原任职务相当或者高于原任职务的职务（第十一条）",
     False, 0),
    ("party_probation_1y", 36, "留党察看一年：察看期一年，恢复党员权利后二年内不得担任与原任职务相当或者更高的职务"
     "（第十二条）", False, 0),
    ("party_probation_2y", 48, "留党察看二年：察看期二年，恢复党员权利后二年内不得担任与原任职务相当或者更高的职务"
     "（第十二条）", False, 0),
    ("party_expulsion", 60, "开除党籍：五年内不得重新入党，不得推荐担任与原任职务相当或者更高的职务（第十三条）",
     False, 0),
    ("gov_warning", 6, "政务警告：处分期6个月，期内不得晋升职务、职级（政务处分法第八条）", False, 0),
    ("gov_demerit", 12, "政务记过：处分期12个月，期内不得晋升职务、职级", False, 0),
    ("gov_major_demerit", 18, "政务记大过：处分期18个月，期内不得晋升职务、职级", False, 0),
    ("gov_demotion", 24, "政务降级：处分期24个月，期内不得晋升职务、职级", False, 0),
    ("gov_dismissal", 24, "政务撤职：处分期24个月，期内不得晋升职务、职级", False, 0),
]


def ensure_defaults(sender=None, **kwargs):
    for kind, months, note, no_post, higher_post_months in IMPACT_PERIODS:
        ImpactPeriod.objects.get_or_create(kind=kind, defaults={"months": months, "note": note, "no_post": no_post,
                                                                "higher_post_months": higher_post_months})
    CadreSettings.current()
    AvoidanceRules.current()
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

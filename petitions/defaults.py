"""The statutory time limits (domain.md §3) and the system administrator's right to edit them. The data migration
0002 creates them; `ensure_defaults` (post_migrate) restores them after a test flush. Existing rows, edited in the
admin, are left alone."""

from django.contrib.auth.models import Group, Permission

from core import roles
from petitions.models import TimeLimit

ACCUSATION_RULES = "《纪检监察机关处理检举控告工作规则》"
LIMITS = [
    # case_type, stage, days, day_kind, counted_from, basis
    ("accusation", "acceptance", 15, "working", "收件之日", f"{ACCUSATION_RULES}：实名检举控告受理情况告知"),
    ("accusation", "forward", 5, "working", "收件之日", f"{ACCUSATION_RULES}：属其他层级管辖的转送"),
    ("accusation", "feedback", 15, "working", "办结之日", f"{ACCUSATION_RULES}：实名检举控告处理结果反馈"),
    ("petition_matter", "acceptance", 15, "calendar", "收件之日", "《信访工作条例》：是否受理的决定"),
    ("petition_matter", "handling", 60, "calendar", "受理之日", "《信访工作条例》：办理期限"),
    ("petition_matter", "extension", 30, "calendar", "原办结期限",
     "《信访工作条例》：延期不超过30日，并告知信访人理由"),
    ("petition_matter", "review_request", 30, "calendar", "收到书面答复之日", "《信访工作条例》第三十五条：请求复查"),
    ("petition_matter", "review_answer", 30, "calendar", "收到复查请求之日", "《信访工作条例》第三十五条：复查答复"),
    ("petition_matter", "recheck_request", 30, "calendar", "收到复查意见之日", "《信访工作条例》第三十六条：请求复核"),
    ("petition_matter", "recheck_answer", 30, "calendar", "收到复核请求之日", "《信访工作条例》第三十六条：复核答复"),
]


def ensure_defaults(sender=None, **kwargs):
    for case_type, stage, days, day_kind, counted_from, basis in LIMITS:
        TimeLimit.objects.get_or_create(jurisdiction=None, case_type=case_type, stage=stage, defaults={
            "days": days, "day_kind": day_kind, "counted_from": counted_from, "basis": basis})
    admin = Group.objects.filter(name=roles.SYSTEM_ADMIN).first()
    if admin:
        admin.permissions.add(*Permission.objects.filter(content_type__app_label="petitions",
                                                         codename__in=["view_timelimit", "change_timelimit"]))

"""Default settings rows (local practice, seed 003): A every 3 years 直审, B 4 直审, C 5 抽审, D once a term 内审."""

from django.db import DEFAULT_DB_ALIAS

from audits.models import AuditRules, CategoryPolicy

DEFAULT_POLICIES = [
    ("A", 3, "direct", "经济活动量大、民生任务重"),
    ("B", 4, "direct", "经济活动量较大"),
    ("C", 5, "sampled", "经济活动量一般"),
    ("D", 5, "internal", "每届任期审计一次（按任期5年计）"),
]


def ensure_defaults(sender=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Create the missing rows; never overwrite values an administrator changed."""
    for category, years, mode, description in DEFAULT_POLICIES:
        CategoryPolicy.objects.using(using).get_or_create(
            category=category, defaults={"cycle_years": years, "default_mode": mode, "description": description})
    if not AuditRules.objects.using(using).exists():
        AuditRules.objects.using(using).create()

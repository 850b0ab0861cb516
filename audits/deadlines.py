"""Deadline providers of the audits app for the core scan (registered in AuditsConfig.ready)."""

from audits import rectification
from audits.models import AuditRules, Finding
from core import roles
from core.models import User


def _section_heads():
    users = (User.objects.filter(is_active=True, groups__name=roles.SECTION_HEAD)
             .select_related("jurisdiction").distinct())
    return [(user, user.jurisdiction.path if user.jurisdiction_id else "") for user in users]


def rectification_deadlines(on_date):
    """Open findings near or past their rectification deadline: to the audit's handler; once the rule's number
    of days overdue (30), also to the section heads whose jurisdiction covers the audited unit."""
    rules = AuditRules.current()
    heads = None

    def escalation(finding):
        nonlocal heads
        heads = _section_heads() if heads is None else heads
        return [user for user, path in heads if finding.audit.unit.path.startswith(path)]

    def recipients(finding):
        user = finding.audit.handler or finding.audit.created_by
        return [user] if user is not None and user.is_active else []

    def title(finding, overdue):
        state = f"已逾期{overdue}天" if overdue else f"期限{finding.rectification_deadline:%Y-%m-%d}"
        return f"审计整改：{finding.audit.unit.display_name} {finding}（{finding.get_category_display()}），{state}"

    findings = Finding.objects.active().select_related("audit__unit", "audit__handler", "audit__created_by")
    yield from rectification.dues(findings, on_date, kind="audits.rectification", title=title,
                                  recipients=recipients, escalate_after=rules.escalation_overdue_days,
                                  escalation_recipients=escalation)

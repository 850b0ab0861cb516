"""Deadline providers of the audits app for the core scan (registered in AuditsConfig.ready)."""

import datetime

from django.conf import settings

from audits.models import Audit, AuditRules, AuditStatus, Finding
from core import roles
from core.deadlines import Covering, Due, level_for
from tests.support.deadline_oracle import rectification


def rectification_deadlines(on_date):
    """Open findings near or past their rectification deadline: to the audit's handler; once the rule's number
    of days overdue (30), also to the section heads whose jurisdiction covers the audited unit."""
    rules = AuditRules.current()
    heads = Covering([roles.SECTION_HEAD])

    def escalation(finding):
        return list(heads(finding.audit.unit))

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


def draft_comment_deadlines(on_date):
    """Draft audit reports out for comment (进点实施 under way) with no written comments recorded: 提示 before the
    10-day period ends, 预警 on its last day, 逾期 after it (the comments are then deemed no objection and the
    report can be issued). To the audit's handler, else the section heads covering the audited unit."""
    horizon = on_date + datetime.timedelta(days=settings.DEADLINE_NOTICE_DAYS)
    pending = (Audit.objects.filter(status=AuditStatus.IN_PROGRESS, comment_due__isnull=False,
                                    comments_received_on__isnull=True, comment_due__lte=horizon)
               .select_related("unit", "handler", "created_by").order_by("comment_due", "pk"))
    heads = Covering([roles.SECTION_HEAD])
    for audit in pending:
        level = level_for(audit.comment_due, on_date)
        if level is None:
            continue
        recipients = heads.author_or_covering(audit.handler or audit.created_by, audit.unit)
        if audit.comment_due < on_date:
            state = f"已超过反馈期限{(on_date - audit.comment_due).days}天，逾期未提出视同无异议"
        else:
            state = f"反馈期限{audit.comment_due:%Y-%m-%d}"
        yield Due(kind="audits.draft_comments", target=audit, due_date=audit.comment_due, level=level,
                  title=f"审计报告征求意见：{audit.number} {audit.unit.display_name}，{state}",
                  recipients=recipients)

"""Deadline providers of the audits app for the core scan (set-based, core.deadlines.Query; registered in
AuditsConfig.ready)."""

from audits.models import Audit, AuditRules, AuditStatus, Finding
from core import rectification, roles
from core.deadlines import Query


def rectification_deadlines(on_date):
    """Open findings near or past their rectification deadline: to the audit's handler (else its recorder) while
    active; once the rule's number of days overdue (30), also to the section heads covering the audited unit."""
    q = Query(Finding, on_date)
    q.params.update(cancelled=AuditStatus.CANCELLED)
    title = (f"'审计整改：' || COALESCE(NULLIF(u.short_name, ''), u.name) || ' ' || a.number || ' 问题' "
             f"|| i.number || '（' || {q.label('i.category', Finding, 'category')} || '），'")
    yield rectification.dues(
        q, kind="audits.rectification",
        tables="audits_finding i JOIN audits_audit a ON a.id = i.audit_id JOIN core_unit u ON u.id = a.unit_id",
        recipient_joins="LEFT JOIN core_user person ON person.id = COALESCE(a.handler_id, a.created_by_id) "
                        "AND person.is_active",
        where="i.voided_at IS NULL AND a.status <> %(cancelled)s", title=title,
        url=q.url("audits:finding_detail", "a.code", "i.code"), recipient="person.id", unit="a.unit_id",
        escalate_after=q.setting(AuditRules, "escalation_overdue_days", "a.unit_id"))


def draft_comment_deadlines(on_date):
    """Draft audit reports out for comment (进点实施 under way) with no written comments recorded: 提示 before the
    10-day period ends, 预警 on its last day, 逾期 after it (the comments are then deemed no objection and the
    report can be issued). To the audit's handler (else its recorder) while active, else the section heads
    covering the audited unit."""
    q = Query(Audit, on_date)
    q.params["in_progress"] = AuditStatus.IN_PROGRESS
    yield q.rows(f"""
        SELECT 'audits.draft_comments' AS kind, r.recipient_id, a.id AS target_id, a.comment_due AS due_date,
               {q.level("a.comment_due")} AS level,
               '审计报告征求意见：' || a.number || ' ' || COALESCE(NULLIF(u.short_name, ''), u.name) || '，'
                   || CASE WHEN a.comment_due < %(on_date)s
                           THEN '已超过反馈期限' || (%(on_date)s - a.comment_due) || '天，逾期未提出视同无异议'
                           ELSE '反馈期限' || {q.ymd("a.comment_due")} END AS title,
               {q.url("audits:detail", "a.code")} AS url
        FROM audits_audit a JOIN core_unit u ON u.id = a.unit_id
        {q.author_or_covering("COALESCE(a.handler_id, a.created_by_id)", "a.unit_id", [roles.SECTION_HEAD])}
        WHERE a.status = %(in_progress)s AND a.comments_received_on IS NULL AND a.comment_due <= %(horizon)s
    """)  # noqa: S608  # nosec B608 (SQL text from this module; values are parameters)

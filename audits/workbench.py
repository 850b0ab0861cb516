"""The audits on a user's workbench (core.workbench): the audit projects they handle (承办人) that are not
closed, with the deadline for the written comments on the draft report, and the ones they registered this week;
and the annual plans they draw up (编制人) while still drafts, a returned one (退回修改) marked as come back.
Rectification deadlines of findings stay on the findings list and in the daily reminders."""

from django.db.models import Q
from django.utils import timezone

from audits.models import Audit, AuditPlan, AuditStatus, PlanStatus
from core.workbench import CaseRow, recent_since, register_cases, week_start

LABEL = "经济责任审计"
_OPEN = (AuditStatus.PLANNED, AuditStatus.IN_PROGRESS, AuditStatus.REPORTED, AuditStatus.RESULTS)


@register_cases
def my_open_cases(user):
    since, monday = recent_since(), week_start()
    mine = Q(handler=user, status__in=_OPEN)
    registered = Q(created_by=user, created_at__date__gte=monday)
    rows = []
    for audit in Audit.objects.visible_to(user).filter(mine | registered).select_related("unit"):
        handled = audit.handler_id == user.pk and audit.status in _OPEN
        came_in = audit.comments_received_on is not None and audit.comments_received_on >= since
        rows.append(CaseRow(
            label=LABEL, code=audit.number, title=f"{audit.unit.display_name}{audit.get_kind_display()}",
            state=audit.get_status_display(), url=audit.get_absolute_url(),
            deadline=audit.comment_due if audit.awaiting_comments else None,
            deadline_label="书面意见反馈" if audit.awaiting_comments else "",
            came_back="书面意见已反馈" if handled and came_in else "",
            registered_on=timezone.localdate(audit.created_at) if audit.created_by_id == user.pk else None,
            handled_by_me=handled))
    return rows + _draft_plans(user)


def _draft_plans(user):
    """A draft once submitted was returned (退回修改 sends it back to 编制中): it waits on its author until
    submitted again."""
    plans = AuditPlan.objects.visible_to(user).filter(created_by=user, status=PlanStatus.DRAFT).select_related("unit")
    return [CaseRow(label="年度审计计划", code=f"{plan.year}年度计划", title=plan.unit.display_name,
                    state=plan.get_status_display(), url=plan.get_absolute_url(),
                    came_back="退回修改" if plan.submitted_on else "",
                    registered_on=timezone.localdate(plan.created_at))
            for plan in plans]

"""Every access decision of the liaison app. Scope (what a user sees at all) is `Report.objects.visible_to`;
this module decides what a user may do with what they see."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from core import audit, roles
from liaison.models import Meeting, MeetingDecision, Report

HANDLER_ROLES = (roles.STAFF, roles.SECTION_HEAD)


def is_office(user):
    return user.has_role(*roles.OFFICE_ROLES)


def is_handler(user):
    """Office staff who act on reports (sign, match, dispose, record meetings); leaders read."""
    return user.has_role(*HANDLER_ROLES)


def is_liaison(user):
    return user.has_role(roles.LIAISON)


def _unit_may_change(user, report):
    return is_liaison(user) and user.has_perm("liaison.change_report", report)


def can_edit(user, report):
    """The unit's officer edits a draft; a signed report is read-only to them (the change permission is gone)."""
    return report.status == Report.Status.DRAFT and _unit_may_change(user, report)


def can_reopen(user, report):
    return report.status == Report.Status.RETURNED and _unit_may_change(user, report)


def can_sign(user, report):
    return report.status == Report.Status.SUBMITTED and is_handler(user)


def can_match(user, report):
    return report.status in Report.RECEIVED and is_handler(user)


def can_dispose(user, report):
    return report.status == Report.Status.SIGNED and is_handler(user)


def can_manage_meetings(user):
    return is_handler(user)


def can_report_decision(user, decision):
    """The lead unit's liaison officer reports an open decision done; `decision` comes from `visible_to`, which
    gives an officer only their own unit's decisions."""
    return is_liaison(user) and decision.status == MeetingDecision.Status.OPEN


def _hidden(request, model, code, what):
    """404 for an object the user may not see; if it exists, the attempt is logged as 越权访问."""
    target = model.objects.filter(code=code).first()
    if target is not None:
        audit.record_denied(request, f"liaison.{model._meta.model_name}.denied", target,
                            summary=f"越权访问{what}：{request.path}")
    raise Http404


def get_report_or_404(request, code, queryset=None):
    queryset = queryset if queryset is not None else Report.objects.all()
    report = queryset.visible_to(request.user).filter(code=code).first()
    if report is None:
        _hidden(request, Report, code, "通报")
    return report


def get_meeting_or_404(request, code):
    meeting = Meeting.objects.visible_to(request.user).filter(code=code).first()
    if meeting is None:
        _hidden(request, Meeting, code, "联席会议")
    return meeting


def get_item_or_404(report, code):
    """Children through their parent: an item of another report is not found here."""
    return get_object_or_404(report.items.filter(voided_at__isnull=True), code=code)


def get_decision_or_404(request, code):
    decision = (MeetingDecision.objects.visible_to(request.user).select_related("meeting", "owner_unit__unit",
                                                                               "done_by")
                .filter(code=code).first())
    if decision is None:
        _hidden(request, MeetingDecision, code, "议定事项")
    return decision

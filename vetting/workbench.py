"""The vetting cases on a user's workbench (core.workbench): the open cases they handle, with the nearest
deadline of the current step, and the cases they opened this week."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from core.workbench import CaseRow, QuickAction, recent_since, register_action, register_cases, week_start
from vetting import permissions
from vetting.models import CaseStatus, DisciplineOpinion, OpinionRequest, VettingCase
from vetting.models.cases import CLOSED_STATUSES

LABEL = "任前考察"


def _first_open(model):
    waiting = model.objects.filter(case=OuterRef("pk"), replied_on__isnull=True).order_by("reply_deadline")
    return Subquery(waiting.values("reply_deadline")[:1])


def _annotated(queryset, since):
    """One query: the deadlines the scan watches (vetting.deadlines) and whether a reply came in lately."""
    replied = Q(replied_on__gte=since)
    return queryset.select_related("cadre", "publicity", "appointment").annotate(
        discipline_due=_first_open(DisciplineOpinion),
        opinion_due=_first_open(OpinionRequest),
        came_in=Exists(OpinionRequest.objects.filter(replied, case=OuterRef("pk")))
        | Exists(DisciplineOpinion.objects.filter(replied, case=OuterRef("pk"))),
    )


def _next_deadline(case):
    """(date, what) of the nearest deadline of the case's current step, as vetting.deadlines reminds them."""
    candidates = []
    if case.status == CaseStatus.INSPECTION:
        candidates += [(case.discipline_due, "纪委监委意见答复"), (case.opinion_due, "征求意见答复")]
    publicity = getattr(case, "publicity", None)
    if case.status == CaseStatus.PUBLICITY and publicity:
        candidates.append((publicity.end_date, "任前公示期满"))
    appointment = getattr(case, "appointment", None)
    if case.status == CaseStatus.PROBATION and appointment and not appointment.probation_result:
        candidates.append((appointment.probation_end, "试用期满考核"))
    candidates = [item for item in candidates if item[0]]
    return min(candidates) if candidates else (None, "")


@register_cases
def my_open_cases(user):
    monday = week_start()
    mine = Q(handler=user) & ~Q(status__in=CLOSED_STATUSES)
    registered = Q(created_by=user, created_at__date__gte=monday)
    cases = _annotated(VettingCase.objects.visible_to(user).filter(mine | registered), recent_since())
    rows = []
    for case in cases:
        deadline, what = _next_deadline(case)
        rows.append(CaseRow(
            label=LABEL, code=case.number, title=f"{case.cadre.name} 拟任{case.proposed_title}",
            state=case.get_status_display(), url=case.get_absolute_url(), deadline=deadline, deadline_label=what,
            came_back="意见已回复" if case.came_in and case.handler_id == user.pk else "",
            registered_on=timezone.localdate(case.created_at) if case.created_by_id == user.pk else None,
            handled_by_me=case.handler_id == user.pk and not case.is_closed))
    return rows


@register_action
def open_vetting(user):
    if permissions.can_handle(user):
        return QuickAction("启动任前考察", reverse("vetting:case_create"), order=20)
    return None

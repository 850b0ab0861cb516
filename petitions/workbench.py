"""The petitions on a user's workbench (core.workbench): the cases they handle (承办人) that still have a
deadline to meet, with the nearest one (petitions.deadlines.pending), what came back to them, and the cases
they registered this week. Never the informant: the code and the summary only."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from core.workbench import CaseRow, QuickAction, recent_since, register_action, register_cases, week_start
from petitions import permissions
from petitions.deadlines import REVIEWABLE_STATUSES, pending
from petitions.models import OPEN_STATUSES, Petition, PetitionEvent, ReviewRequest, Status, Transfer

LABEL = "信访件"
# Workflow steps that hand a case back to its handlers (services.reject, services.return_for_more).
RETURN_ACTIONS = ("reject", "return_for_more")
# Still on the handler's desk: open, concluded awaiting feedback, or a 复查/复核 request awaiting an answer.
_WORKING = Q(status__in=OPEN_STATUSES + (Status.CONCLUDED,)) | Q(
    status__in=REVIEWABLE_STATUSES, review_requests__state=ReviewRequest.State.PENDING)


def _cases(user, since, monday):
    handled = Exists(Petition.handlers.through.objects.filter(petition=OuterRef("pk"), user=user))
    on_desk = Exists(Petition.objects.filter(_WORKING, pk=OuterRef("pk")))
    return (Petition.objects.visible_to(user)
            .annotate(mine=handled, on_desk=on_desk)
            .filter(Q(mine=True, on_desk=True) | Q(created_by=user, created_at__date__gte=monday))
            .annotate(returned=Exists(PetitionEvent.objects.filter(petition=OuterRef("pk"), at__date__gte=since,
                                                                    action__in=RETURN_ACTIONS)),
                      replied=Exists(Transfer.objects.filter(petition=OuterRef("pk"), replied_on__gte=since)))
            .prefetch_related("transfers", "review_requests"))


def _came_back(petition):
    if not (petition.mine and petition.on_desk):
        return ""
    if petition.returned:
        return "退回补充办理"
    return "转办单位已回复" if petition.replied else ""


@register_cases
def my_open_cases(user):
    rows = []
    for petition in _cases(user, recent_since(), week_start()):
        items = pending(petition, list(petition.transfers.all()), list(petition.review_requests.all()))
        first = items[0] if items else None
        rows.append(CaseRow(
            label=LABEL, code=petition.code, title=petition.summary[:40], state=petition.get_status_display(),
            url=petition.get_absolute_url(), deadline=first.date if first else None,
            deadline_label=first.label if first else "", came_back=_came_back(petition),
            registered_on=timezone.localdate(petition.created_at) if petition.created_by_id == user.pk else None,
            handled_by_me=petition.mine and petition.on_desk))
    return rows


@register_action
def register_petition(user):
    if permissions.can_register(user):
        return QuickAction("登记信访件", reverse("petitions:create"), order=10)
    return None

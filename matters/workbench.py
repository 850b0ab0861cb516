"""The matters on a user's workbench (core.workbench): the inspections (巡察整改) and travel applications (因私出国
联审) the user registered and still follows, as the deadline scan reminds the recorder (matters.deadlines), with
the nearest open deadline: a rectification item's, a department's reply in the joint review, or the return of the
certificate lent for the trip."""

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from core import rectification
from core.workbench import CaseRow, recent_since, register_cases, week_start
from matters.models import (
    OPEN_APPLICATION_STATUSES,
    CertificateLoan,
    Inspection,
    InspectionItem,
    InspectionStatus,
    ReviewOpinion,
    TravelApplication,
)


def _registered_on(record, user):
    return timezone.localdate(record.created_at) if record.created_by_id == user.pk else None


def _mine(user, open_q, monday):
    """Followed (registered by the user and open), or registered by the user this week."""
    return Q(created_by=user) & (open_q | Q(created_at__date__gte=monday))


def _inspections(user, monday):
    open_items = InspectionItem.objects.active().filter(rectification.OPEN_Q, inspection=OuterRef("pk"))
    nearest = open_items.order_by("rectification_deadline").values("rectification_deadline")[:1]
    open_q = Q(status=InspectionStatus.RECTIFYING)
    return (
        Inspection.objects.visible_to(user)
        .filter(_mine(user, open_q, monday))
        .select_related("unit")
        .annotate(next_due=Subquery(nearest))
    )


def _applications(user, since, monday):
    opinions = ReviewOpinion.objects.filter(application=OuterRef("pk"))
    nearest = opinions.filter(replied_on__isnull=True).order_by("reply_due").values("reply_due")[:1]
    lent = CertificateLoan.objects.filter(application=OuterRef("pk"), returned_on__isnull=True)
    open_q = Q(status__in=OPEN_APPLICATION_STATUSES)
    return (
        TravelApplication.objects.visible_to(user)
        .filter(_mine(user, open_q, monday))
        .select_related("cadre")
        .annotate(
            next_due=Subquery(nearest),
            replied=Exists(opinions.filter(replied_on__gte=since)),
            loan_due=Subquery(lent.values("return_due")[:1]),
        )
    )


def _application_due(application):
    """(date, what): the joint review's replies while under review, then the lent certificate's return."""
    if application.next_due:
        return application.next_due, "联审意见答复"
    if application.loan_due:
        return application.loan_due, "证照交回"
    return None, ""


@register_cases
def my_open_cases(user):
    since, monday = recent_since(), week_start()
    rows = []
    for inspection in _inspections(user, monday):
        following = inspection.status == InspectionStatus.RECTIFYING
        rows.append(
            CaseRow(
                label=inspection.get_kind_display() + "整改",
                code=inspection.round_name,
                title=inspection.unit.display_name,
                state=inspection.get_status_display(),
                url=inspection.get_absolute_url(),
                deadline=inspection.next_due if following else None,
                deadline_label="整改期限" if following and inspection.next_due else "",
                registered_on=_registered_on(inspection, user),
                handled_by_me=following,
            )
        )
    for application in _applications(user, since, monday):
        following = application.status in OPEN_APPLICATION_STATUSES
        deadline, what = _application_due(application) if following else (None, "")
        rows.append(
            CaseRow(
                label="因私出国（境）",
                code=application.number,
                title=f"{application.cadre.name}赴{application.destination}",
                state=application.get_status_display(),
                url=application.get_absolute_url(),
                deadline=deadline,
                deadline_label=what,
                came_back="联审意见已回复" if following and application.replied else "",
                registered_on=_registered_on(application, user),
                handled_by_me=following,
            )
        )
    return rows

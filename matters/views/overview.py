"""The app's front page: what needs attention today, in a fixed number of queries."""

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from cadres.dates import add_months
from core import rectification
from core.permissions import office_required
from matters import permissions
from matters.models import (
    ApplicationStatus,
    Certificate,
    CertificateLoan,
    CertificateStatus,
    InspectionItem,
    InspectionStatus,
    MattersRules,
    PersonalEvent,
    ReviewOpinion,
    TravelApplication,
)


@office_required
def index(request):
    user, today = request.user, timezone.localdate()
    rules = MattersRules.for_unit(user.jurisdiction_id)  # the viewer's jurisdiction's (the city's for the city)
    held = Certificate.objects.visible_to(user).exclude(status=CertificateStatus.CANCELLED)
    counts = {
        "reviewing": TravelApplication.objects.visible_to(user).filter(status=ApplicationStatus.REVIEWING).count(),
        "to_approve": TravelApplication.objects.visible_to(user).filter(status=ApplicationStatus.REVIEWED).count(),
        "opinions_overdue": ReviewOpinion.objects.filter(
            application__in=TravelApplication.objects.visible_to(user), replied_on__isnull=True,
            application__status=ApplicationStatus.REVIEWING, reply_due__lt=today).count(),
        "travelling": TravelApplication.objects.visible_to(user).filter(status=ApplicationStatus.TRAVELLING).count(),
        "return_overdue": CertificateLoan.objects.visible_to(user).filter(returned_on__isnull=True,
                                                                          return_due__lt=today).count(),
        "handover_overdue": held.filter(status=CertificateStatus.AWAITING, handover_due__lt=today).count(),
        "expiring": held.filter(expires_on__gte=today,
                                expires_on__lte=add_months(today, rules.expiry_notice_months)).count(),
        "expired": held.filter(expires_on__lt=today).count(),
        "in_custody": held.filter(status=CertificateStatus.IN_CUSTODY).count(),
        "late_events": PersonalEvent.objects.visible_to(user).filter(late=True, reported_on__year=today.year).count(),
        "items_open": InspectionItem.objects.visible_to(user).active().filter(
            rectification.OPEN_Q, inspection__status=InspectionStatus.RECTIFYING).count(),
        "items_overdue": InspectionItem.objects.visible_to(user).active().filter(
            Q(rectification_deadline__lt=today) & rectification.OPEN_Q).count(),
    }
    return render(request, "matters/index.html", {"counts": counts, "rules": rules, "tab": "index",
                                                  "can_edit": permissions.can_edit(user)})

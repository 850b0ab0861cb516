"""The app's lists as their pages and their exports (matters/exports.py) read them: each list's rows a user may see,
with what the list shows selected, prefetched or annotated, in the list's order. The pages filter them with the
FilterSets of matters/filters.py, the exports with the same FilterSets as the requester."""

from django.db.models import Count, Prefetch, Q

from core import rectification
from matters.models import (
    Certificate,
    CertificateLoan,
    ExitEntryRegistration,
    Inspection,
    InspectionItem,
    InvestigationRecord,
    PersonalEvent,
    TravelApplication,
)


def registration_queryset(user):
    return (
        ExitEntryRegistration.objects.visible_to(user)
        .select_related("cadre__unit")
        .order_by("removed_on", "cadre__unit__path", "cadre__name", "-registered_on")
    )


def certificate_queryset(user):
    open_loans = CertificateLoan.objects.filter(returned_on__isnull=True)
    return (
        Certificate.objects.visible_to(user)
        .select_related("cadre__unit")
        .prefetch_related(Prefetch("loans", queryset=open_loans, to_attr="open_loans"))
        .order_by("cadre__unit__path", "cadre__name", "kind", "pk")
    )


def application_queryset(user):
    return (
        TravelApplication.objects.visible_to(user)
        .select_related("cadre__unit", "loan")
        .prefetch_related("opinions")
        .order_by("-year", "-seq")
    )


def investigation_queryset(user):
    return (
        InvestigationRecord.objects.visible_to(user).select_related("cadre__unit").order_by("ended_on", "-started_on")
    )


def event_queryset(user):
    return PersonalEvent.objects.visible_to(user).select_related("cadre__unit").order_by("-event_date", "-pk")


def inspection_queryset(user):
    open_q = Q(items__voided_at__isnull=True, items__rectification_status__in=rectification.OPEN_STATUSES)
    return (
        Inspection.objects.visible_to(user)
        .select_related("unit", "secretary")
        .annotate(
            n_items=Count("items", filter=Q(items__voided_at__isnull=True), distinct=True),
            n_open=Count("items", filter=open_q, distinct=True),
            n_accountability=Count("accountabilities", distinct=True),
        )
        .order_by("-feedback_on", "-pk")
    )


def item_queryset(user):
    return (
        InspectionItem.objects.visible_to(user)
        .active()
        .select_related("inspection__unit", "owner_cadre")
        .order_by("rectification_deadline", "pk")
    )

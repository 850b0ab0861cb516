"""Petitions in the cadres hub (cadres.registry): the early warning and the vetting block for open cases with
specific clues (凡提必查), and the report counter. Labels carry the case number and status, never the informant."""

from collections import defaultdict

from django.db.models import Count, Q

from cadres import registry
from cadres.snapshots import register_warning_source
from core.bundles import steps
from petitions.models import OPEN_STATUSES, Petition, PetitionSubject, Status

WARNING_CODE = "petitions.open_specific_clues"


@registry.register_warning_rule(WARNING_CODE, "有线索具体的信访举报尚未办结", blocking=True)
@steps
def open_specific_clues(cadres, on_date):
    flagged = defaultdict(list)
    rows = (PetitionSubject.objects.filter(cadre__in=cadres, petition__status__in=OPEN_STATUSES,
                                           petition__clues_specific=True, petition__received_on__lte=on_date)
            .values_list("cadre_id", "petition__code", "petition__status").order_by("petition__received_on"))
    for cadre_id, code, status in (yield rows):
        flagged[cadre_id].append(f"信访举报件 {code}（{Status(status).label}，线索具体）")
    return dict(flagged)


@registry.register_case_source("petition")
@steps
def cases(cadre):
    petitions = (Petition.objects.filter(subjects__cadre=cadre).exclude(status__in=(Status.MERGED, Status.VOIDED))
                 .annotate(reports=Count("duplicates", distinct=True) + 1).order_by("-received_on"))
    return [
        registry.CaseRef(
            topic="petition", code=petition.code, url=petition.get_absolute_url(),
            label=f"信访举报件 {petition.code}：{'、'.join(petition.category_labels())}"
                  + (f"（{petition.reports}件）" if petition.reports > 1 else ""),
            status=petition.get_status_display() + (f"·{petition.get_conclusion_display()}"
                                                     if petition.conclusion else ""),
            is_open=petition.is_open, date=petition.received_on,
            blocks_vetting=petition.is_open and petition.clues_specific,
        )
        for petition in (yield petitions)
    ]


@registry.register_report_counter
@steps
def report_counts(cadres, since, until):
    """Reports received about each cadre (a queryset or ids) in [since, until]; a duplicate is a report too
    (frequent-reports rule)."""
    rows = (PetitionSubject.objects.filter(cadre__in=cadres, petition__received_on__gte=since,
                                           petition__received_on__lte=until)
            .exclude(petition__status=Status.VOIDED)
            .values("cadre_id").annotate(n=Count("petition", distinct=True, filter=Q(petition__isnull=False))))
    return {row["cadre_id"]: row["n"] for row in (yield rows)}


# A petition's status decides the warning of the cadres it names (its subjects).
register_warning_source(Petition, lambda petition: petition.subjects.exclude(cadre=None)
                        .values_list("cadre_id", flat=True))

"""重复件: on intake, propose likely duplicates — the same cadre and an overlapping problem category within 12 months,
or a similar summary (PostgreSQL pg_trgm similarity, served by the trigram index on summary)."""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q

from petitions.models import Petition, PetitionSubject, Status

WINDOW_DAYS = 365  # "within 12 months" of the new report's receipt, either way
SIMILARITY_THRESHOLD = 0.3  # pg_trgm's default for the % operator


@dataclass(frozen=True)
class Candidate:
    petition: Petition
    reasons: tuple
    similarity: float


def candidates(*, user, received_on, cadre_ids, categories, summary, exclude=None, limit=10):
    """Existing cases (visible to `user`) that may report the same matter, most likely first."""
    window = datetime.timedelta(days=WINDOW_DAYS)
    base = (Petition.objects.visible_to(user).exclude(status__in=(Status.MERGED, Status.VOIDED))
            .filter(received_on__gte=received_on - window, received_on__lte=received_on + window))
    if exclude is not None:
        base = base.exclude(pk=exclude.pk)
    cadre_ids = [cadre_id for cadre_id in cadre_ids if cadre_id]
    same_cadre = Q(pk__in=PetitionSubject.objects.filter(cadre_id__in=cadre_ids).values("petition_id")) \
        if cadre_ids else Q(pk__in=[])
    same_matter = same_cadre & Q(categories__overlap=list(categories)) if categories else Q(pk__in=[])
    similar = Q(summary__trigram_similar=summary) if summary else Q(pk__in=[])
    rows = (base.filter(same_matter | similar)
            .annotate(similarity=TrigramSimilarity("summary", summary or ""))
            .annotate(same_matter=same_matter)
            .select_related("unit").order_by("-same_matter", "-similarity", "-received_on")[:limit])
    found = []
    for petition in rows:
        reasons = []
        if petition.same_matter:
            reasons.append("同一被反映人、问题类别相同")
        if petition.similarity >= SIMILARITY_THRESHOLD:
            reasons.append(f"内容相似（{petition.similarity:.0%}）")
        found.append(Candidate(petition, tuple(reasons), petition.similarity))
    return found


def for_petition(petition, user, limit=10):
    return candidates(user=user, received_on=petition.received_on,
                      cadre_ids=[subject.cadre_id for subject in petition.subjects.all()],
                      categories=petition.categories, summary=petition.summary, exclude=petition, limit=limit)

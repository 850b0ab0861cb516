"""What petitions makes searchable (core.search): cases by number, query code, summary and the people reported
(被反映人) — the same match as the list's search box. Never the informant: the identity is encrypted and is read only
on its own page; nor the full text, which may name him."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from cadres.filters import search as cadres_named
from cadres.models import Cadre
from core.search import Hit, Source, any_contains, containing, register
from petitions.models import Petition, PetitionSubject


def matching(queryset, text):
    """Cases whose number, query code or summary holds `text`, or that report a person of that name (a cadre's, or
    as written when not matched). The people first (one query: the case ids), so that every condition is on the
    cases' own indexes (core.search.any_contains)."""
    subjects = PetitionSubject.objects.all()
    named = (subjects.filter(cadre__in=cadres_named(Cadre.objects.all(), text).values("pk"))
             .values_list("petition_id", flat=True).order_by()
             .union(containing(subjects, "name", text).values_list("petition_id", flat=True).order_by()))
    also = Q(query_code=text.upper()) | Q(pk__in=list(named))
    return any_contains(queryset, text, ["code", "summary"], ignore_case={"code"}, also=also)


def _find(user, query):
    return matching(Petition.objects.visible_to(user), query.text).order_by("-received_on", "-code")


def _hit(petition):
    return Hit(title=petition.summary[:60], code=petition.code, state=petition.get_status_display(),
               url=petition.get_absolute_url(), deadline=petition.next_due, deadline_label=petition.next_due_label)


def _list(query):
    return f"{reverse('petitions:index')}?{urlencode({'q': query.text})}"


register(Source("信访举报", 40, _find, _hit, _list))

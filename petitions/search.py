"""What petitions makes searchable (core.search): cases by number, query code, summary and the people reported
(被反映人) — the same match as the list's search box. Never the informant: the identity is encrypted and is read only
on its own page; nor the full text, which may name him."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from core.search import Hit, Source, register
from petitions.models import Petition, PetitionSubject


def matching(queryset, text):
    """Cases whose number, query code or summary holds `text`, or that report a person of that name."""
    named = PetitionSubject.objects.filter(Q(cadre__name__contains=text) | Q(name__contains=text))
    return queryset.filter(Q(code__icontains=text) | Q(query_code=text.upper()) | Q(summary__contains=text)
                           | Q(pk__in=named.values("petition_id")))


def _find(user, query):
    return matching(Petition.objects.visible_to(user), query.text).order_by("-received_on", "-code")


def _hit(petition):
    return Hit(title=petition.summary[:60], code=petition.code, state=petition.get_status_display(),
               url=petition.get_absolute_url(), deadline=petition.next_due, deadline_label=petition.next_due_label)


def _list(query):
    return f"{reverse('petitions:index')}?{urlencode({'q': query.text})}"


register(Source("信访举报", 40, _find, _hit, _list))

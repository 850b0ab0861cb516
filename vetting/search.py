"""What vetting makes searchable (core.search): pre-appointment cases by number, the candidate's name or ID, or the
proposed post."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from cadres.search import matching_cadres
from core.search import Hit, Source, register
from vetting.models import VettingCase


def _find(user, query):
    matched = (Q(number__icontains=query.text) | Q(cadre__in=matching_cadres(query))
               | Q(proposed_title__contains=query.text))
    return VettingCase.objects.visible_to(user).filter(matched).select_related("cadre").order_by("-pk")


def _hit(case):
    return Hit(title=f"{case.cadre.name} 拟任{case.proposed_title}", code=case.number,
               state=case.get_status_display(), url=case.get_absolute_url())


def _list(query):
    return f"{reverse('vetting:index')}?{urlencode({'q': query.text})}"


register(Source("任前把关", 30, _find, _hit, _list))

"""What cadres makes searchable (core.search): cadres by name or full ID number, and supervision measures by the
cadre's name, their reason or their source case number. `matching_cadres` serves the other apps' sources too, so a
name is matched the same way (and through the same indexes) everywhere."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from cadres.filters import search as cadres_named
from cadres.models import Cadre, SupervisionMeasure
from core.search import Hit, Source, register


def matching_cadres(query):
    """The ids of every cadre (unscoped: callers scope their own records) whose name contains the query or whose ID
    it is: a list, read once per search and shared by every source, so that each source's condition is on its own
    table's indexes (`cadre_id IN (...)` joins a BitmapOr; a subquery would not)."""
    return query.remember("cadres", lambda: list(cadres_named(Cadre.objects.all(), query.text)
                                                 .values_list("pk", flat=True)))


def _cadres(user, query):
    return cadres_named(Cadre.objects.visible_to(user), query.text).select_related("unit").order_by("name", "pk")


def _cadre_hit(cadre):
    return Hit(title=cadre.name, code="", state=cadre.get_status_display(), url=cadre.get_absolute_url(),
               detail=f"{cadre.unit.display_name} {cadre.post_title}")


def _measures(user, query):
    matched = Q(cadre__in=matching_cadres(query)) | Q(reason__contains=query.text) | Q(source_code=query.text)
    return (SupervisionMeasure.objects.visible_to(user).filter(matched).select_related("cadre")
            .order_by("-date", "-pk"))


def _measure_hit(measure):
    return Hit(title=f"{measure.cadre.name} {measure.get_kind_display()}", code="", state="",
               url=measure.cadre.get_absolute_url(),
               detail=f"{date_format(measure.date, 'Y年n月j日')} {measure.reason[:80]}")


def _cadre_list(query):
    return f"{reverse('cadres:index')}?{urlencode({'q': query.text})}"


register(Source("干部", 10, _cadres, _cadre_hit, _cadre_list))
register(Source("监督措施", 20, _measures, _measure_hit))

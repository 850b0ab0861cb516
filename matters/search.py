"""What matters makes searchable (core.search): travel applications (因私出国（境）) by number, the applicant's name
or ID, or the destination; 立案审查调查 records by the cadre's name or ID."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from cadres.search import matching_cadres
from core.search import Hit, Source, register
from matters.models import InvestigationRecord, TravelApplication


def _applications(user, query):
    matched = (Q(number__icontains=query.text) | Q(cadre__in=matching_cadres(query))
               | Q(destination__contains=query.text))
    return (TravelApplication.objects.visible_to(user).filter(matched).select_related("cadre")
            .order_by("-applied_on", "-pk"))


def _application_hit(application):
    return Hit(title=f"{application.cadre.name} 前往{application.destination}", code=application.number,
               state=application.get_status_display(), url=application.get_absolute_url())


def _application_list(query):
    return f"{reverse('matters:application_list')}?{urlencode({'q': query.text})}"


def _investigations(user, query):
    return (InvestigationRecord.objects.visible_to(user).filter(cadre__in=matching_cadres(query))
            .select_related("cadre").order_by("-started_on", "-pk"))


def _investigation_hit(record):
    return Hit(title=f"{record.cadre.name} {record.get_kind_display()}", code=record.notice_ref,
               state="已结束" if record.ended_on else "审查调查中", url=record.get_absolute_url(),
               detail=f"{record.authority} {date_format(record.started_on, 'Y年n月j日')}立案")


register(Source("因私出国（境）", 80, _applications, _application_hit, _application_list))
register(Source("立案审查调查", 90, _investigations, _investigation_hit))

"""What liaison makes searchable (core.search): member units' report items by the cadre's name or what they say,
and the joint meeting's decisions by their text. A liaison officer finds only what the pages show him."""

from django.db.models import Q
from django.utils.formats import date_format

from cadres.search import matching_cadres
from core.search import Hit, Source, any_contains, register
from liaison.models import MeetingDecision, Report, ReportItem


def _items(user, query):
    items = ReportItem.objects.filter(report__in=Report.objects.visible_to(user), voided_at__isnull=True)
    return (any_contains(items, query.text, ["cadre_name", "description"], also=Q(cadre__in=matching_cadres(query)))
            .select_related("report__member_unit__unit").order_by("-occurred_on", "-pk"))


def _item_hit(item):
    return Hit(title=f"{item.cadre_name}（{item.get_aspect_display()}）", code="",
               state=item.report.get_status_display(), url=item.get_absolute_url(),
               detail=f"{item.report.member_unit} {date_format(item.occurred_on, 'Y年n月j日')} {item.description[:60]}")


def _decisions(user, query):
    return (MeetingDecision.objects.visible_to(user).filter(content__contains=query.text)
            .select_related("meeting").order_by("-meeting__held_on", "-pk"))


def _decision_hit(decision):
    return Hit(title=decision.content[:60], code="", state=decision.get_status_display(),
               url=decision.get_absolute_url(), detail=str(decision.meeting))


register(Source("成员单位通报", 60, _items, _item_hit))
register(Source("议定事项", 70, _decisions, _decision_hit))

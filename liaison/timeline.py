"""What the liaison app contributes to a cadre's integrity profile: timeline entries and the items marked
纳入考察 (case source topic "liaison_for_vetting")."""

from cadres.registry import CaseRef, TimelineEntry, register_case_source, register_timeline
from core.bundles import steps
from liaison.models import Disposal, Report, ReportItem

CATEGORY = "联席会议通报"
VETTING_TOPIC = "liaison_for_vetting"


def _received_items(cadre):
    return (ReportItem.objects.filter(cadre=cadre, voided_at__isnull=True, report__status__in=Report.RECEIVED)
            .select_related("report__member_unit__unit"))


@register_timeline
@steps
def entries(cadre):
    items = _received_items(cadre).order_by("-occurred_on", "-id")
    rows = yield {"items": items, "disposals": Disposal.objects.filter(item__in=items.order_by().values("pk"))}
    disposals = {}
    for disposal in rows["disposals"]:
        disposals.setdefault(disposal.item_id, []).append(disposal)
    result = []
    for item in rows["items"]:
        actions = "、".join(d.get_action_display() for d in disposals.get(item.pk, []))
        result.append(TimelineEntry(
            date=item.occurred_on, category=CATEGORY,
            title=f"{item.report.member_unit}{item.report.get_kind_display()}："
                  f"{item.get_aspect_display()}（{item.get_severity_display()}）",
            detail=item.description[:200].rstrip("。") + (f"；处置：{actions}" if actions else ""),
            url=item.get_absolute_url(),
        ))
    return result


@register_case_source(VETTING_TOPIC)
@steps
def for_vetting(cadre):
    disposals = (Disposal.objects.filter(item__cadre=cadre, action=Disposal.Action.FOR_VETTING,
                                         item__voided_at__isnull=True)
                 .select_related("item__report__member_unit__unit").order_by("-decided_on"))
    return [CaseRef(topic=VETTING_TOPIC, code=str(d.item.code),
                    label=f"{d.item.report.member_unit}通报：{d.item.get_aspect_display()}（{d.item.get_severity_display()}）",
                    url=d.item.get_absolute_url(), status="纳入考察", is_open=True, date=d.decided_on)
            for d in (yield disposals)]

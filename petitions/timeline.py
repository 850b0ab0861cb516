"""Concluded petitions on the cadre's integrity profile (廉政档案) timeline."""

from cadres import registry
from core.bundles import steps
from petitions.models import CONCLUDED_STATUSES, Petition


@registry.register_timeline
@steps
def timeline(cadre):
    petitions = (Petition.objects.filter(subjects__cadre=cadre, status__in=CONCLUDED_STATUSES)
                 .order_by("-concluded_on"))
    entries = []
    for petition in (yield petitions):
        result = petition.get_conclusion_display() or petition.get_disposal_display() or "办结"
        detail = f"{petition.get_channel_display()}；{'、'.join(petition.category_labels())}"
        if petition.name_cleared:
            detail += "；已澄清正名"
        entries.append(registry.TimelineEntry(
            date=petition.concluded_on or petition.received_on, category="信访举报",
            title=f"信访举报件 {petition.code} 办结：{result}", detail=detail, url=petition.get_absolute_url()))
    return entries

"""The cadre's vetting history for the integrity profile (廉政档案) timeline."""

from cadres.registry import TimelineEntry
from core.bundles import steps
from vetting.models import Appointment, CaseStatus, VettingCase

CATEGORY = "任前把关"


@steps
def entries(cadre):
    rows = yield {"cases": VettingCase.objects.filter(cadre=cadre).select_related("proposed_unit"),
                  "appointments": Appointment.objects.filter(case__cadre=cadre)}
    appointments = {a.case_id: a for a in rows["appointments"]}
    out = []
    for case in rows["cases"]:
        post = f"{case.proposed_unit.display_name}{case.proposed_title}"
        url = case.get_absolute_url()
        out.append(TimelineEntry(case.opened_on, CATEGORY, f"任前把关：拟{case.get_move_kind_display()}任{post}",
                                 f"{case.number}，当前{case.get_status_display()}", url))
        appointment = appointments.get(case.pk)
        if appointment is not None:
            trial = f"，试用期至{appointment.probation_end:%Y-%m-%d}" if appointment.probation_end else ""
            out.append(TimelineEntry(appointment.appointed_on, CATEGORY, f"任{post}",
                                     f"{case.number}{trial}", url))
            if appointment.probation_result:
                out.append(TimelineEntry(appointment.assessed_on, CATEGORY,
                                         f"试用期考核：{appointment.get_probation_result_display()}", case.number, url))
        if case.status in (CaseStatus.TERMINATED, CaseStatus.SUSPENDED) and case.status_reason:
            out.append(TimelineEntry(case.closed_on or case.updated_at.date(), CATEGORY,
                                     f"任前把关{case.get_status_display()}", case.status_reason, url))
    return out
